/* tcp_stub.c: TEMPORARY TCP until kernel/net/tcp.c lands (delete this file then): every
 * segment is answered with a RST as RFC 9293 3.5.2 says for a CLOSED port, so connection
 * attempts fail fast; a RST is never answered. ICMP errors are ignored. */
#include "core/errno.h"
#include "lib/string.h"
#include "net/ipv4.h"
#include "net/stack.h"

void tcp_input(struct pkt *p, const struct ip_info *ip)
{
	const uint8_t *t = p->data;
	if (p->len < 20 || (t[12] >> 4) < 5 || (uint32_t)(t[12] >> 4) * 4 > p->len ||
	    (t[13] & 0x04) || ip->broadcast)
		goto out;
	uint32_t seglen = p->len - (uint32_t)(t[12] >> 4) * 4;
	uint8_t fl = t[13];
	if (fl & 0x02)
		seglen++; /* SYN */
	if (fl & 0x01)
		seglen++; /* FIN */
	struct pkt *r = pkt_alloc(PKT_HEADROOM, 20);
	if (!r)
		goto out;
	uint8_t *h = pkt_put(r, 20);
	memset(h, 0, 20);
	memcpy(h, t + 2, 2); /* our port = their destination */
	memcpy(h + 2, t, 2);
	if (fl & 0x10) { /* ACK present: <SEQ=SEG.ACK><CTL=RST> */
		memcpy(h + 4, t + 8, 4);
		h[13] = 0x04;
	} else { /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		put32(h + 8, get32(t + 4) + seglen);
		h[13] = 0x14;
	}
	h[12] = 5 << 4;
	uint32_t sum = inet_pseudo_sum(ip->dst, ip->src, IPPROTO_TCP, 20);
	put16(h + 16, (uint16_t)~inet_fold(inet_sum(h, 20, sum)));
	ip_output(r, ip->dst, ip->src, IPPROTO_TCP, 64, 0, false);
out:
	pkt_free(p);
}

void tcp_icmp_error(int err, const uint8_t *orig, uint32_t len) {}
