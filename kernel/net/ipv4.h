/* ipv4.h: IPv4 as the transports (UDP, TCP, ICMP) and sockets see it: addresses,
 * routing, output and the input dispatch. Addresses and ports are in host byte order in
 * every API here; only packet bytes are in network order.
 * Locking: BKL. Input runs from netdev_rx in net_rx_poll (thread context, no sleeping). */
#ifndef ISLE_NET_IPV4_H
#define ISLE_NET_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#include "net/pkt.h"

#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

#define INADDR_ANY 0u
#define INADDR_BROADCAST 0xffffffffu
#define INADDR_LOOPBACK 0x7f000001u

struct netdev;

/* What a transport's input gets besides the payload (p->data = transport header). */
struct ip_info {
	uint32_t src, dst;
	uint8_t proto, ttl, tos;
	struct netdev *dev;
	bool broadcast; /* to 255.255.255.255 or the subnet broadcast */
	uint16_t hlen;	/* IP header length: the header starts at p->data - hlen */
};

/* Route to dst: the device and the source address to use (the interface's), and the next
 * hop (dst itself on-link, else the gateway). -ENETUNREACH when no route. */
int ip_route(uint32_t dst, struct netdev **dev, uint32_t *src, uint32_t *next_hop);
/* Is addr one of ours (any interface, 127/8 on lo)? */
bool ip_is_local(uint32_t addr);

/* Send: prepend the IPv4 header to p (p->data = transport header, headroom left) and
 * send it (fragmenting above the MTU; loopback delivers back to ip input later, never
 * recursively). src 0 = the route's. Takes ownership. 0 or -ENETUNREACH, -EMSGSIZE (DF
 * and too big), -ENOBUFS, -EHOSTUNREACH (ARP gave up: reported to later sends). */
int ip_output(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl, uint8_t tos,
	      bool dont_fragment);

/* Transport input hooks, called by ip input with a checked header. They take ownership.
 * Defined by udp.c / tcp.c / icmp.c. */
void udp_input(struct pkt *p, const struct ip_info *ip);
void tcp_input(struct pkt *p, const struct ip_info *ip);
void icmp_input(struct pkt *p, const struct ip_info *ip);
/* An ICMP error arrived about a datagram we sent (dest/port unreachable, ...): the
 * transport finds the socket by the quoted header (orig = the quoted IP header's start). */
void udp_icmp_error(int err, const uint8_t *orig, uint32_t len);
void tcp_icmp_error(int err, const uint8_t *orig, uint32_t len);
/* Send an ICMP error about the received packet p (its IP header must still be in front
 * of p->data: callers pass the packet as ip input gave it). Does not take ownership. */
void icmp_send_unreachable(const struct pkt *p, const struct ip_info *ip, uint8_t code);
#define ICMP_PORT_UNREACH 3
#define ICMP_HOST_UNREACH 1

/* The Internet checksum (RFC 1071) of len bytes, folded, not complemented, starting from
 * sum; and the TCP/UDP pseudo-header sum. */
uint32_t inet_sum(const void *data, uint32_t len, uint32_t sum);
uint16_t inet_fold(uint32_t sum);
uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len);

#endif
