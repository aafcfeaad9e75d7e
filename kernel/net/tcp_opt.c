/* tcp_opt.c: TCP options (RFC 9293 3.1, RFC 7323, RFC 2018): a bounds-checked parser
 * (MSS, window scale, SACK-permitted, timestamps; other kinds skipped by their length),
 * the options we send (MSS, window scale, SACK-permitted and timestamps on SYNs; then
 * timestamps on every segment and SACK blocks for held out-of-order data), what the SYNs
 * negotiate, PAWS and TS.Recent (RFC 7323 5.3, 4.3), the TSval clock and the
 * window-scale shift for a receive buffer. */
#include "core/errno.h"
#include "core/random.h"
#include "core/time.h"
#include "net/stack.h"
#include "net/tcp.h"

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_WS 3
#define OPT_SACK_OK 4
#define OPT_SACK 5
#define OPT_TS 8

int tcp_parse_opts(const uint8_t *o, uint32_t n, struct tcp_opts *out)
{
	uint32_t i = 0;

	*out = (struct tcp_opts){.ws = -1};
	while (i < n) {
		uint8_t kind = o[i];
		if (kind == OPT_EOL)
			break;
		if (kind == OPT_NOP) {
			i++;
			continue;
		}
		if (n - i < 2)
			return -EINVAL; /* no room for the length byte */
		uint8_t len = o[i + 1];
		if (len < 2 || len > n - i)
			return -EINVAL; /* a zero/short length would loop, a long one overrun */
		const uint8_t *v = o + i + 2;
		if (kind == OPT_MSS && len == 4) {
			out->mss = get16(v);
		} else if (kind == OPT_WS && len == 3) {
			out->ws = v[0] > TCP_WS_MAX ? TCP_WS_MAX : v[0]; /* RFC 7323 2.3 */
		} else if (kind == OPT_SACK_OK && len == 2) {
			out->sack_ok = true;
		} else if (kind == OPT_TS && len == 10) {
			out->ts = true;
			out->tsval = get32(v);
			out->tsecr = get32(v + 4);
		}
		i += len;
	}
	return 0;
}

static uint64_t now_ms(void)
{
	return time_monotonic_ns() / 1000000u + 1; /* 0: "TS.Recent not valid" */
}

void tcp_negotiate(struct tcb *t, const struct tcp_opts *o, bool active)
{
	uint16_t peer = o->mss ? o->mss : TCP_DEFAULT_MSS;
	uint16_t ours = tcp_our_mss(t->raddr, t->rbuf.cap);

	t->ws_ok = o->ws >= 0;
	t->snd_wscale = t->ws_ok ? (uint8_t)o->ws : 0;
	t->rcv_wscale = t->ws_ok ? tcp_wscale_for(t->rbuf.cap) : 0;
	t->sack_ok = o->sack_ok;
	t->ts_ok = o->ts;
	if (t->ts_ok) {
		t->ts_recent = o->tsval;
		t->ts_recent_ms = now_ms();
	}
	if (!active)
		t->ts_off = (uint32_t)random_u64();
	if (peer < 64)
		peer = 64;
	t->mss = peer < ours ? peer : ours;
	if (t->ts_ok)
		t->mss -= TCP_TS_LEN;
}

bool tcp_paws_reject(struct tcb *t, const struct tcp_opts *o, uint8_t flags)
{
	if (!t->ts_ok || !o->ts || (flags & TCP_F_RST) || !t->ts_recent_ms ||
	    (int32_t)(o->tsval - t->ts_recent) >= 0)
		return false;
	if (now_ms() - t->ts_recent_ms > TCP_PAWS_IDLE_MS) {
		t->ts_recent_ms = 0; /* idle past 24 days: TS.Recent no longer valid */
		return false;
	}
	tcp_stats.paws_drop++;
	return true;
}

void tcp_ts_update(struct tcb *t, const struct tcp_opts *o, uint32_t seq)
{
	if (t->ts_ok && o->ts && tcp_seq_le(seq, t->last_ack_sent) &&
	    (!t->ts_recent_ms || (int32_t)(o->tsval - t->ts_recent) >= 0)) {
		t->ts_recent = o->tsval;
		t->ts_recent_ms = now_ms();
	}
}

uint32_t tcp_ts_now(const struct tcb *t)
{
	return (uint32_t)(time_monotonic_ns() / 1000000u) + t->ts_off;
}

uint8_t tcp_wscale_for(uint32_t rbuf)
{
	uint8_t s = 0;

	while (s < TCP_WS_MAX && (rbuf >> s) > 65535u)
		s++;
	return s;
}

void tcp_sack_note(struct tcb *t, uint32_t seq)
{
	uint32_t *h = t->sack_hist;
	int i = 0;

	while (i < 3 && h[i] != seq)
		i++;
	for (; i > 0; i--)
		h[i] = h[i - 1];
	h[0] = seq;
}

/* The maximal run of held out-of-order data containing seq (or, when seq is NULL, the
 * idx-th run from the left). Runs of zero length (a lone FIN) are not reported. */
static bool ooo_run(const struct tcb *t, const uint32_t *seq, int idx, uint32_t *l, uint32_t *r)
{
	const struct tcp_ooo *o = t->ooo;

	while (o) {
		uint32_t s = o->seq, e = o->seq + o->len;
		for (o = o->next; o && tcp_seq_le(o->seq, e); o = o->next)
			if (tcp_seq_lt(e, o->seq + o->len))
				e = o->seq + o->len;
		if (s == e)
			continue;
		bool hit = seq ? tcp_seq_le(s, *seq) && tcp_seq_lt(*seq, e) : idx-- == 0;
		if (hit) {
			*l = s;
			*r = e;
			return true;
		}
	}
	return false;
}

/* SACK blocks (RFC 2018 4): the run holding the newest arrival first, then the runs of
 * the other recent arrivals, then the rest from the left; at most max blocks. */
static uint32_t sack_blocks(const struct tcb *t, uint8_t *o, int max)
{
	uint32_t bl[4], br[4];
	int nb = 0;

	for (int i = 0; i < 4 + TCP_OOO_MAX && nb < max; i++) {
		uint32_t l, r;
		bool ok = i < 4 ? ooo_run(t, &t->sack_hist[i], 0, &l, &r)
				: ooo_run(t, NULL, i - 4, &l, &r);
		if (!ok) {
			if (i < 4)
				continue;
			break;
		}
		bool dup = false;
		for (int j = 0; j < nb; j++)
			dup |= bl[j] == l;
		if (dup)
			continue;
		bl[nb] = l;
		br[nb] = r;
		nb++;
	}
	if (!nb)
		return 0;
	o[0] = OPT_NOP;
	o[1] = OPT_NOP;
	o[2] = OPT_SACK;
	o[3] = (uint8_t)(2 + 8 * nb);
	for (int j = 0; j < nb; j++) {
		put32(o + 4 + 8 * j, bl[j]);
		put32(o + 8 + 8 * j, br[j]);
	}
	return 4 + 8u * (uint32_t)nb;
}

static uint32_t put_ts(const struct tcb *t, uint8_t *o, uint32_t tsecr)
{
	o[0] = OPT_NOP;
	o[1] = OPT_NOP;
	o[2] = OPT_TS;
	o[3] = 10;
	put32(o + 4, tcp_ts_now(t));
	put32(o + 8, tsecr);
	return TCP_TS_LEN;
}

uint32_t tcp_build_opts(struct tcb *t, uint8_t flags, uint32_t n, uint8_t *o)
{
	uint32_t len = 0;

	if (flags & TCP_F_SYN) {
		bool offer = !(flags & TCP_F_ACK); /* our SYN offers; a SYN,ACK only answers */
		o[0] = OPT_MSS;
		o[1] = 4;
		put16(o + 2, tcp_our_mss(t->raddr, t->rbuf.cap));
		len = 4;
		if (offer || t->ws_ok) {
			o[len] = OPT_NOP;
			o[len + 1] = OPT_WS;
			o[len + 2] = 3;
			o[len + 3] = t->rcv_wscale;
			len += 4;
		}
		if (offer || t->sack_ok) {
			o[len] = OPT_NOP;
			o[len + 1] = OPT_NOP;
			o[len + 2] = OPT_SACK_OK;
			o[len + 3] = 2;
			len += 4;
		}
		if (offer || t->ts_ok)
			len += put_ts(t, o + len, offer ? 0 : t->ts_recent);
		return len;
	}
	if (t->ts_ok)
		len += put_ts(t, o, t->ts_recent);
	if (t->sack_ok && t->ooo && !(flags & TCP_F_RST)) {
		/* Data plus options stay within what one segment may carry. */
		uint32_t budget = n ? t->mss + (t->ts_ok ? TCP_TS_LEN : 0) - n : 40;
		uint32_t room = budget > 40 ? 40 - len : (budget > len ? budget - len : 0);
		int max = room >= 4 ? (int)((room - 4) / 8) : 0;
		if (max > (t->ts_ok ? 3 : 4))
			max = t->ts_ok ? 3 : 4;
		if (max > 0)
			len += sack_blocks(t, o + len, max);
	}
	return len;
}
