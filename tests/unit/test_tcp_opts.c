/* test_tcp_opts.c: TCP's extensions on the host (tcp_harness.c fakes): the options
 * parser on good and malformed input, RFC 7323 window scaling (negotiation, shifts both
 * ways, windows past 64 KiB) and timestamps (TSval clock, TS.Recent, RTT samples from
 * TSecr, PAWS), RFC 2018 SACK blocks, and fast retransmit with NewReno recovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_harness.h"

#define MSS_TS (1460 - TCP_TS_LEN)

static uint32_t hlen(const struct pkt *p)
{
	return (uint32_t)(p->data[12] >> 4) * 4;
}
static uint32_t seg_seq(const struct pkt *p)
{
	return get32(p->data + 4);
}
static uint32_t seg_dlen(const struct pkt *p)
{
	return p->len - hlen(p);
}
static uint16_t seg_wnd(const struct pkt *p)
{
	return get16(p->data + 14);
}
/* A timestamps option (NOP, NOP, kind 8) into o. */
static void ts_opt(uint8_t *o, uint32_t tsval, uint32_t tsecr)
{
	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	put32(o + 4, tsval);
	put32(o + 8, tsecr);
}

/* ---- the parser ---- */
static void test_parse_opts(void **st)
{
	struct tcp_opts o;
	const uint8_t good[] = {2,  4, 0x05, 0xb4, 1, 3, 3, 20, 4, 2, 8,
				10, 0, 0,    0,	   7, 0, 0, 0,	9, 0};
	assert_int_equal(tcp_parse_opts(good, sizeof(good), &o), 0);
	assert_int_equal(o.mss, 1460);
	assert_int_equal(o.ws, TCP_WS_MAX); /* 20 is clamped to 14 */
	assert_true(o.sack_ok && o.ts);
	assert_int_equal(o.tsval, 7);
	assert_int_equal(o.tsecr, 9);
	/* Unknown kinds are skipped by their length. */
	const uint8_t unknown[] = {99, 6, 1, 2, 3, 4, 2, 4, 0x02, 0x18};
	assert_int_equal(tcp_parse_opts(unknown, sizeof(unknown), &o), 0);
	assert_int_equal(o.mss, 536);
	assert_int_equal(o.ws, -1);
	/* Known kinds with the wrong length are skipped too. */
	const uint8_t badlen[] = {2, 3, 5, 1, 8, 9, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(tcp_parse_opts(badlen, sizeof(badlen), &o), 0);
	assert_int_equal(o.mss, 0);
	assert_false(o.ts);
	/* A zero or one length, or one past the end, stops the parse with -EINVAL; what
	 * came before stays. */
	const uint8_t zero[] = {2, 4, 0x05, 0xb4, 3, 0, 3, 7};
	assert_int_equal(tcp_parse_opts(zero, sizeof(zero), &o), -EINVAL);
	assert_int_equal(o.mss, 1460);
	assert_int_equal(o.ws, -1);
	const uint8_t one[] = {4, 1, 4, 2};
	assert_int_equal(tcp_parse_opts(one, sizeof(one), &o), -EINVAL);
	assert_false(o.sack_ok);
	const uint8_t overlong[] = {2, 30, 0x05, 0xb4};
	assert_int_equal(tcp_parse_opts(overlong, sizeof(overlong), &o), -EINVAL);
	assert_int_equal(o.mss, 0);
	const uint8_t nolen[] = {1, 1, 1, 8};
	assert_int_equal(tcp_parse_opts(nolen, sizeof(nolen), &o), -EINVAL);
	/* EOL ends the list; what follows is padding. */
	const uint8_t eol[] = {0, 2, 4, 0x05, 0xb4};
	assert_int_equal(tcp_parse_opts(eol, sizeof(eol), &o), 0);
	assert_int_equal(o.mss, 0);
}

static void test_bad_option_segments(void **st)
{
	struct tcb *l = mk_listener(80, 4);
	/* A SYN whose options break off: counted, the options before the bad one used,
	 * the rest ignored (as Linux), the handshake goes on without timestamps. */
	const uint8_t o1[] = {2, 4, 0x04, 0x00, 8, 0, 0, 0};
	inject(mkseg_opts(3000, 80, 500, 0, TCP_F_SYN, A, B, o1, 8, NULL, 0, 65535), A, B);
	assert_int_equal(tcp_stats.bad_opt, 1);
	assert_int_equal(l->nsyn, 1);
	assert_int_equal(nq, 1);
	assert_null(find_opt(q[0].p, 8));
	assert_null(find_opt(q[0].p, 3));
	assert_int_equal(get16(find_opt(q[0].p, 2) + 2), 1460);
	uint32_t iss = seg_seq(q[0].p);
	drop_all();
	inject(mkseg(3000, 80, 501, iss + 1, TCP_F_ACK, A, B, 0), A, B);
	struct tcb *s = own(tcp_accept_take(l));
	assert_non_null(s);
	s->sk = fake_sk;
	assert_int_equal(s->mss, 1024);
	assert_false(s->ts_ok);
	/* Data with an option of length 1 and one running past the header: delivered. */
	const uint8_t o2[] = {1, 1, 5, 1};
	inject(mkseg_opts(3000, 80, 501, iss + 1, TCP_F_ACK, A, B, o2, 4, "abc", 3, 65535), A, B);
	const uint8_t o3[] = {1, 1, 5, 200};
	inject(mkseg_opts(3000, 80, 504, iss + 1, TCP_F_ACK, A, B, o3, 4, "def", 3, 65535), A, B);
	assert_int_equal(tcp_stats.bad_opt, 3);
	assert_int_equal(s->rbuf.len, 6);
	char got[6];
	assert_int_equal(tcp_recv(s, got, 6, false), 6);
	assert_memory_equal(got, "abcdef", 6);
}

/* ---- window scaling ---- */
static void test_wscale_negotiation(void **st)
{
	assert_int_equal(tcp_wscale_for(65535), 0);
	assert_int_equal(tcp_wscale_for(65536), 1);
	assert_int_equal(tcp_wscale_for(TCP_RBUF), 3);
	assert_int_equal(tcp_wscale_for(0xffffffffu), TCP_WS_MAX);
	mk_listener(80, 4);
	struct tcb *c = mk_client(B, 80);
	/* Our SYN offers everything; its window is never scaled. */
	assert_int_equal(nq, 1);
	const uint8_t *ws = find_opt(q[0].p, 3);
	assert_non_null(ws);
	assert_int_equal(ws[1], 3);
	assert_int_equal(ws[2], 3);
	assert_non_null(find_opt(q[0].p, 4));
	const uint8_t *ts = find_opt(q[0].p, 8);
	assert_non_null(ts);
	assert_int_equal(get32(ts + 6), 0); /* TSecr of a SYN */
	assert_int_equal(seg_wnd(q[0].p), 65535);
	deliver_seg(take(0));
	/* The SYN,ACK answers in kind, unscaled too. */
	assert_int_equal(nq, 1);
	assert_non_null(find_opt(q[0].p, 3));
	assert_int_equal(seg_wnd(q[0].p), 65535);
	run();
	assert_int_equal(c->state, TCP_ESTABLISHED);

	/* A peer that offers nothing gets nothing back, and our windows stay unscaled. */
	struct tcb *l2 = mk_listener(81, 4);
	const uint8_t mss[] = {2, 4, 0x05, 0xb4};
	inject(mkseg_opts(4000, 81, 100, 0, TCP_F_SYN, A, B, mss, 4, NULL, 0, 1000), A, B);
	assert_int_equal(nq, 1);
	assert_null(find_opt(q[0].p, 3));
	assert_null(find_opt(q[0].p, 4));
	assert_null(find_opt(q[0].p, 8));
	uint32_t iss = seg_seq(q[0].p);
	drop_all();
	inject(mkseg_opts(4000, 81, 101, iss + 1, TCP_F_ACK, A, B, NULL, 0, NULL, 0, 1000), A, B);
	struct tcb *s = own(tcp_accept_take(l2));
	s->sk = fake_sk;
	assert_false(s->ws_ok);
	assert_int_equal(s->rcv_wscale, 0);
	assert_int_equal(s->snd_wnd, 1000); /* not shifted */
	assert_int_equal(s->mss, 1460);
	inject(mkseg_opts(4000, 81, 101, iss + 1, TCP_F_ACK | TCP_F_PSH, A, B, NULL, 0, "x", 1,
			  1000),
	       A, B);
	advance(TCP_DELACK_NS);
	assert_int_equal(nq, 1);
	assert_int_equal(seg_wnd(q[0].p), 65535); /* capped, not TCP_RBUF >> 3 */
}

static void test_wscale_big_window(void **st)
{
	static uint8_t buf[200000], got[200000];
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13 + i / 256);
	struct tcb *l = mk_listener(80, 4);
	struct tcb *c = own(tcp_tcb_new());
	c->sk = fake_sk;
	c->nodelay = true;
	c->sbuf.cap = TCP_SBUF_MAX;
	assert_int_equal(tcp_connect(c, B, 80), 0);
	run();
	struct tcb *s = own(tcp_accept_take(l));
	s->sk = fake_sk;
	/* The receiver does not read: everything still fits, past 64 KiB. */
	uint32_t sent = 0, maxwnd = 0;
	for (int i = 0; i < 200 && sent < sizeof(buf); i++) {
		sent += (uint32_t)tcp_send(c, buf + sent, (uint32_t)sizeof(buf) - sent);
		for (int n = 0; nq && n < 10000; n++) {
			deliver_seg(take(0));
			maxwnd = c->snd_wnd > maxwnd ? c->snd_wnd : maxwnd;
		}
		advance(TCP_DELACK_NS);
		run();
	}
	assert_int_equal(sent, sizeof(buf));
	assert_int_equal(s->rbuf.len, sizeof(buf));
	assert_int_equal(c->snd_una, c->snd_max);
	assert_true(maxwnd > 65535); /* the peer's windows are shifted */
	/* What is left, within the rounding of one scale unit. */
	assert_true(c->snd_wnd + 8 > TCP_RBUF - sizeof(buf));
	assert_true(c->snd_wnd <= TCP_RBUF - sizeof(buf) + 8);
	/* Reading opens the window: the update carries the free space >> 3. */
	assert_int_equal(tcp_recv(s, got, 100000, false), 100000);
	assert_int_equal(nq, 1);
	uint32_t fr = TCP_RBUF - (sizeof(buf) - 100000);
	assert_int_equal(seg_wnd(q[0].p), fr >> 3);
	run();
	assert_int_equal(c->snd_wnd, (fr >> 3) << 3);
	assert_int_equal(tcp_recv(s, got + 100000, 100000, false), 100000);
	assert_memory_equal(buf, got, sizeof(buf));
}

static void test_small_rcvbuf(void **st)
{
	/* SO_RCVBUF's sizes, and a 4 KiB buffer: no shift needed, MSS a quarter of it. */
	assert_int_equal(tcp_rbuf_size(0), TCP_RBUF);
	assert_int_equal(tcp_rbuf_size(100), TCP_RBUF_MIN);
	assert_int_equal(tcp_rbuf_size(20000), 20000);
	assert_int_equal(tcp_rbuf_size(1u << 30), TCP_RBUF_MAX);
	struct tcb *l = mk_listener(80, 4);
	struct tcb *c = own(tcp_tcb_new());
	c->sk = fake_sk;
	c->rbuf.cap = TCP_RBUF_MIN;
	assert_int_equal(tcp_connect(c, B, 80), 0);
	assert_int_equal(nq, 1);
	assert_int_equal(seg_wnd(q[0].p), TCP_RBUF_MIN);
	assert_int_equal(find_opt(q[0].p, 3)[2], 0);
	assert_int_equal(get16(find_opt(q[0].p, 2) + 2), TCP_RBUF_MIN / 4);
	run();
	assert_int_equal(c->state, TCP_ESTABLISHED);
	assert_int_equal(c->mss, TCP_RBUF_MIN / 4 - TCP_TS_LEN);
	struct tcb *s = own(tcp_accept_take(l));
	s->sk = fake_sk;
	assert_int_equal(s->mss, TCP_RBUF_MIN / 4 - TCP_TS_LEN); /* our MSS option held */
	assert_int_equal(s->snd_wscale, 0);
	/* 10 KB through the small window arrive whole. */
	static uint8_t buf[10000], got[10000];
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i ^ (i >> 8));
	uint32_t sent = 0, rcvd = 0;
	for (int i = 0; i < 100 && rcvd < sizeof(buf); i++) {
		sent += (uint32_t)tcp_send(s, buf + sent, (uint32_t)sizeof(buf) - sent);
		run();
		rcvd += (uint32_t)tcp_recv(c, got + rcvd, (uint32_t)sizeof(got) - rcvd, false);
		run();
		advance(TCP_DELACK_NS);
		run();
	}
	assert_int_equal(rcvd, sizeof(buf));
	assert_memory_equal(buf, got, sizeof(buf));
}

/* ---- timestamps ---- */
static void test_timestamps(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	drop_all();
	advance(5000000);
	tcp_send(c, "hello", 5);
	assert_int_equal(nq, 1);
	const uint8_t *ts = find_opt(q[0].p, 8);
	assert_non_null(ts);
	uint32_t tsval = get32(ts + 2);
	assert_int_equal(tsval, (uint32_t)(now / 1000000) + c->ts_off);
	assert_int_equal(get32(ts + 6), c->ts_recent); /* echoes the peer */
	assert_int_equal(hlen(q[0].p), 20 + TCP_TS_LEN);
	deliver_seg(take(0));
	assert_int_equal(s->ts_recent, tsval); /* R3 */
	advance(TCP_DELACK_NS);
	assert_int_equal(nq, 1);
	assert_int_equal(get32(find_opt(q[0].p, 8) + 6), tsval);
	run();

	/* A retransmission timed by TSecr: Karn's rule forbids timing it by the clock. */
	c->srtt = 0;
	tcp_send(c, "x", 1);
	drop_all();
	advance(c->rto); /* the retransmission */
	assert_int_equal(nq, 1);
	assert_int_equal(tcp_stats.retransmits, 1);
	deliver_seg(take(0));
	advance(TCP_DELACK_NS);
	run();
	assert_int_equal(c->snd_una, c->snd_max);
	assert_int_equal(c->srtt, TCP_DELACK_NS);

	char tmp[8];
	assert_int_equal(tcp_recv(s, tmp, sizeof(tmp), false), 6);
	drop_all();
	/* PAWS: an older TSval is an old duplicate: dropped, an ACK answers. */
	uint32_t r = s->ts_recent;
	uint8_t o[12];
	ts_opt(o, r - 1000, 0);
	inject(mkseg_opts(c->lport, 80, s->rcv_nxt, s->snd_nxt, TCP_F_ACK, A, B, o, 12, "old", 3,
			  65535),
	       A, B);
	assert_int_equal(tcp_stats.paws_drop, 1);
	assert_int_equal(s->rbuf.len, 0);
	assert_int_equal(nq, 1);
	assert_int_equal(flags_of(0), TCP_F_ACK);
	drop_all();
	ts_opt(o, r + 1, 0);
	inject(mkseg_opts(c->lport, 80, s->rcv_nxt, s->snd_nxt, TCP_F_ACK, A, B, o, 12, "new", 3,
			  65535),
	       A, B);
	assert_int_equal(s->rbuf.len, 3);
	assert_int_equal(s->ts_recent, r + 1);
	/* TS.Recent idle past 24 days is no longer trusted. (The delayed ACK first: R3
	 * takes a TSval only from a segment at or before the last ACK sent.) */
	advance(TCP_DELACK_NS);
	drop_all();
	now += TCP_PAWS_IDLE_MS * 1000000ull + 1000000000ull;
	ts_opt(o, r - 5000, 0);
	inject(mkseg_opts(c->lport, 80, s->rcv_nxt, s->snd_nxt, TCP_F_ACK, A, B, o, 12, "abc", 3,
			  65535),
	       A, B);
	assert_int_equal(tcp_stats.paws_drop, 1);
	assert_int_equal(s->rbuf.len, 6);
	assert_int_equal(s->ts_recent, r - 5000);
	/* PAWS does not apply to a RST. */
	ts_opt(o, r - 90000, 0);
	inject(mkseg_opts(c->lport, 80, s->rcv_nxt, 0, TCP_F_RST, A, B, o, 12, NULL, 0, 0), A, B);
	assert_int_equal(s->state, TCP_CLOSED);
	assert_int_equal(s->err, ECONNRESET);
}

static void test_segment_size_with_ts(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	static uint8_t buf[3000];
	drop_all();
	assert_int_equal(tcp_send(c, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(nq, 3);
	for (int i = 0; i < 3; i++)
		assert_true(q[i].p->len + 20 <= fake_dev.mtu);
	assert_int_equal(q[0].p->len + 20, fake_dev.mtu); /* full: 20 + 20 + 12 + 1448 */
	assert_int_equal(seg_dlen(q[0].p), MSS_TS);
	run();
	assert_int_equal(s->rbuf.len, sizeof(buf));
}

/* ---- SACK ---- */
static void test_sack_blocks(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	static uint8_t buf[10 * MSS_TS], got[10 * MSS_TS];
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 5 + 3);
	drop_all();
	tcp_send(c, buf, sizeof(buf));
	assert_int_equal(nq, 10);
	struct seg_out sg[10];
	uint32_t sq[11];
	for (int i = 0; i < 10; i++) {
		sg[i] = take(0);
		sq[i] = seg_seq(sg[i].p);
	}
	sq[10] = sq[9] + MSS_TS;
	deliver_seg(sg[0]);
	drop_all();
	int order[] = {2, 4, 6, 8};
	for (int k = 0; k < 4; k++) {
		deliver_seg(sg[order[k]]);
		assert_int_equal(nq, 1); /* a duplicate ACK at once, with SACK */
		const uint8_t *sk = find_opt(q[0].p, 5);
		assert_non_null(sk);
		int nb = k + 1 < 3 ? k + 1 : 3; /* at most 3 next to timestamps */
		assert_int_equal(sk[1], 2 + 8 * nb);
		for (int b = 0; b < nb; b++) { /* newest first */
			assert_int_equal(get32(sk + 2 + 8 * b), sq[order[k - b]]);
			assert_int_equal(get32(sk + 6 + 8 * b), sq[order[k - b] + 1]);
		}
		assert_int_equal(get32(q[0].p->data + 8), sq[1]);
		drop_all();
	}
	/* Filling the hole between 2 and 4: one run 2..4 first, then 8, then 6. */
	deliver_seg(sg[3]);
	const uint8_t *sk = find_opt(q[0].p, 5);
	assert_non_null(sk);
	assert_int_equal(sk[1], 2 + 8 * 3);
	assert_int_equal(get32(sk + 2), sq[2]);
	assert_int_equal(get32(sk + 6), sq[5]);
	assert_int_equal(get32(sk + 10), sq[8]);
	assert_int_equal(get32(sk + 18), sq[6]);
	drop_all();
	/* Segment 1 makes 0..5 in order: what is still held is reported (8, then 6). */
	deliver_seg(sg[1]);
	assert_int_equal(nq, 1);
	assert_int_equal(get32(q[0].p->data + 8), sq[5]);
	sk = find_opt(q[0].p, 5);
	assert_non_null(sk);
	assert_int_equal(sk[1], 2 + 8 * 2);
	assert_int_equal(get32(sk + 2), sq[8]);
	assert_int_equal(get32(sk + 10), sq[6]);
	drop_all();
	deliver_seg(sg[5]);
	sk = find_opt(q[0].p, 5);
	assert_non_null(sk);
	assert_int_equal(sk[1], 10);
	assert_int_equal(get32(sk + 2), sq[8]);
	drop_all();
	deliver_seg(sg[7]);
	assert_int_equal(get32(q[0].p->data + 8), sq[9]);
	assert_null(find_opt(q[0].p, 5)); /* nothing held: no SACK */
	drop_all();
	deliver_seg(sg[9]);
	advance(TCP_DELACK_NS);
	run();
	assert_int_equal(c->snd_una, sq[10]);
	assert_int_equal(tcp_recv(s, got, sizeof(got), false), sizeof(got));
	assert_memory_equal(buf, got, sizeof(buf));
}

static void test_sack_without_ts(void **st)
{
	struct tcb *l = mk_listener(80, 4);
	const uint8_t o[] = {2, 4, 0x05, 0xb4, 1, 1, 4, 2};
	inject(mkseg_opts(5000, 80, 1000, 0, TCP_F_SYN, A, B, o, 8, NULL, 0, 65535), A, B);
	assert_non_null(find_opt(q[0].p, 4));
	uint32_t iss = seg_seq(q[0].p);
	drop_all();
	inject(mkseg(5000, 80, 1001, iss + 1, TCP_F_ACK, A, B, 0), A, B);
	struct tcb *s = own(tcp_accept_take(l));
	s->sk = fake_sk;
	assert_true(s->sack_ok);
	assert_false(s->ts_ok);
	static uint8_t d[100];
	for (int k = 1; k <= 5; k++) {
		drop_all();
		inject(mkseg_opts(5000, 80, 1001 + 200 * (uint32_t)k, iss + 1, TCP_F_ACK, A, B,
				  NULL, 0, d, 100, 65535),
		       A, B);
	}
	assert_int_equal(nq, 1);
	assert_null(find_opt(q[0].p, 8));
	const uint8_t *sk = find_opt(q[0].p, 5);
	assert_non_null(sk);
	assert_int_equal(sk[1], 2 + 8 * 4); /* four blocks fit without timestamps */
	for (int b = 0; b < 4; b++)
		assert_int_equal(get32(sk + 2 + 8 * b), 1001 + 200 * (uint32_t)(5 - b));
}

/* ---- fast retransmit and NewReno ---- */
/* c sends ten full segments; the ones in lost[] vanish, the rest reach s; returns the
 * duplicate ACKs s sent in acks[] (their count). */
static int ten_with_losses(struct tcb *c, struct tcb *s, const uint8_t *buf, const int *lost,
			   int nlost, struct seg_out *acks, uint32_t *sq)
{
	/* Warm up: s holds one byte, so its window field stays the same from here on (a
	 * changed window would not make a duplicate ACK). */
	assert_int_equal(tcp_send(c, "w", 1), 1);
	run();
	advance(TCP_DELACK_NS);
	run();
	assert_int_equal(s->rbuf.len, 1);
	assert_int_equal(tcp_send(c, buf, 10 * MSS_TS), 10 * MSS_TS);
	assert_int_equal(nq, 10);
	struct seg_out sg[10];
	for (int i = 0; i < 10; i++) {
		sg[i] = take(0);
		sq[i] = seg_seq(sg[i].p);
	}
	for (int i = 0; i < 10; i++) {
		bool gone = false;
		for (int j = 0; j < nlost; j++)
			gone |= lost[j] == i;
		if (gone)
			pkt_free(sg[i].p);
		else
			deliver_seg(sg[i]);
	}
	int n = 0;
	while (nq)
		acks[n++] = take(0);
	return n;
}

static void test_fast_retransmit(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	static uint8_t buf[10 * MSS_TS], got[10 * MSS_TS];
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 11);
	struct seg_out acks[16];
	uint32_t sq[10];
	int lost[] = {0};
	int na = ten_with_losses(c, s, buf, lost, 1, acks, sq);
	assert_int_equal(na, 9);
	deliver_seg(acks[0]);
	deliver_seg(acks[1]);
	assert_int_equal(nq, 0); /* two duplicates are not enough */
	deliver_seg(acks[2]);
	assert_int_equal(tcp_stats.fast_retransmits, 1);
	assert_true(c->in_recovery);
	assert_int_equal(nq, 1);
	assert_int_equal(seg_seq(q[0].p), sq[0]);
	assert_int_equal(seg_dlen(q[0].p), MSS_TS);
	assert_int_equal(c->ssthresh, 5 * MSS_TS); /* FlightSize / 2 */
	assert_int_equal(c->cwnd, 8 * MSS_TS);	   /* ssthresh + 3 SMSS */
	for (int i = 3; i < na; i++)
		deliver_seg(acks[i]);
	assert_int_equal(c->cwnd, 14 * MSS_TS); /* one SMSS per further duplicate */
	assert_int_equal(nq, 1);		/* no new data to send */
	run();					/* the retransmission fills the hole */
	assert_false(c->in_recovery);
	assert_int_equal(c->snd_una, c->snd_max);
	assert_int_equal(c->cwnd, 2 * MSS_TS);	    /* min(ssthresh, max(flight, SMSS) + SMSS) */
	assert_int_equal(tcp_stats.retransmits, 0); /* no timeout was needed */
	assert_int_equal(tcp_recv(s, got, 1, false), 1);
	assert_int_equal(tcp_recv(s, got, sizeof(got), false), sizeof(got));
	assert_memory_equal(buf, got, sizeof(buf));
}

static void test_newreno_partial_ack(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	static uint8_t buf[10 * MSS_TS], got[10 * MSS_TS];
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 17 + 1);
	struct seg_out acks[16];
	uint32_t sq[10];
	int lost[] = {0, 5};
	int na = ten_with_losses(c, s, buf, lost, 2, acks, sq);
	assert_int_equal(na, 8);
	for (int i = 0; i < na; i++)
		deliver_seg(acks[i]);
	assert_int_equal(tcp_stats.fast_retransmits, 1);
	assert_int_equal(c->cwnd, (5 + 3 + 5) * MSS_TS);
	assert_int_equal(nq, 1);
	deliver_seg(take(0)); /* segment 0 again: s acks up to the second hole */
	assert_int_equal(nq, 1);
	assert_int_equal(get32(q[0].p->data + 8), sq[5]);
	deliver_seg(take(0)); /* a partial ACK: resend segment 5 at once, stay in recovery */
	assert_int_equal(tcp_stats.partial_acks, 1);
	assert_true(c->in_recovery);
	assert_int_equal(c->snd_una, sq[5]);
	assert_int_equal(c->cwnd, (13 - 5 + 1) * MSS_TS); /* deflated, one SMSS added back */
	assert_int_equal(nq, 1);
	assert_int_equal(seg_seq(q[0].p), sq[5]);
	run();
	assert_false(c->in_recovery);
	assert_int_equal(c->snd_una, c->snd_max);
	assert_int_equal(tcp_stats.fast_retransmits, 1);
	assert_int_equal(tcp_stats.retransmits, 0);
	assert_int_equal(tcp_recv(s, got, 1, false), 1);
	assert_int_equal(tcp_recv(s, got, sizeof(got), false), sizeof(got));
	assert_memory_equal(buf, got, sizeof(buf));
}

static void test_no_fast_retransmit_after_timeout(void **st)
{
	/* RFC 6582 3.2 step 2: duplicates of data sent before a timeout do not start a
	 * second recovery. */
	struct tcb *l, *c, *s = pair(&l, &c);
	static uint8_t buf[10 * MSS_TS];
	struct seg_out acks[16];
	uint32_t sq[10];
	int lost[] = {0};
	int na = ten_with_losses(c, s, buf, lost, 1, acks, sq);
	advance(c->rto); /* timeout first: go back to segment 0 */
	assert_int_equal(tcp_stats.retransmits, 1);
	drop_all();
	for (int i = 0; i < na; i++)
		deliver_seg(acks[i]);
	assert_int_equal(tcp_stats.fast_retransmits, 0);
	assert_false(c->in_recovery);
}

/* Zero-window probes: their answers start no fast retransmit, and once s reads, the
 * refused probe byte is sent again first (no hole left for a backed-off timer). */
static void test_zero_window_no_dupacks(void **st)
{
	struct tcb *l = mk_listener(80, 4);
	l->rbuf.cap = TCP_RBUF_MIN;
	struct tcb *c = mk_client(B, 80);
	run();
	struct tcb *s = own(tcp_accept_take(l));
	s->sk = fake_sk;
	static uint8_t buf[10000], got[10000];
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 3 + 7);
	assert_int_equal(tcp_send(c, buf, sizeof(buf)), sizeof(buf));
	run();
	advance(TCP_DELACK_NS);
	run();
	assert_int_equal(s->rbuf.len, TCP_RBUF_MIN);
	assert_int_equal(c->snd_wnd, 0);
	for (int i = 0; i < 5; i++) { /* five probes, each answered with window 0 */
		advance(c->rto);
		run();
	}
	assert_true(tcp_stats.out_seq >= 5);
	assert_int_equal(tcp_stats.fast_retransmits, 0);
	assert_false(c->in_recovery);
	uint32_t rcvd = 0;
	for (int i = 0; i < 100 && rcvd < sizeof(buf); i++) {
		rcvd += (uint32_t)tcp_recv(s, got + rcvd, (uint32_t)sizeof(got) - rcvd, false);
		run();
		advance(TCP_DELACK_NS);
		run();
	}
	assert_int_equal(rcvd, sizeof(buf));
	assert_memory_equal(buf, got, sizeof(buf));
}

/* A lossy, reordering path both ways (a fixed pseudo-random pattern): 300 KB still
 * arrive whole and in order, by fast retransmit, NewReno and timeouts. */
static void test_lossy_transfer(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	static uint8_t buf[300000], got[300000];
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 31 + (i >> 9));
	uint32_t seed = 12345, sent = 0, rcvd = 0;
	for (int round = 0; round < 20000 && rcvd < sizeof(buf); round++) {
		if (sent < sizeof(buf))
			sent += (uint32_t)tcp_send(c, buf + sent, (uint32_t)sizeof(buf) - sent);
		for (int n = 0; nq && n < 64; n++) {
			seed = seed * 1103515245u + 12345u;
			uint32_t r = (seed >> 16) % 100;
			if (r < 8) { /* lost */
				pkt_free(take(0).p);
			} else if (r < 12 && nq > 1) { /* overtaken by the next one */
				struct seg_out x = take(0);
				deliver_seg(take(0));
				deliver_seg(x);
			} else {
				deliver_seg(take(0));
			}
		}
		rcvd += (uint32_t)tcp_recv(s, got + rcvd, (uint32_t)sizeof(got) - rcvd, false);
		if (!nq)
			advance(10000000); /* 10 ms: delayed ACKs and timeouts come due */
	}
	assert_int_equal(rcvd, sizeof(buf));
	assert_memory_equal(buf, got, sizeof(buf));
	assert_int_equal(c->state, TCP_ESTABLISHED);
	assert_true(tcp_stats.fast_retransmits > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_parse_opts, teardown),
		cmocka_unit_test_teardown(test_bad_option_segments, teardown),
		cmocka_unit_test_teardown(test_wscale_negotiation, teardown),
		cmocka_unit_test_teardown(test_wscale_big_window, teardown),
		cmocka_unit_test_teardown(test_small_rcvbuf, teardown),
		cmocka_unit_test_teardown(test_timestamps, teardown),
		cmocka_unit_test_teardown(test_segment_size_with_ts, teardown),
		cmocka_unit_test_teardown(test_sack_blocks, teardown),
		cmocka_unit_test_teardown(test_sack_without_ts, teardown),
		cmocka_unit_test_teardown(test_fast_retransmit, teardown),
		cmocka_unit_test_teardown(test_newreno_partial_ack, teardown),
		cmocka_unit_test_teardown(test_no_fast_retransmit_after_timeout, teardown),
		cmocka_unit_test_teardown(test_zero_window_no_dupacks, teardown),
		cmocka_unit_test_teardown(test_lossy_transfer, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
