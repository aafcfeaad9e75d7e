/* test_tcp.c: kernel/net/tcp.c and tcp_out.c on the host. IP output is faked by a queue
 * of captured segments that tests deliver (or drop, reorder, corrupt) by hand; time and
 * kernel timers are faked so retransmission, delayed ACKs and TIME_WAIT run on demand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_harness.h"

/* ---- tests ---- */
static void test_handshake(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	assert_int_equal(accepts, accepts); /* counted */
	/* Timestamps, window scaling and SACK-permitted are negotiated both ways; the
	 * data per segment leaves room for the 12 timestamp option bytes. */
	assert_true(c->ts_ok && s->ts_ok && c->ws_ok && s->ws_ok && c->sack_ok && s->sack_ok);
	assert_int_equal(c->mss, 1460 - TCP_TS_LEN);
	assert_int_equal(s->mss, 1460 - TCP_TS_LEN);
	assert_int_equal(c->rcv_wscale, 3); /* 256 KiB >> 3 fits 16 bits */
	assert_int_equal(s->snd_wscale, c->rcv_wscale);
	assert_int_equal(c->snd_wscale, s->rcv_wscale);
	assert_int_equal(s->raddr, A);
	assert_int_equal(s->rport, c->lport);
	assert_int_equal(c->snd_una, c->iss + 1);
	assert_int_equal(s->rcv_nxt, c->iss + 1);
	assert_int_equal(l->nsyn, 0);
	assert_int_equal(l->nacc, 0);
}

static void test_data_and_ack(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	uint8_t buf[5000], got[5000];
	for (int i = 0; i < 5000; i++)
		buf[i] = (uint8_t)(i * 3);
	assert_int_equal(tcp_send(c, buf, 5000), 5000);
	run();
	assert_int_equal(s->rbuf.len, 5000);
	assert_int_equal(tcp_recv(s, got, 5000, false), 5000);
	assert_memory_equal(buf, got, 5000);
	advance(TCP_DELACK_NS); /* the last odd segment is acked late */
	run();
	assert_int_equal(c->snd_una, c->snd_max);
	assert_int_equal(c->sbuf.len, 0);
	assert_true(c->srtt == 0 || c->rto >= TCP_RTO_MIN_NS);
	/* And the other way: the active opener's receive window is open too. */
	for (int round = 0; round < 3; round++) {
		assert_int_equal(tcp_send(s, buf, 3000), 3000);
		run();
		assert_int_equal(c->rbuf.len, 3000);
		assert_int_equal(tcp_recv(c, got, 3000, false), 3000);
		assert_memory_equal(buf, got, 3000);
	}
}

static void test_out_of_order(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	uint8_t buf[4000], got[4000];
	for (int i = 0; i < 4000; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	tcp_send(c, buf, 4000); /* 1460 + 1460 + 1080 */
	assert_int_equal(nq, 3);
	deliver_seg(take(2));
	deliver_seg(take(1));
	assert_int_equal(s->rbuf.len, 0);
	assert_int_equal(s->nooo, 2);
	deliver_seg(take(0));
	assert_int_equal(s->rbuf.len, 4000);
	assert_int_equal(s->nooo, 0);
	assert_int_equal(tcp_recv(s, got, 4000, false), 4000);
	assert_memory_equal(buf, got, 4000);
	run();
	assert_int_equal(c->snd_una, c->snd_max);
}

static void test_retransmit_backoff(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	drop_all();
	uint64_t rto = c->rto;
	tcp_send(c, "hello", 5);
	drop_all(); /* lost */
	advance(rto - 1);
	assert_int_equal(nq, 0);
	advance(1);
	assert_int_equal(nq, 1); /* retransmitted */
	drop_all();
	advance(2 * rto - 1);
	assert_int_equal(nq, 0);
	advance(1);
	assert_int_equal(nq, 1); /* backed off to twice the RTO */
	run();
	assert_int_equal(s->rbuf.len, 5);
	advance(TCP_DELACK_NS);
	run();
	assert_int_equal(c->snd_una, c->snd_max);
	assert_int_equal(c->retries, 0);
	/* Now lose everything: after the retries, ETIMEDOUT. */
	tcp_send(c, "again", 5);
	for (int i = 0; i < 40 && c->state != TCP_CLOSED; i++) {
		drop_all();
		advance(TCP_RTO_MAX_NS);
	}
	assert_int_equal(c->state, TCP_CLOSED);
	assert_int_equal(c->err, ETIMEDOUT);
}

static void test_rst_acceptability(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	drop_all();
	/* Out of window: ignored (an ACK goes back). */
	inject(mkseg(s->rport, s->lport, s->rcv_nxt + 1000000, 0, TCP_F_RST, A, B, 0), A, B);
	assert_int_equal(s->state, TCP_ESTABLISHED);
	/* In window but not exact: challenge ACK. */
	drop_all();
	inject(mkseg(s->rport, s->lport, s->rcv_nxt + 10, 0, TCP_F_RST, A, B, 0), A, B);
	assert_int_equal(s->state, TCP_ESTABLISHED);
	assert_int_equal(nq, 1);
	assert_int_equal(flags_of(0), TCP_F_ACK);
	drop_all();
	/* Exact: reset. */
	inject(mkseg(s->rport, s->lport, s->rcv_nxt, 0, TCP_F_RST, A, B, 0), A, B);
	assert_int_equal(s->state, TCP_CLOSED);
	assert_int_equal(s->err, ECONNRESET);
}

/* What the exit path waits for: data or a FIN not yet acknowledged. */
static void test_pending_count(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	uint8_t buf[3000] = {0};
	assert_int_equal(tcp_pending_count(), 0);
	assert_int_equal(tcp_send(c, buf, sizeof(buf)), (long)sizeof(buf));
	assert_int_equal(tcp_pending_count(), 1); /* sent, not acknowledged */
	drop_all();				  /* lost: still owed */
	assert_int_equal(tcp_pending_count(), 1);
	advance(TCP_RTO_INIT_NS); /* retransmitted, one segment per round trip at first */
	run();
	for (int i = 0; i < 10 && tcp_pending_count(); i++) {
		advance(TCP_DELACK_NS);
		run();
	}
	assert_int_equal(s->rbuf.len, sizeof(buf));
	assert_int_equal(tcp_pending_count(), 0);
	tcp_shutdown_wr(c); /* a FIN owed, then acknowledged */
	assert_int_equal(tcp_pending_count(), 1);
	run();
	assert_int_equal(c->state, TCP_FIN_WAIT_2);
	assert_int_equal(tcp_pending_count(), 0);
}

static void test_close_and_time_wait(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	tcp_shutdown_wr(c);
	assert_int_equal(c->state, TCP_FIN_WAIT_1);
	run();
	assert_int_equal(c->state, TCP_FIN_WAIT_2);
	assert_int_equal(s->state, TCP_CLOSE_WAIT);
	assert_true(s->fin_rcvd);
	tcp_shutdown_wr(s);
	run();
	assert_int_equal(s->state, TCP_CLOSED);
	assert_int_equal(c->state, TCP_TIME_WAIT);
	advance(2 * TCP_MSL_NS - 1);
	assert_int_equal(c->state, TCP_TIME_WAIT);
	advance(1);
	assert_int_equal(c->state, TCP_CLOSED);
}

static void test_simultaneous_close(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	drop_all();
	tcp_shutdown_wr(c);
	tcp_shutdown_wr(s);
	run();
	assert_int_equal(c->state, TCP_TIME_WAIT);
	assert_int_equal(s->state, TCP_TIME_WAIT);
	advance(2 * TCP_MSL_NS);
	assert_int_equal(c->state, TCP_CLOSED);
	assert_int_equal(s->state, TCP_CLOSED);
}

static void test_malformed(void **st)
{
	struct tcb *l = mk_listener(80, 4);
	struct pkt *p = mkseg(1234, 80, 1, 0, TCP_F_SYN, A, B, 0);
	p->data[16] ^= 0x55; /* checksum */
	inject(p, A, B);
	assert_int_equal(tcp_stats.bad_csum, 1);
	p = mkseg(1234, 80, 1, 0, TCP_F_SYN, A, B, 0);
	pkt_trim(p, 12); /* truncated header */
	inject(p, A, B);
	p = mkseg(1234, 80, 1, 0, TCP_F_SYN, A, B, 0);
	p->data[12] = 15 << 4; /* data offset past the end */
	inject(p, A, B);
	assert_int_equal(tcp_stats.bad_hdr, 2);
	assert_int_equal(l->nsyn, 0);
	assert_int_equal(nq, 0);
	/* A closed port answers RST,ACK. */
	inject(mkseg(1234, 81, 1, 0, TCP_F_SYN, A, B, 0), A, B);
	assert_int_equal(nq, 1);
	assert_int_equal(flags_of(0), TCP_F_RST | TCP_F_ACK);
	assert_int_equal(get32(q[0].p->data + 8), 2);
}

static void test_syn_flood(void **st)
{
	struct tcb *l = mk_listener(80, 2);
	for (int i = 0; i < 5; i++)
		inject(mkseg((uint16_t)(2000 + i), 80, 100, 0, TCP_F_SYN, A, B, 0), A, B);
	assert_int_equal(l->nsyn, 2);
	assert_int_equal(tcp_stats.syn_drop, 3);
	assert_int_equal(nq, 2); /* two SYN,ACKs */
	/* Embryonic connections give up after the SYN,ACK retries. */
	for (int i = 0; i < 20; i++) {
		drop_all();
		advance(TCP_RTO_MAX_NS);
	}
	assert_int_equal(l->nsyn, 0);
	assert_int_equal(tcp_tcb_count(), 1);
}

static void test_refused_and_reuse(void **st)
{
	struct tcb *c = mk_client(B, 99);
	run();
	assert_int_equal(c->state, TCP_CLOSED);
	assert_int_equal(c->err, ECONNREFUSED);
	struct tcb *l = mk_listener(80, 4);
	struct tcb *x = tcp_tcb_new();
	assert_int_equal(tcp_bind_port(x, INADDR_ANY, 80), -EADDRINUSE);
	l->reuseaddr = true;
	x->reuseaddr = true;
	assert_int_equal(tcp_bind_port(x, INADDR_ANY, 80), -EADDRINUSE); /* listening */
	tcp_tcb_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_handshake, teardown),
		cmocka_unit_test_teardown(test_data_and_ack, teardown),
		cmocka_unit_test_teardown(test_out_of_order, teardown),
		cmocka_unit_test_teardown(test_retransmit_backoff, teardown),
		cmocka_unit_test_teardown(test_rst_acceptability, teardown),
		cmocka_unit_test_teardown(test_pending_count, teardown),
		cmocka_unit_test_teardown(test_close_and_time_wait, teardown),
		cmocka_unit_test_teardown(test_simultaneous_close, teardown),
		cmocka_unit_test_teardown(test_malformed, teardown),
		cmocka_unit_test_teardown(test_syn_flood, teardown),
		cmocka_unit_test_teardown(test_refused_and_reuse, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
