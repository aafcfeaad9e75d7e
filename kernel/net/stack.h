/* stack.h: the stack core's internal interfaces between Ethernet, ARP, IPv4, ICMP, DHCP
 * and the interface table, plus byte-order helpers for packet bytes. Not for drivers or
 * sockets (they use netdev.h, ipv4.h, iface.h). Locking: BKL, like the rest of net/. */
#ifndef ISLE_NET_STACK_H
#define ISLE_NET_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/pkt.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

extern const uint8_t eth_broadcast[6];

/* Drop counters by reason, for tests and /proc later. */
struct net_stats {
	uint64_t eth_bad, eth_other, arp_bad, ip_bad_hdr, ip_bad_csum, ip_bad_len, ip_ttl,
		ip_not_ours, ip_frag_drop, ip_frag_timeout, ip_reasm_ok, icmp_bad, icmp_rate,
		dhcp_bad;
};
extern struct net_stats net_stats;

/* Ethernet: prepend the header and transmit (takes ownership). */
int eth_output(struct netdev *nd, struct pkt *p, const uint8_t dst[6], uint16_t type);

/* ARP. arp_input takes ownership. arp_output sends the IPv4 packet p (p->data = IP
 * header) to next_hop on nd, resolving (queueing while resolving) as needed. */
void arp_input(struct netdev *nd, struct pkt *p);
int arp_output(struct netdev *nd, struct pkt *p, uint32_t next_hop);
/* Periodic ageing and retries (called by the ARP timer; tests call it with fake time). */
void arp_tick(void);
void arp_announce(struct netdev *nd); /* gratuitous ARP for our address */
/* Cache lookup for tests: true with the MAC when a valid entry exists. */
bool arp_lookup(uint32_t ip, uint8_t mac[6]);
void arp_reset(void); /* drop everything (tests) */
#define ARP_VALID_NS (60ull * 1000000000ull)
#define ARP_RETRY_NS (1000000000ull)
#define ARP_RETRIES 3
#define ARP_FAILED_NS (20ull * 1000000000ull)
#define ARP_QUEUE_MAX 4
#define ARP_ENTRIES 64

/* IPv4 input (p->data = IP header; takes ownership) and reassembly limits. */
void ip_input(struct netdev *nd, struct pkt *p);
void ip_reasm_reset(void); /* tests */
int ip_reasm_count(void);
#define IP_REASM_MAX 8		     /* datagrams under reassembly at once */
#define IP_REASM_BYTES (256u * 1024) /* bytes held by all of them */
#define IP_REASM_FRAGS 64	     /* fragments per datagram */
#define IP_REASM_TIMEOUT_NS (30ull * 1000000000ull)

/* DHCP client (dhcp.c). */
struct dhcp_opts {
	uint8_t msg_type;
	bool have_mask, have_router, have_server, have_lease;
	uint32_t mask, router, server_id, lease_s;
	uint32_t dns[3];
	int ndns;
};
/* Parse the options field (after the magic cookie); 0 or -EPROTO on malformed input. */
int dhcp_parse_options(const uint8_t *opt, uint32_t len, struct dhcp_opts *out);
/* Is this UDP packet (p->data = UDP header) for the DHCP client? If so it is consumed. */
bool dhcp_input(struct pkt *p, const struct ip_info *ip);
/* Start the client on nd; done() is true once an address is bound. */
int dhcp_start(struct netdev *nd);
bool dhcp_done(void);
bool dhcp_failed(void);
struct wait_queue;
extern struct wait_queue dhcp_wq;

#endif
