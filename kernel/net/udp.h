/* udp.h: UDP (RFC 768) endpoints. udp.c keeps the table of bound endpoints, demultiplexes
 * received datagrams to them (exact local address before the wildcard, connected before
 * unconnected; broadcasts to every match), answers port unreachable when none matches,
 * turns ICMP errors into endpoint errors, and sends with the checksum. It knows nothing
 * of sockets: inet_dgram.c wraps an endpoint in a socket through the callbacks.
 * Addresses and ports are host byte order. Locking: BKL. */
#ifndef ISLE_NET_UDP_H
#define ISLE_NET_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/ipv4.h"
#include "net/pkt.h"

#define UDP_HDR_LEN 8
#define UDP_MAX_PAYLOAD 65507u /* 65535 - IPv4 header 20 - UDP header 8 */
#define UDP_EPHEMERAL_LO 32768u
#define UDP_EPHEMERAL_HI 60999u

struct udp_pcb {
	struct udp_pcb *next;  /* in the bound table */
	uint32_t laddr, raddr; /* raddr/rport set when connected */
	uint16_t lport, rport;
	bool bound;
	bool reuseaddr, reuseport; /* copied from the socket options */
	/* A datagram for this endpoint: p->data = payload, p->len its length. Takes p.
	 * Called from ip input (net_rx_poll): no sleeping. */
	void (*recv)(struct udp_pcb *pcb, struct pkt *p, uint32_t src, uint16_t sport);
	/* An ICMP error (positive errno) about a datagram this connected endpoint sent. */
	void (*err)(struct udp_pcb *pcb, int err);
	void *priv;
};

struct udp_stats {
	uint64_t in_datagrams, no_ports, in_errors, out_datagrams, csum_errors;
};
extern struct udp_stats udp_stats;

/* Bind pcb to (addr, port): port 0 picks a free ephemeral port. 0, -EINVAL (already
 * bound), -EADDRNOTAVAIL (addr not local, not any, not broadcast), -EADDRINUSE (a
 * conflicting endpoint holds the port and not both have SO_REUSEADDR or SO_REUSEPORT;
 * or no ephemeral port left). */
int udp_bind(struct udp_pcb *pcb, uint32_t addr, uint16_t port);
/* Remove from the table (no-op when unbound). */
void udp_unbind(struct udp_pcb *pcb);
/* Send len bytes of data from pcb (bound) to (dst, dport): builds the packet, fills the
 * checksum (or marks PKT_CSUM_TX), calls ip_output with pcb's laddr (0 = the route's).
 * Returns len, -EMSGSIZE, -ENOMEM, -ENETUNREACH, ... (ip_output's). */
long udp_send(struct udp_pcb *pcb, uint32_t dst, uint16_t dport, const void *data, size_t len,
	      uint8_t ttl, uint8_t tos);

#endif
