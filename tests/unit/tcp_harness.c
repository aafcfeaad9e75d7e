/* tcp_harness.c: the fakes and helpers the TCP unit tests share (test_tcp.c,
 * test_tcp_opts.c): a fake IP layer capturing segments in a queue that tests deliver,
 * drop, reorder or corrupt by hand, fake time and kernel timers, connection helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_harness.h"

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
uint64_t rnd = 1000;
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

uint64_t now = 1000000000ull;
uint64_t time_monotonic_ns(void)
{
	return now;
}
struct ktimer *timers[NTIMERS];
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
struct netdev fake_dev = {.name = "eth0", .mtu = 1500};
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
struct seg_out q[QMAX];
int nq;
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
int wakes, accepts;
void tcp_wake(struct tcb *t, unsigned events)
{
	wakes++;
}
void tcp_accept_ready(struct tcb *l)
{
	accepts++;
}

/* ---- helpers ---- */
void fire_timers(void)
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
void advance(uint64_t ns)
{
	now += ns;
	fire_timers();
}
struct seg_out take(int i)
{
	struct seg_out s = q[i];
	memmove(q + i, q + i + 1, (size_t)(nq - i - 1) * sizeof(q[0]));
	nq--;
	return s;
}
void deliver_seg(struct seg_out s)
{
	struct ip_info ip = {.src = s.src, .dst = s.dst, .proto = IPPROTO_TCP};
	tcp_input(s.p, &ip);
}
/* Deliver everything queued (including what the deliveries produce). */
void run(void)
{
	for (int n = 0; nq && n < 10000; n++)
		deliver_seg(take(0));
}
void drop_all(void)
{
	while (nq)
		pkt_free(take(0).p);
}
uint8_t flags_of(int i)
{
	return q[i].p->data[13];
}

struct sock *fake_sk = (struct sock *)0x1000;
/* Blocks a test owns (as a socket would): closed ones leave the table, freed here. */
struct tcb *owned[16];
int nowned;
struct tcb *own(struct tcb *t)
{
	if (nowned < 16)
		owned[nowned++] = t;
	return t;
}

struct tcb *mk_listener(uint16_t port, int backlog)
{
	struct tcb *l = own(tcp_tcb_new());
	l->sk = fake_sk;
	assert_int_equal(tcp_bind_port(l, INADDR_ANY, port), 0);
	assert_int_equal(tcp_listen(l, backlog), 0);
	return l;
}
struct tcb *mk_client(uint32_t dst, uint16_t port)
{
	struct tcb *c = own(tcp_tcb_new());
	c->sk = fake_sk;
	c->nodelay = true;
	assert_int_equal(tcp_connect(c, dst, port), 0);
	return c;
}
/* A connected pair: client c (on A) to a listener on B port 80; returns the accepted. */
struct tcb *pair(struct tcb **lp, struct tcb **cp)
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
int teardown(void **st)
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

struct pkt *mkseg_opts(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t fl,
		       uint32_t src, uint32_t dst, const uint8_t *opts, uint32_t olen,
		       const void *data, uint32_t n, uint16_t wnd)
{
	uint32_t hl = 20 + olen;
	struct pkt *p = pkt_alloc(64, hl + n);
	uint8_t *h = pkt_put(p, hl + n);
	memset(h, 0, hl + n);
	put16(h, sport);
	put16(h + 2, dport);
	put32(h + 4, seq);
	put32(h + 8, ack);
	h[12] = (uint8_t)(hl / 4) << 4;
	h[13] = fl;
	put16(h + 14, wnd);
	if (olen)
		memcpy(h + 20, opts, olen);
	if (data && n)
		memcpy(h + hl, data, n);
	put16(h + 16, (uint16_t)~inet_fold(
			      inet_sum(h, hl + n, inet_pseudo_sum(src, dst, IPPROTO_TCP, hl + n))));
	return p;
}
struct pkt *mkseg(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t fl,
		  uint32_t src, uint32_t dst, uint32_t n)
{
	return mkseg_opts(sport, dport, seq, ack, fl, src, dst, NULL, 0, NULL, n, 65535);
}
const uint8_t *find_opt(const struct pkt *p, uint8_t kind)
{
	const uint8_t *h = p->data;
	uint32_t hl = (uint32_t)(h[12] >> 4) * 4;
	struct tcp_opts dummy;
	assert_int_equal(tcp_parse_opts(h + 20, hl - 20, &dummy), 0); /* ours: well formed */
	for (uint32_t i = 20; i < hl;) {
		if (h[i] == 0)
			break;
		if (h[i] == 1) {
			i++;
			continue;
		}
		if (h[i] == kind)
			return h + i;
		i += h[i + 1];
	}
	return NULL;
}
void inject(struct pkt *p, uint32_t src, uint32_t dst)
{
	struct ip_info ip = {.src = src, .dst = dst, .proto = IPPROTO_TCP};
	tcp_input(p, &ip);
}
