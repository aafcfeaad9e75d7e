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

#include "core/errno.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/stack.h"
#include "net/tcp.h"

/* ---- fakes ---- */
void *kmalloc(size_t n)
{
	return malloc(n);
}
void *kzalloc(size_t n)
{
	return calloc(1, n);
}
void kfree(void *p)
{
	free(p);
}
static uint64_t rnd = 1000;
uint64_t random_below(uint64_t bound)
{
	return rnd++ % bound;
}
uint64_t random_u64(void)
{
	return (rnd += 0x10000) * 7919;
}
/* No interrupts in the host tests (net_timer.c masks them). */
unsigned long arch_irq_save(void)
{
	return 0;
}
void arch_irq_restore(unsigned long state) {}

static uint64_t now = 1000000000ull;
uint64_t time_monotonic_ns(void)
{
	return now;
}
#define NTIMERS 64
static struct ktimer *timers[NTIMERS];
void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t), void *priv)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->priv = priv;
}
void ktimer_cancel(struct ktimer *t)
{
	for (int i = 0; i < NTIMERS; i++)
		if (timers[i] == t)
			timers[i] = NULL;
	t->armed = false;
}
void ktimer_arm(struct ktimer *t, uint64_t d)
{
	ktimer_cancel(t);
	t->deadline_ns = d;
	t->armed = true;
	for (int i = 0; i < NTIMERS; i++)
		if (!timers[i]) {
			timers[i] = t;
			return;
		}
	fail_msg("too many timers");
}
static struct netdev fake_dev = {.name = "eth0", .mtu = 1500};
#define A 0x0a000001u
#define B 0x0a000002u
bool ip_is_local(uint32_t a)
{
	return true;
}
int ip_route(uint32_t dst, struct netdev **dev, uint32_t *src, uint32_t *hop)
{
	*dev = &fake_dev;
	*src = dst == A ? B : A;
	*hop = dst;
	return 0;
}

/* Captured output. */
struct seg_out {
	struct pkt *p;
	uint32_t src, dst;
};
#define QMAX 256
static struct seg_out q[QMAX];
static int nq;
int ip_output(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl, uint8_t tos,
	      bool df)
{
	assert_int_equal(proto, IPPROTO_TCP);
	if (nq == QMAX) {
		pkt_free(p);
		return 0;
	}
	q[nq].p = p;
	q[nq].src = src;
	q[nq].dst = dst;
	nq++;
	return 0;
}
static int wakes, accepts;
void tcp_wake(struct tcb *t, unsigned events)
{
	wakes++;
}
void tcp_accept_ready(struct tcb *l)
{
	accepts++;
}

/* ---- helpers ---- */
static void fire_timers(void)
{
	for (int again = 1; again;) {
		again = 0;
		for (int i = 0; i < NTIMERS; i++) {
			struct ktimer *t = timers[i];
			if (t && t->deadline_ns <= now) {
				timers[i] = NULL;
				t->armed = false;
				t->fn(t);
				net_timers_run(); /* the poll point after the interrupt */
				again = 1;
			}
		}
	}
}
static void advance(uint64_t ns)
{
	now += ns;
	fire_timers();
}
static struct seg_out take(int i)
{
	struct seg_out s = q[i];
	memmove(q + i, q + i + 1, (size_t)(nq - i - 1) * sizeof(q[0]));
	nq--;
	return s;
}
static void deliver_seg(struct seg_out s)
{
	struct ip_info ip = {.src = s.src, .dst = s.dst, .proto = IPPROTO_TCP};
	tcp_input(s.p, &ip);
}
/* Deliver everything queued (including what the deliveries produce). */
static void run(void)
{
	for (int n = 0; nq && n < 10000; n++)
		deliver_seg(take(0));
}
static void drop_all(void)
{
	while (nq)
		pkt_free(take(0).p);
}
static uint8_t flags_of(int i)
{
	return q[i].p->data[13];
}

static struct sock *fake_sk = (struct sock *)0x1000;
/* Blocks a test owns (as a socket would): closed ones leave the table, freed here. */
static struct tcb *owned[16];
static int nowned;
static struct tcb *own(struct tcb *t)
{
	if (nowned < 16)
		owned[nowned++] = t;
	return t;
}

static struct tcb *mk_listener(uint16_t port, int backlog)
{
	struct tcb *l = own(tcp_tcb_new());
	l->sk = fake_sk;
	assert_int_equal(tcp_bind_port(l, INADDR_ANY, port), 0);
	assert_int_equal(tcp_listen(l, backlog), 0);
	return l;
}
static struct tcb *mk_client(uint32_t dst, uint16_t port)
{
	struct tcb *c = own(tcp_tcb_new());
	c->sk = fake_sk;
	c->nodelay = true;
	assert_int_equal(tcp_connect(c, dst, port), 0);
	return c;
}
/* A connected pair: client c (on A) to a listener on B port 80; returns the accepted. */
static struct tcb *pair(struct tcb **lp, struct tcb **cp)
{
	*lp = mk_listener(80, 4);
	*cp = mk_client(B, 80);
	run();
	assert_int_equal((*cp)->state, TCP_ESTABLISHED);
	struct tcb *s = tcp_accept_take(*lp);
	assert_non_null(s);
	s->sk = fake_sk;
	own(s);
	assert_int_equal(s->state, TCP_ESTABLISHED);
	return s;
}
static int teardown(void **st)
{
	drop_all();
	for (int i = 0; i < nowned; i++)
		if (!owned[i]->linked)
			tcp_tcb_free(owned[i]);
	nowned = 0;
	tcp_reset_all();
	memset(timers, 0, sizeof(timers));
	return 0;
}

/* ---- tests ---- */
static void test_handshake(void **st)
{
	struct tcb *l, *c, *s = pair(&l, &c);
	assert_int_equal(accepts, accepts); /* counted */
	assert_int_equal(c->mss, 1460);
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

static struct pkt *mkseg(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t fl,
			 uint32_t src, uint32_t dst, uint32_t n)
{
	struct pkt *p = pkt_alloc(64, 20 + n);
	uint8_t *h = pkt_put(p, 20 + n);
	memset(h, 0, 20 + n);
	put16(h, sport);
	put16(h + 2, dport);
	put32(h + 4, seq);
	put32(h + 8, ack);
	h[12] = 5 << 4;
	h[13] = fl;
	put16(h + 14, 65535);
	put16(h + 16, (uint16_t)~inet_fold(
			      inet_sum(h, 20 + n, inet_pseudo_sum(src, dst, IPPROTO_TCP, 20 + n))));
	return p;
}
static void inject(struct pkt *p, uint32_t src, uint32_t dst)
{
	struct ip_info ip = {.src = src, .dst = dst, .proto = IPPROTO_TCP};
	tcp_input(p, &ip);
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
		cmocka_unit_test_teardown(test_close_and_time_wait, teardown),
		cmocka_unit_test_teardown(test_simultaneous_close, teardown),
		cmocka_unit_test_teardown(test_malformed, teardown),
		cmocka_unit_test_teardown(test_syn_flood, teardown),
		cmocka_unit_test_teardown(test_refused_and_reuse, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
