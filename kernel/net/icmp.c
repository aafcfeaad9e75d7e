/* icmp.c: ICMP for IPv4 (RFC 792, RFC 1122 3.2.2): echo replies, destination unreachable
 * generation with a rate limit (RFC 1812 4.3.2.8), and errors about our own datagrams
 * handed to the transport that sent them. */
#include "core/errno.h"
#include "core/time.h"
#include "lib/string.h"
#include "net/iface.h"
#include "net/stack.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_QUOTE_MAX 548 /* an error stays within 576 bytes */

/* Token bucket: ICMP_RATE_BURST errors at once, refilled at one per ICMP_RATE_NS. */
#define ICMP_RATE_BURST 10
#define ICMP_RATE_NS 10000000ull
static uint64_t bucket_time;
static uint32_t tokens = ICMP_RATE_BURST;

static bool rate_ok(void)
{
	uint64_t now = time_monotonic_ns();
	uint64_t add = (now - bucket_time) / ICMP_RATE_NS;
	if (add) {
		tokens = add + tokens > ICMP_RATE_BURST ? ICMP_RATE_BURST : tokens + (uint32_t)add;
		bucket_time = now;
	}
	if (!tokens)
		return false;
	tokens--;
	return true;
}

static int err_of(uint8_t type, uint8_t code)
{
	if (type == ICMP_TIME_EXCEEDED)
		return -EHOSTUNREACH;
	switch (code) {
	case 0:
	case 6:
		return -ENETUNREACH;
	case 2:
		return -ENOPROTOOPT;
	case 3:
		return -ECONNREFUSED;
	case 4:
		return -EMSGSIZE;
	default:
		return -EHOSTUNREACH;
	}
}

void icmp_input(struct pkt *p, const struct ip_info *ip)
{
	uint8_t *m = p->data;
	if (p->len < 8 || inet_fold(inet_sum(m, p->len, 0)) != 0xffff) {
		net_stats.icmp_bad++;
		goto out;
	}
	if (m[0] == ICMP_ECHO && m[1] == 0) {
		if (ip->broadcast || !ip->src)
			goto out;
		m[0] = ICMP_ECHO_REPLY;
		put16(m + 2, 0);
		put16(m + 2, (uint16_t)~inet_fold(inet_sum(m, p->len, 0)));
		p->flags = 0;
		p->next = NULL;
		ip_output(p, ip->dst, ip->src, IPPROTO_ICMP, 64, ip->tos, false);
		return;
	}
	if (m[0] == ICMP_DEST_UNREACH || m[0] == ICMP_TIME_EXCEEDED) {
		/* The quoted header: version 4, IHL >= 5, and 8 bytes of transport header. */
		const uint8_t *q = m + 8;
		uint32_t qlen = p->len - 8;
		if (qlen < 20 || (q[0] >> 4) != 4 || (q[0] & 15) < 5 ||
		    qlen < (uint32_t)(q[0] & 15) * 4 + 8 || !ip_is_local(get32(q + 12))) {
			net_stats.icmp_bad++;
			goto out;
		}
		int err = err_of(m[0], m[1]);
		if (q[9] == IPPROTO_UDP)
			udp_icmp_error(err, q, qlen);
		else if (q[9] == IPPROTO_TCP)
			tcp_icmp_error(err, q, qlen);
	}
out:
	pkt_free(p);
}

void icmp_send_unreachable(const struct pkt *p, const struct ip_info *ip, uint8_t code)
{
	const uint8_t *h = p->data - ip->hlen;
	if (ip->hlen < 20 || h < p->buf)
		return;
	/* Never about broadcasts, non-first fragments, odd sources or ICMP errors. */
	if (ip->broadcast || !ip->src || ip->src == INADDR_BROADCAST || (ip->src >> 28) >= 14 ||
	    (get16(h + 6) & 0x1fff))
		return;
	if (ip->proto == IPPROTO_ICMP && p->len >= 1 && p->data[0] != ICMP_ECHO &&
	    p->data[0] != ICMP_ECHO_REPLY)
		return;
	/* As Linux, errors about our own loopback traffic are never rate limited: a program
	 * waiting for ECONNREFUSED on 127.0.0.1 must get it. */
	bool loopback = ip->dev && (ip->dev->features & NETDEV_F_LOOPBACK);
	if (!loopback && !rate_ok()) {
		net_stats.icmp_rate++;
		return;
	}
	uint32_t qlen = ip->hlen + p->len;
	if (qlen > ICMP_QUOTE_MAX)
		qlen = ICMP_QUOTE_MAX;
	struct pkt *e = pkt_alloc(PKT_HEADROOM, 8 + qlen);
	if (!e)
		return;
	uint8_t *m = pkt_put(e, 8 + qlen);
	m[0] = ICMP_DEST_UNREACH;
	m[1] = code;
	memset(m + 2, 0, 6);
	memcpy(m + 8, h, qlen);
	put16(m + 2, (uint16_t)~inet_fold(inet_sum(m, 8 + qlen, 0)));
	ip_output(e, ip_is_local(ip->dst) ? ip->dst : 0, ip->src, IPPROTO_ICMP, 64, 0, false);
}
