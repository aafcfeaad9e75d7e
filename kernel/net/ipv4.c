/* ipv4.c: IPv4 (RFC 791, RFC 1122): header checks on input, fragment reassembly with
 * limits (RFC 815 style, overlaps drop the whole datagram: RFC 5722's rule applied to
 * IPv4), dispatch to the transports, routing over the interfaces, output with
 * fragmentation. The Internet checksum is in inet_csum.c. */
#include "net/ipv4.h"

#include "core/errno.h"
#include "core/time.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/iface.h"
#include "net/stack.h"
#include "net/net_timer.h"

/* ---- routing ---- */

static bool is_loopback_addr(uint32_t a)
{
	return (a >> 24) == 127;
}

bool ip_is_local(uint32_t addr)
{
	if (is_loopback_addr(addr))
		return true;
	for (int i = 1; i <= netdev_count(); i++) {
		struct netdev *nd = netdev_get(i);
		struct iface *ifc = nd->stack;
		if (ifc && ifc->addr && ifc->addr == addr)
			return true;
	}
	return false;
}

static struct netdev *loopback_dev(void)
{
	for (int i = 1; i <= netdev_count(); i++)
		if (netdev_get(i)->features & NETDEV_F_LOOPBACK)
			return netdev_get(i);
	return NULL;
}

int ip_route(uint32_t dst, struct netdev **dev, uint32_t *src, uint32_t *next_hop)
{
	if (ip_is_local(dst)) {
		struct netdev *lo = loopback_dev();
		if (!lo)
			return -ENETUNREACH;
		*dev = lo;
		*src = dst;
		*next_hop = dst;
		return 0;
	}
	struct netdev *gw_dev = NULL, *first = NULL;
	for (int i = 1; i <= netdev_count(); i++) {
		struct netdev *nd = netdev_get(i);
		struct iface *ifc = nd->stack;
		if ((nd->features & NETDEV_F_LOOPBACK) || !ifc || !ifc->addr)
			continue;
		if (!first)
			first = nd;
		if ((dst & ifc->netmask) == (ifc->addr & ifc->netmask)) {
			*dev = nd;
			*src = ifc->addr;
			*next_hop = dst;
			return 0;
		}
		if (ifc->gateway && !gw_dev)
			gw_dev = nd;
	}
	if (dst == INADDR_BROADCAST && first) {
		*dev = first;
		*src = ((struct iface *)first->stack)->addr;
		*next_hop = dst;
		return 0;
	}
	if (!gw_dev)
		return -ENETUNREACH;
	struct iface *g = gw_dev->stack;
	*dev = gw_dev;
	*src = g->addr;
	*next_hop = g->gateway;
	return 0;
}

/* ---- output ---- */

static uint16_t ip_id_next;

static int send_frame(struct netdev *nd, struct pkt *p, uint32_t next_hop)
{
	static const uint8_t zero[6];
	if (nd->features & NETDEV_F_LOOPBACK)
		return eth_output(nd, p, zero, ETH_P_IP);
	return arp_output(nd, p, next_hop);
}

static void fill_header(uint8_t *h, uint32_t total, uint16_t id, uint16_t frag, uint8_t ttl,
			uint8_t tos, uint8_t proto, uint32_t src, uint32_t dst)
{
	h[0] = 0x45;
	h[1] = tos;
	put16(h + 2, (uint16_t)total);
	put16(h + 4, id);
	put16(h + 6, frag);
	h[8] = ttl;
	h[9] = proto;
	put16(h + 10, 0);
	put32(h + 12, src);
	put32(h + 16, dst);
	put16(h + 10, (uint16_t)~inet_fold(inet_sum(h, 20, 0)));
}

int ip_output(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl, uint8_t tos,
	      bool dont_fragment)
{
	struct netdev *nd;
	uint32_t rsrc, hop;
	int r = ip_route(dst, &nd, &rsrc, &hop);
	if (r < 0) {
		pkt_free(p);
		return r;
	}
	if (!src)
		src = rsrc;
	uint16_t id = ip_id_next++;
	uint32_t mtu = nd->mtu < 68 ? 68 : nd->mtu;
	if (p->len + 20 <= mtu) {
		uint8_t *h = pkt_push(p, 20);
		if (!h) {
			pkt_free(p);
			return -ENOBUFS;
		}
		fill_header(h, p->len, id, dont_fragment ? 0x4000 : 0, ttl, tos, proto, src, dst);
		return send_frame(nd, p, hop);
	}
	if (dont_fragment || p->len + 20 > 65535) {
		pkt_free(p);
		return -EMSGSIZE;
	}
	uint32_t chunk = (mtu - 20) & ~7u;
	for (uint32_t off = 0; off < p->len; off += chunk) {
		uint32_t n = p->len - off < chunk ? p->len - off : chunk;
		struct pkt *f = pkt_alloc(PKT_HEADROOM, n);
		if (!f) {
			pkt_free(p);
			return -ENOBUFS;
		}
		memcpy(pkt_put(f, n), p->data + off, n);
		uint8_t *h = pkt_push(f, 20);
		bool more = off + n < p->len;
		fill_header(h, f->len, id, (uint16_t)((more ? 0x2000 : 0) | (off >> 3)), ttl, tos,
			    proto, src, dst);
		r = send_frame(nd, f, hop);
		if (r < 0) {
			pkt_free(p);
			return r;
		}
	}
	pkt_free(p);
	return 0;
}

/* ---- reassembly ---- */

struct reasm {
	bool used;
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	struct pkt *frags; /* sorted by offset; data = payload; buf keeps the header */
	int nfrags;
	uint32_t bytes;
	uint32_t total; /* payload length once the last fragment is seen, else 0 */
	bool have_last;
	struct net_timer timer;
};

static struct reasm reasms[IP_REASM_MAX];
static uint32_t reasm_bytes;

/* Fragment offsets ride in the pkt: stash them in flags' upper half (payload offset in
 * bytes fits 17 bits; flags keeps its low bits). */
#define FRAG_OFF(p) ((p)->flags >> 8)

static void reasm_free(struct reasm *r)
{
	if (!r->used)
		return;
	net_timer_cancel(&r->timer);
	while (r->frags) {
		struct pkt *f = r->frags;
		r->frags = f->next;
		pkt_free(f);
	}
	reasm_bytes -= r->bytes;
	r->used = false;
}

static void reasm_timeout(struct net_timer *t)
{
	net_stats.ip_frag_timeout++;
	reasm_free(t->priv);
}

void ip_reasm_reset(void)
{
	for (int i = 0; i < IP_REASM_MAX; i++)
		reasm_free(&reasms[i]);
}

int ip_reasm_count(void)
{
	int n = 0;
	for (int i = 0; i < IP_REASM_MAX; i++)
		n += reasms[i].used;
	return n;
}

/* Adds fragment p (data = IP header, hlen checked) and returns the whole datagram
 * (data = a rebuilt 20-byte header + payload) when complete, else NULL. Takes p. */
static struct pkt *reasm_add(struct pkt *p, uint32_t hlen, uint32_t off, bool more)
{
	const uint8_t *h = p->data;
	uint32_t src = get32(h + 12), dst = get32(h + 16);
	uint16_t id = get16(h + 4);
	uint8_t proto = h[9];
	uint32_t plen = p->len - hlen;
	struct reasm *r = NULL, *fresh = NULL;
	for (int i = 0; i < IP_REASM_MAX; i++) {
		struct reasm *c = &reasms[i];
		if (c->used && c->src == src && c->dst == dst && c->id == id && c->proto == proto)
			r = c;
		else if (!c->used && !fresh)
			fresh = c;
	}
	if ((plen == 0 && more) || (more && (plen & 7)) || off + plen > 65535 - 20)
		goto bad;
	if (!r) {
		if (!fresh)
			goto drop; /* too many datagrams under reassembly */
		r = fresh;
		*r = (struct reasm){.used = true, .src = src, .dst = dst, .id = id, .proto = proto};
		net_timer_init(&r->timer, reasm_timeout, r);
		net_timer_arm(&r->timer, time_monotonic_ns() + IP_REASM_TIMEOUT_NS);
	}
	if (reasm_bytes + p->len > IP_REASM_BYTES || r->nfrags >= IP_REASM_FRAGS)
		goto kill;
	if (!more) {
		if (r->have_last && r->total != off + plen)
			goto kill;
		r->have_last = true;
		r->total = off + plen;
	}
	/* Insert sorted; any overlap with a neighbour or data past the end kills it all. */
	struct pkt **pp = &r->frags;
	while (*pp && FRAG_OFF(*pp) < off)
		pp = &(*pp)->next;
	struct pkt *prev = NULL;
	for (struct pkt *q = r->frags; q && q != *pp; q = q->next)
		prev = q;
	if (prev && FRAG_OFF(prev) + prev->len > off)
		goto kill;
	if (*pp && off + plen > FRAG_OFF(*pp))
		goto kill;
	if (r->have_last) {
		struct pkt *last = r->frags;
		while (last && last->next)
			last = last->next;
		if (off + plen > r->total || (last && FRAG_OFF(last) + last->len > r->total))
			goto kill;
	}
	pkt_pull(p, hlen);
	p->flags = (p->flags & 0xff) | (off << 8);
	p->next = *pp;
	*pp = p;
	r->nfrags++;
	r->bytes += p->len + hlen;
	reasm_bytes += p->len + hlen;
	if (!r->have_last || FRAG_OFF(r->frags) != 0)
		return NULL;
	uint32_t at = 0;
	for (struct pkt *q = r->frags; q; q = q->next) {
		if (FRAG_OFF(q) != at)
			return NULL;
		at += q->len;
	}
	if (at != r->total)
		return NULL;
	struct pkt *w = pkt_alloc(PKT_HEADROOM, 20 + r->total);
	if (!w) {
		reasm_free(r);
		return NULL;
	}
	uint8_t *wh = pkt_put(w, 20 + r->total);
	memcpy(wh, h, 20); /* this fragment's fixed header (its options are not kept) */
	wh[0] = 0x45;
	put16(wh + 2, (uint16_t)(20 + r->total));
	put16(wh + 6, 0);
	put16(wh + 10, 0);
	put16(wh + 10, (uint16_t)~inet_fold(inet_sum(wh, 20, 0)));
	at = 20;
	for (struct pkt *q = r->frags; q; q = q->next) {
		memcpy(wh + at, q->data, q->len);
		at += q->len;
	}
	w->dev = p->dev;
	w->flags = 0;
	reasm_free(r);
	net_stats.ip_reasm_ok++;
	return w;
bad:
	if (r)
		goto kill;
	goto drop;
kill:
	reasm_free(r);
drop:
	net_stats.ip_frag_drop++;
	pkt_free(p);
	return NULL;
}

/* ---- input ---- */

static bool is_broadcast_for(struct iface *ifc, uint32_t dst)
{
	if (dst == INADDR_BROADCAST)
		return true;
	return ifc && ifc->addr && ifc->netmask && ifc->netmask != 0xffffffffu &&
	       (dst & ifc->netmask) == (ifc->addr & ifc->netmask) &&
	       (dst | ifc->netmask) == INADDR_BROADCAST;
}

void ip_input(struct netdev *nd, struct pkt *p)
{
	const uint8_t *h = p->data;
	p->dev = nd;
	if (p->len < 20 || (h[0] >> 4) != 4 || (h[0] & 15) < 5) {
		net_stats.ip_bad_hdr++;
		goto drop;
	}
	uint32_t hlen = (uint32_t)(h[0] & 15) * 4, total = get16(h + 2);
	if (total < hlen || total > p->len || hlen > p->len) {
		net_stats.ip_bad_len++;
		goto drop;
	}
	if (inet_fold(inet_sum(h, hlen, 0)) != 0xffff) {
		net_stats.ip_bad_csum++;
		goto drop;
	}
	if (h[8] == 0) {
		net_stats.ip_ttl++;
		goto drop;
	}
	pkt_trim(p, total);
	uint32_t src = get32(h + 12), dst = get32(h + 16);
	struct iface *ifc = nd->stack;
	bool bcast = is_broadcast_for(ifc, dst);
	bool lo = nd->features & NETDEV_F_LOOPBACK;
	/* Martian sources: broadcast/multicast never; 127/8 only on lo. */
	if (src == INADDR_BROADCAST || (src >> 28) == 14 || (!lo && is_loopback_addr(src))) {
		net_stats.ip_not_ours++;
		goto drop;
	}
	/* No forwarding. Before an address is bound, DHCP's unicast OFFER/ACK to the offered
	 * address must get through: accept UDP to anything on an unconfigured interface. */
	bool unconfigured = !lo && (!ifc || !ifc->addr);
	if (!bcast && !ip_is_local(dst) && !(unconfigured && h[9] == IPPROTO_UDP)) {
		net_stats.ip_not_ours++;
		goto drop;
	}
	uint16_t frag = get16(h + 6);
	if (frag & 0x8000) { /* reserved bit */
		net_stats.ip_bad_hdr++;
		goto drop;
	}
	if (frag & 0x3fff) {
		p = reasm_add(p, hlen, (uint32_t)(frag & 0x1fff) * 8, frag & 0x2000);
		if (!p)
			return;
		h = p->data;
		hlen = 20;
		p->dev = nd;
	}
	struct ip_info info = {
		.src = src,
		.dst = dst,
		.proto = h[9],
		.ttl = h[8],
		.tos = h[1],
		.dev = nd,
		.broadcast = bcast,
		.hlen = (uint16_t)hlen,
	};
	pkt_pull(p, hlen); /* options (hlen > 20) are skipped, never interpreted */
	switch (info.proto) {
	case IPPROTO_ICMP:
		icmp_input(p, &info);
		return;
	case IPPROTO_UDP:
		if (dhcp_input(p, &info))
			return;
		if (unconfigured && !bcast) {
			pkt_free(p);
			return;
		}
		udp_input(p, &info);
		return;
	case IPPROTO_TCP:
		if (bcast) {
			pkt_free(p);
			return;
		}
		tcp_input(p, &info);
		return;
	default:
		if (!bcast)
			icmp_send_unreachable(p, &info, 2 /* protocol unreachable */);
		pkt_free(p);
		return;
	}
drop:
	nd->rx_dropped++;
	pkt_free(p);
}
