/* udp.c: UDP endpoints, input demultiplexing and output (udp.h). The bound table is one
 * list: a program has a handful of sockets, so a scan is cheaper than keeping a hash
 * right. Every received header is checked before use: short or inconsistent datagrams
 * and bad checksums are counted (udp_stats.in_errors / csum_errors) and dropped. */
#include "net/udp.h"
#include "core/errno.h"
#include "core/random.h"
#include "lib/string.h"
#include "net/netdev.h"

struct udp_stats udp_stats;
static struct udp_pcb *bound; /* every bound endpoint */

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static bool addr_overlap(uint32_t a, uint32_t b)
{
	return a == INADDR_ANY || b == INADDR_ANY || a == b;
}

static bool port_conflict(const struct udp_pcb *pcb, uint32_t addr, uint16_t port)
{
	for (const struct udp_pcb *o = bound; o; o = o->next) {
		if (o->lport != port || !addr_overlap(o->laddr, addr))
			continue;
		if (pcb->reuseaddr && o->reuseaddr)
			continue;
		if (pcb->reuseport && o->reuseport)
			continue;
		return true;
	}
	return false;
}

static bool port_used(uint16_t port)
{
	for (const struct udp_pcb *o = bound; o; o = o->next)
		if (o->lport == port)
			return true;
	return false;
}

int udp_bind(struct udp_pcb *pcb, uint32_t addr, uint16_t port)
{
	if (pcb->bound)
		return -EINVAL;
	if (addr != INADDR_ANY && addr != INADDR_BROADCAST && !ip_is_local(addr))
		return -EADDRNOTAVAIL;
	if (port == 0) {
		uint32_t n = UDP_EPHEMERAL_HI - UDP_EPHEMERAL_LO + 1;
		uint32_t start = (uint32_t)random_below(n);
		for (uint32_t i = 0; i < n && port == 0; i++) {
			uint16_t cand = (uint16_t)(UDP_EPHEMERAL_LO + (start + i) % n);
			if (!port_used(cand))
				port = cand;
		}
		if (port == 0)
			return -EADDRINUSE;
	} else if (port_conflict(pcb, addr, port)) {
		return -EADDRINUSE;
	}
	pcb->laddr = addr;
	pcb->lport = port;
	pcb->bound = true;
	pcb->next = bound;
	bound = pcb;
	return 0;
}

void udp_unbind(struct udp_pcb *pcb)
{
	for (struct udp_pcb **pp = &bound; *pp; pp = &(*pp)->next) {
		if (*pp == pcb) {
			*pp = pcb->next;
			break;
		}
	}
	pcb->next = NULL;
	pcb->bound = false;
}

/* How well pcb matches a unicast datagram: -1 not at all; higher is more specific. */
static int match_score(const struct udp_pcb *pcb, uint32_t src, uint16_t sport, uint32_t dst,
		       uint16_t dport)
{
	int score = 0;

	if (pcb->lport != dport)
		return -1;
	if (pcb->laddr != INADDR_ANY) {
		if (pcb->laddr != dst)
			return -1;
		score += 2;
	}
	if (pcb->raddr != INADDR_ANY) {
		if (pcb->raddr != src || pcb->rport != sport)
			return -1;
		score += 4;
	}
	return score;
}

static void deliver(struct udp_pcb *pcb, struct pkt *p, uint32_t src, uint16_t sport)
{
	udp_stats.in_datagrams++;
	pcb->recv(pcb, p, src, sport);
}

/* A copy of p's payload for one more broadcast receiver; NULL when out of memory. */
static struct pkt *pkt_copy(const struct pkt *p)
{
	struct pkt *c = pkt_alloc(0, p->len);
	uint8_t *d;

	if (!c)
		return NULL;
	d = pkt_put(c, p->len);
	if (!d) {
		pkt_free(c);
		return NULL;
	}
	memcpy(d, p->data, p->len);
	c->dev = p->dev;
	return c;
}

static void input_broadcast(struct pkt *p, const struct ip_info *ip, uint16_t sport, uint16_t dport)
{
	struct udp_pcb *last = NULL;

	for (struct udp_pcb *o = bound; o; o = o->next) {
		if (o->lport != dport || (o->laddr != INADDR_ANY && o->laddr != ip->dst))
			continue;
		if (o->raddr != INADDR_ANY && (o->raddr != ip->src || o->rport != sport))
			continue;
		if (last) {
			struct pkt *c = pkt_copy(p);
			if (c)
				deliver(last, c, ip->src, sport);
		}
		last = o;
	}
	if (last)
		deliver(last, p, ip->src, sport);
	else
		pkt_free(p); /* no port unreachable for broadcasts (RFC 1122 3.2.2) */
}

void udp_input(struct pkt *p, const struct ip_info *ip)
{
	const uint8_t *h = p->data;
	uint16_t sport, dport, ulen, csum;

	if (p->len < UDP_HDR_LEN)
		goto bad;
	sport = get16(h);
	dport = get16(h + 2);
	ulen = get16(h + 4);
	csum = get16(h + 6);
	if (ulen < UDP_HDR_LEN || ulen > p->len || dport == 0)
		goto bad;
	pkt_trim(p, ulen);
	if (csum != 0 && !(p->flags & PKT_CSUM_OK)) {
		uint32_t sum = inet_pseudo_sum(ip->src, ip->dst, IPPROTO_UDP, ulen);
		if (inet_fold(inet_sum(p->data, ulen, sum)) != 0xffff) {
			udp_stats.csum_errors++;
			goto bad;
		}
	}
	if (ip->broadcast) {
		pkt_pull(p, UDP_HDR_LEN);
		input_broadcast(p, ip, sport, dport);
		return;
	}
	struct udp_pcb *best = NULL;
	int best_score = -1;
	for (struct udp_pcb *o = bound; o; o = o->next) {
		int sc = match_score(o, ip->src, sport, ip->dst, dport);
		if (sc > best_score) {
			best = o;
			best_score = sc;
		}
	}
	if (!best) {
		udp_stats.no_ports++;
		/* p->data is still the UDP header, so the IP header is in front of it. */
		icmp_send_unreachable(p, ip, ICMP_PORT_UNREACH);
		pkt_free(p);
		return;
	}
	pkt_pull(p, UDP_HDR_LEN);
	deliver(best, p, ip->src, sport);
	return;
bad:
	udp_stats.in_errors++;
	pkt_free(p);
}

void udp_icmp_error(int err, const uint8_t *orig, uint32_t len)
{
	uint32_t ihl, src, dst;
	uint16_t sport, dport;

	if (err < 0)
		err = -err;
	if (len < 20 || (orig[0] >> 4) != 4)
		return;
	ihl = (uint32_t)(orig[0] & 0xf) * 4;
	if (ihl < 20 || len < ihl + 4 || orig[9] != IPPROTO_UDP)
		return;
	src = get32(orig + 12);
	dst = get32(orig + 16);
	sport = get16(orig + ihl);
	dport = get16(orig + ihl + 2);
	/* As Linux without IP_RECVERR: only connected endpoints hear about errors. */
	for (struct udp_pcb *o = bound; o; o = o->next) {
		if (o->lport != sport || (o->laddr != INADDR_ANY && o->laddr != src))
			continue;
		if (o->raddr != dst || o->rport != dport)
			continue;
		if (o->err)
			o->err(o, err);
		return;
	}
}

long udp_send(struct udp_pcb *pcb, uint32_t dst, uint16_t dport, const void *data, size_t len,
	      uint8_t ttl, uint8_t tos)
{
	struct netdev *dev;
	uint32_t src = pcb->laddr, rsrc, next_hop;
	struct pkt *p;
	uint8_t *h;
	int r;

	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	r = ip_route(dst, &dev, &rsrc, &next_hop);
	if (r < 0)
		return r;
	if (src == INADDR_ANY || src == INADDR_BROADCAST)
		src = rsrc;
	p = pkt_alloc(PKT_HEADROOM, (uint32_t)len + UDP_HDR_LEN);
	if (!p)
		return -ENOBUFS;
	h = pkt_put(p, (uint32_t)len + UDP_HDR_LEN);
	if (!h) {
		pkt_free(p);
		return -ENOBUFS;
	}
	uint16_t ulen = (uint16_t)(len + UDP_HDR_LEN);
	put16(h, pcb->lport);
	put16(h + 2, dport);
	put16(h + 4, ulen);
	put16(h + 6, 0);
	if (len)
		memcpy(h + UDP_HDR_LEN, data, len);
	uint32_t pseudo = inet_pseudo_sum(src, dst, IPPROTO_UDP, ulen);
	if (dev && (dev->features & NETDEV_F_CSUM_TX)) {
		/* Partial checksum: the pseudo-header sum in the field; the device sums from
		 * the UDP header on and stores the complement there (offset 6). */
		p->flags |= PKT_CSUM_TX;
		put16(h + 6, inet_fold(pseudo));
	} else {
		uint16_t c = (uint16_t)~inet_fold(inet_sum(h, ulen, pseudo));
		put16(h + 6, c ? c : 0xffff);
	}
	r = ip_output(p, src, dst, IPPROTO_UDP, ttl, tos, false);
	if (r < 0)
		return r;
	udp_stats.out_datagrams++;
	return (long)len;
}
