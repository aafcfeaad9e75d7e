/* test_udp.c: kernel/net/udp.c on the host, with IP, ICMP, the heap and randomness
 * faked here: which endpoint gets a datagram (exact address before wildcard, connected
 * before unconnected, broadcast to all), ephemeral ports and EADDRINUSE rules, checksum
 * checks on input and output, port unreachable, and ICMP errors to connected endpoints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/errno.h"
#include "net/netdev.h"
#include "net/udp.h"

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
static uint64_t next_random;
uint64_t random_below(uint64_t bound)
{
	return next_random % bound;
}

#define LOCAL 0x0a00020fu /* 10.0.2.15 */
static struct netdev fake_dev = {.name = "eth0"};
bool ip_is_local(uint32_t a)
{
	return a == LOCAL || (a >> 24) == 127;
}
int ip_route(uint32_t dst, struct netdev **dev, uint32_t *src, uint32_t *hop)
{
	*dev = &fake_dev;
	*src = (dst >> 24) == 127 ? 0x7f000001u : LOCAL;
	*hop = dst;
	return 0;
}
static struct pkt *last_out;
static uint32_t last_out_src;
int ip_output(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl, uint8_t tos,
	      bool df)
{
	pkt_free(last_out);
	last_out = p;
	last_out_src = src;
	return 0;
}
static int unreach_count;
void icmp_send_unreachable(const struct pkt *p, const struct ip_info *ip, uint8_t code)
{
	unreach_count++;
}

/* ---- helpers ---- */
struct ep {
	struct udp_pcb pcb;
	int got, errs, last_err;
	uint32_t last_len, last_src;
	uint16_t last_sport;
};

static void ep_recv(struct udp_pcb *pcb, struct pkt *p, uint32_t src, uint16_t sport)
{
	struct ep *e = pcb->priv;
	e->got++;
	e->last_len = p->len;
	e->last_src = src;
	e->last_sport = sport;
	pkt_free(p);
}

static void ep_err(struct udp_pcb *pcb, int err)
{
	struct ep *e = pcb->priv;
	e->errs++;
	e->last_err = err;
}

static void ep_init(struct ep *e)
{
	memset(e, 0, sizeof(*e));
	e->pcb.recv = ep_recv;
	e->pcb.err = ep_err;
	e->pcb.priv = e;
}

/* A received UDP datagram (header + n payload bytes) with a correct checksum, or
 * checksum 0 when zero_csum. */
static struct pkt *dgram(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t n,
			 bool zero_csum)
{
	struct pkt *p = pkt_alloc(64, 8 + n);
	uint8_t *h = pkt_put(p, 8 + n);
	uint16_t ulen = (uint16_t)(8 + n);
	h[0] = (uint8_t)(sport >> 8), h[1] = (uint8_t)sport;
	h[2] = (uint8_t)(dport >> 8), h[3] = (uint8_t)dport;
	h[4] = (uint8_t)(ulen >> 8), h[5] = (uint8_t)ulen;
	h[6] = h[7] = 0;
	memset(h + 8, 'a', n);
	if (!zero_csum) {
		uint16_t c = (uint16_t)~inet_fold(
			inet_sum(h, ulen, inet_pseudo_sum(src, dst, IPPROTO_UDP, ulen)));
		h[6] = (uint8_t)(c >> 8), h[7] = (uint8_t)c;
	}
	return p;
}

static void input(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t n)
{
	struct ip_info ip = {
		.src = src, .dst = dst, .proto = IPPROTO_UDP, .broadcast = dst == INADDR_BROADCAST};
	udp_input(dgram(src, sport, dst, dport, n, false), &ip);
}

static int teardown(void **state)
{
	pkt_free(last_out);
	last_out = NULL;
	return 0;
}

/* ---- tests ---- */
static void test_exact_before_wildcard(void **state)
{
	struct ep any, exact, conn;
	ep_init(&any);
	ep_init(&exact);
	ep_init(&conn);
	any.pcb.reuseaddr = exact.pcb.reuseaddr = conn.pcb.reuseaddr = true;
	assert_int_equal(udp_bind(&any.pcb, INADDR_ANY, 5000), 0);
	assert_int_equal(udp_bind(&exact.pcb, LOCAL, 5000), 0);
	input(0x0a000202, 1234, LOCAL, 5000, 3);
	assert_int_equal(exact.got, 1);
	assert_int_equal(any.got, 0);
	assert_int_equal(exact.last_len, 3);
	assert_int_equal(exact.last_sport, 1234);
	input(0x7f000001, 1234, 0x7f000001, 5000, 1);
	assert_int_equal(any.got, 1);
	/* A connected endpoint wins for its peer only. */
	assert_int_equal(udp_bind(&conn.pcb, INADDR_ANY, 5000), 0);
	conn.pcb.raddr = 0x0a000202;
	conn.pcb.rport = 99;
	input(0x0a000202, 99, LOCAL, 5000, 1);
	assert_int_equal(conn.got, 1);
	input(0x0a000202, 98, LOCAL, 5000, 1);
	assert_int_equal(exact.got, 2);
	udp_unbind(&any.pcb);
	udp_unbind(&exact.pcb);
	udp_unbind(&conn.pcb);
}

static void test_no_port_and_bad(void **state)
{
	struct ip_info ip = {.src = 0x0a000202, .dst = LOCAL, .proto = IPPROTO_UDP};
	unreach_count = 0;
	input(0x0a000202, 1, LOCAL, 6000, 4);
	assert_int_equal(unreach_count, 1);
	uint64_t errs = udp_stats.in_errors, cerrs = udp_stats.csum_errors;
	struct pkt *p = dgram(0x0a000202, 1, LOCAL, 6000, 4, false);
	p->data[8] ^= 1; /* corrupt the payload */
	udp_input(p, &ip);
	assert_int_equal(udp_stats.csum_errors, cerrs + 1);
	p = dgram(0x0a000202, 1, LOCAL, 6000, 4, false);
	p->data[5] = 200; /* length beyond the packet */
	udp_input(p, &ip);
	p = pkt_alloc(0, 4);
	pkt_put(p, 4);
	udp_input(p, &ip); /* shorter than a header */
	assert_int_equal(udp_stats.in_errors, errs + 3);
	assert_int_equal(unreach_count, 1);
	/* Zero checksum is allowed on IPv4. */
	struct ep e;
	ep_init(&e);
	assert_int_equal(udp_bind(&e.pcb, INADDR_ANY, 6001), 0);
	udp_input(dgram(0x0a000202, 1, LOCAL, 6001, 4, true), &ip);
	assert_int_equal(e.got, 1);
	udp_unbind(&e.pcb);
}

static void test_broadcast(void **state)
{
	struct ep a, b;
	ep_init(&a);
	ep_init(&b);
	a.pcb.reuseaddr = b.pcb.reuseaddr = true;
	assert_int_equal(udp_bind(&a.pcb, INADDR_ANY, 68), 0);
	assert_int_equal(udp_bind(&b.pcb, INADDR_ANY, 68), 0);
	unreach_count = 0;
	input(0x0a000202, 67, INADDR_BROADCAST, 68, 10);
	assert_int_equal(a.got, 1);
	assert_int_equal(b.got, 1);
	input(0x0a000202, 67, INADDR_BROADCAST, 69, 10);
	assert_int_equal(unreach_count, 0);
	udp_unbind(&a.pcb);
	udp_unbind(&b.pcb);
}

static void test_bind_rules(void **state)
{
	struct ep a, b, c;
	ep_init(&a);
	ep_init(&b);
	ep_init(&c);
	assert_int_equal(udp_bind(&a.pcb, INADDR_ANY, 7000), 0);
	assert_int_equal(udp_bind(&a.pcb, INADDR_ANY, 7001), -EINVAL);
	assert_int_equal(udp_bind(&b.pcb, LOCAL, 7000), -EADDRINUSE);
	assert_int_equal(udp_bind(&b.pcb, 0xc0000201, 7002), -EADDRNOTAVAIL);
	/* Different specific addresses do not conflict. */
	assert_int_equal(udp_bind(&b.pcb, LOCAL, 7003), 0);
	assert_int_equal(udp_bind(&c.pcb, 0x7f000001, 7003), 0);
	udp_unbind(&a.pcb);
	udp_unbind(&b.pcb);
	udp_unbind(&c.pcb);
	/* SO_REUSEPORT on both. */
	a.pcb.reuseport = true;
	assert_int_equal(udp_bind(&a.pcb, INADDR_ANY, 7000), 0);
	assert_int_equal(udp_bind(&b.pcb, INADDR_ANY, 7000), -EADDRINUSE);
	b.pcb.reuseport = true;
	assert_int_equal(udp_bind(&b.pcb, INADDR_ANY, 7000), 0);
	udp_unbind(&a.pcb);
	udp_unbind(&b.pcb);
}

static void test_ephemeral(void **state)
{
	struct ep a, b;
	ep_init(&a);
	ep_init(&b);
	next_random = 60999 - 32768; /* starts at the top: the next wraps to the bottom */
	assert_int_equal(udp_bind(&a.pcb, INADDR_ANY, 0), 0);
	assert_int_equal(a.pcb.lport, 60999);
	assert_int_equal(udp_bind(&b.pcb, INADDR_ANY, 0), 0);
	assert_int_equal(b.pcb.lport, 32768);
	udp_unbind(&a.pcb);
	udp_unbind(&b.pcb);
}

static void test_send_and_icmp(void **state)
{
	struct ep a;
	ep_init(&a);
	assert_int_equal(udp_bind(&a.pcb, INADDR_ANY, 0), 0);
	assert_int_equal(udp_send(&a.pcb, 0x0a000202, 53, "abc", 3, 64, 0), 3);
	assert_non_null(last_out);
	assert_int_equal(last_out->len, 11);
	assert_int_equal(last_out_src, LOCAL);
	/* The checksum verifies. */
	uint32_t s = inet_pseudo_sum(LOCAL, 0x0a000202, IPPROTO_UDP, 11);
	assert_int_equal(inet_fold(inet_sum(last_out->data, 11, s)), 0xffff);
	assert_int_equal(udp_send(&a.pcb, 0x0a000202, 53, "", UDP_MAX_PAYLOAD + 1, 64, 0),
			 -EMSGSIZE);
	/* With checksum offload: the pseudo-header seed and PKT_CSUM_TX. */
	fake_dev.features = NETDEV_F_CSUM_TX;
	assert_int_equal(udp_send(&a.pcb, 0x0a000202, 53, "abc", 3, 64, 0), 3);
	assert_true(last_out->flags & PKT_CSUM_TX);
	assert_int_equal(last_out->data[6] << 8 | last_out->data[7], inet_fold(s));
	fake_dev.features = 0;

	/* An ICMP error quoting a datagram from a connected endpoint reaches it. */
	uint8_t q[28] = {0x45};
	q[9] = IPPROTO_UDP;
	uint32_t src = LOCAL, dst = 0x0a000202;
	for (int i = 0; i < 4; i++) {
		q[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		q[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	q[20] = (uint8_t)(a.pcb.lport >> 8), q[21] = (uint8_t)a.pcb.lport;
	q[22] = 0, q[23] = 53;
	udp_icmp_error(ECONNREFUSED, q, sizeof(q));
	assert_int_equal(a.errs, 0); /* not connected: not reported, as Linux */
	a.pcb.raddr = dst;
	a.pcb.rport = 53;
	udp_icmp_error(ECONNREFUSED, q, sizeof(q));
	assert_int_equal(a.errs, 1);
	assert_int_equal(a.last_err, ECONNREFUSED);
	udp_icmp_error(ECONNREFUSED, q, 22); /* truncated quote: ignored */
	assert_int_equal(a.errs, 1);
	udp_unbind(&a.pcb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_exact_before_wildcard, teardown),
		cmocka_unit_test_teardown(test_no_port_and_bad, teardown),
		cmocka_unit_test_teardown(test_broadcast, teardown),
		cmocka_unit_test_teardown(test_bind_rules, teardown),
		cmocka_unit_test_teardown(test_ephemeral, teardown),
		cmocka_unit_test_teardown(test_send_and_icmp, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
