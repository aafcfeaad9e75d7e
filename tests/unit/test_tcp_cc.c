/* test_tcp_cc.c: TCP congestion control on the host (tcp_harness.c fakes): limited
 * transmit (RFC 3042), which lets a window too small for three duplicate ACKs still reach
 * fast retransmit instead of waiting for the retransmission timeout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_harness.h"

#define MSS_TS (1460 - TCP_TS_LEN)

static uint32_t seg_seq(const struct pkt *p)
{
	return get32(p->data + 4);
}
static uint32_t seg_dlen(const struct pkt *p)
{
	return p->len - (uint32_t)(p->data[12] >> 4) * 4;
}

/* cwnd is 3 segments and the first is lost: the two segments after it draw two duplicate
 * ACKs, each of which sends one new segment (cwnd unchanged); their duplicates make the
 * third, and the loss is repaired by fast retransmit, with no timeout. */
static void test_limited_transmit(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	static uint8_t buf[6 * MSS_TS], got[6 * MSS_TS];
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13 + (i >> 8));
	/* Warm up: s holds one byte, so its window field stays the same from here on. */
	assert_int_equal(tcp_send(c, "w", 1), 1);
	run();
	advance(TCP_DELACK_NS);
	run();
	assert_int_equal(s->rbuf.len, 1);
	c->cwnd = c->ssthresh = 3 * MSS_TS;
	assert_int_equal(tcp_send(c, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(nq, 3); /* cwnd-limited */
	struct seg_out lost = take(0);
	uint32_t first = seg_seq(lost.p);
	deliver_seg(take(0));
	deliver_seg(take(0));
	assert_int_equal(nq, 2); /* two duplicate ACKs */
	struct seg_out dup2 = take(1);
	deliver_seg(take(0));
	assert_int_equal(nq, 1); /* the first duplicate sent one new segment */
	assert_int_equal(seg_seq(q[0].p), first + 3 * MSS_TS);
	assert_int_equal(seg_dlen(q[0].p), MSS_TS);
	assert_int_equal(c->cwnd, 3 * MSS_TS);
	deliver_seg(take(0)); /* -> s: duplicate ACK 3 */
	deliver_seg(dup2);
	assert_int_equal(nq, 2); /* the second duplicate: one more, and s's third duplicate */
	assert_int_equal(tcp_stats.fast_retransmits, 0);
	struct seg_out dup3 = take(0), fifth = take(0);
	if (seg_dlen(dup3.p) != 0) {
		struct seg_out x = dup3;
		dup3 = fifth;
		fifth = x;
	}
	assert_int_equal(seg_seq(fifth.p), first + 4 * MSS_TS);
	deliver_seg(fifth); /* -> s: duplicate ACK 4 */
	deliver_seg(dup3);
	assert_int_equal(tcp_stats.fast_retransmits, 1);
	assert_true(c->in_recovery);
	pkt_free(lost.p);
	run(); /* the fast retransmission fills the hole; the rest follows */
	for (int i = 0; i < 10 && c->snd_una != c->snd_max; i++) {
		advance(TCP_DELACK_NS);
		run();
	}
	assert_int_equal(c->snd_una, c->snd_max);
	assert_int_equal(tcp_stats.retransmits, 0); /* no timeout was needed */
	assert_int_equal(tcp_recv(s, got, 1, false), 1);
	assert_int_equal(tcp_recv(s, got, sizeof(got), false), sizeof(got));
	assert_memory_equal(buf, got, sizeof(buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_limited_transmit, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
