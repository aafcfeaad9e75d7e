/* test_netlink.c: rtnl_request (kernel/net/netlink_route.c) over the stack core's fakes:
 * link, address and route dumps of lo and a fake eth0, the IPv6 empty dump, error acks
 * (unknown type, short request, missing device), and malformed or random requests that
 * must be ignored or refused without reading past the request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/errno.h"
#include "net/iface.h"
#include "net/netdev.h"
#include "net/netlink.h"
#include "net/socket.h"
#include "net_fakes.h"

#define OUR_IP 0x0a00020fu /* 10.0.2.15 */
#define GW_IP 0x0a000202u
#define PORT 4242u

static int setup(void **state)
{
	static bool once;
	if (!once) {
		netdev_register(&fake_eth); /* before lo, as at boot: lo still gets index 1 */
		iface_loopback_init();
		once = true;
	}
	iface_config(&fake_eth, OUR_IP, 0xffffff00u, GW_IP);
	return 0;
}

struct req {
	struct nlmsghdr h;
	uint8_t body[32];
};

static struct nlbuf ask(uint16_t type, uint16_t flags, uint8_t family, uint32_t len)
{
	struct req r = {
		.h = {.nlmsg_len = len, .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = 99}};
	struct nlbuf b = {0};
	r.body[0] = family;
	rtnl_request((const uint8_t *)&r, len, PORT, &b);
	assert_int_equal(b.err, 0);
	return b;
}

/* The messages of b, checked for sane lengths; returns the count, types in types[]. */
static int walk(const struct nlbuf *b, uint16_t *types, const struct nlmsghdr **msgs)
{
	size_t at = 0;
	int n = 0;
	while (at < b->len) {
		const struct nlmsghdr *h = (const void *)(b->data + at);
		assert_true(h->nlmsg_len >= NLMSG_HDRLEN && at + h->nlmsg_len <= b->len);
		assert_int_equal(h->nlmsg_seq, 99);
		assert_int_equal(h->nlmsg_pid, PORT);
		types[n] = h->nlmsg_type;
		msgs[n++] = h;
		at += NL_ALIGN(h->nlmsg_len);
	}
	return n;
}

/* The payload of attribute type in message h after a family header of fam bytes. */
static const uint8_t *attr(const struct nlmsghdr *h, size_t fam, uint16_t type, size_t *len)
{
	const uint8_t *p = (const uint8_t *)h + NLMSG_HDRLEN + fam;
	const uint8_t *end = (const uint8_t *)h + h->nlmsg_len;
	while (p + 4 <= end) {
		uint16_t l, t;
		memcpy(&l, p, 2);
		memcpy(&t, p + 2, 2);
		assert_true(l >= 4 && p + l <= end);
		if (t == type) {
			*len = l - 4u;
			return p + 4;
		}
		p += NL_ALIGN(l);
	}
	return NULL;
}

static void test_link_dump(void **state)
{
	struct nlbuf b = ask(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 17);
	uint16_t t[8];
	const struct nlmsghdr *m[8];
	size_t len;

	assert_int_equal(walk(&b, t, m), 3);
	assert_int_equal(t[0], RTM_NEWLINK);
	assert_int_equal(t[1], RTM_NEWLINK);
	assert_int_equal(t[2], NLMSG_DONE);
	assert_int_equal(m[0]->nlmsg_flags, NLM_F_MULTI);
	int32_t idx;
	uint32_t flags;
	memcpy(&idx, (const uint8_t *)m[0] + NLMSG_HDRLEN + 4, 4);
	memcpy(&flags, (const uint8_t *)m[0] + NLMSG_HDRLEN + 8, 4);
	assert_int_equal(idx, 1);
	assert_true(flags & 0x8); /* IFF_LOOPBACK */
	const uint8_t *name = attr(m[0], 16, 3, &len);
	assert_non_null(name);
	assert_string_equal((const char *)name, "lo");
	name = attr(m[1], 16, 3, &len);
	assert_string_equal((const char *)name, "eth0");
	const uint8_t *mac = attr(m[1], 16, 1, &len);
	assert_int_equal(len, 6);
	assert_memory_equal(mac, fake_eth.mac, 6);
	nlbuf_free(&b);
}

static void test_addr_dump(void **state)
{
	struct nlbuf b = ask(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 17);
	uint16_t t[8];
	const struct nlmsghdr *m[8];
	size_t len;
	static const uint8_t ours[4] = {10, 0, 2, 15}, bcast[4] = {10, 0, 2, 255};

	assert_int_equal(walk(&b, t, m), 3);
	assert_int_equal(t[1], RTM_NEWADDR);
	const uint8_t *ifa = (const uint8_t *)m[1] + NLMSG_HDRLEN;
	assert_int_equal(ifa[0], AF_INET);
	assert_int_equal(ifa[1], 24);
	assert_memory_equal(attr(m[1], 8, 2, &len), ours, 4); /* IFA_LOCAL */
	assert_memory_equal(attr(m[1], 8, 4, &len), bcast, 4);
	assert_int_equal(((const uint8_t *)m[0] + NLMSG_HDRLEN)[1], 8); /* lo /8 */
	nlbuf_free(&b);

	b = ask(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, AF_INET6, 17);
	assert_int_equal(walk(&b, t, m), 1);
	assert_int_equal(t[0], NLMSG_DONE);
	nlbuf_free(&b);
}

static void test_route_dump(void **state)
{
	struct nlbuf b = ask(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 17);
	uint16_t t[8];
	const struct nlmsghdr *m[8];
	size_t len;
	static const uint8_t gw[4] = {10, 0, 2, 2}, net[4] = {10, 0, 2, 0};
	int n = walk(&b, t, m), found_default = 0, found_net = 0;

	assert_int_equal(t[n - 1], NLMSG_DONE);
	for (int i = 0; i < n - 1; i++) {
		const uint8_t *rt = (const uint8_t *)m[i] + NLMSG_HDRLEN;
		assert_int_equal(t[i], RTM_NEWROUTE);
		if (rt[1] == 0) {
			assert_memory_equal(attr(m[i], 12, 5, &len), gw, 4);
			found_default = 1;
		} else if (rt[1] == 24) {
			assert_memory_equal(attr(m[i], 12, 1, &len), net, 4);
			found_net = 1;
		}
	}
	assert_true(found_default && found_net);
	nlbuf_free(&b);
}

static int32_t error_of(const struct nlbuf *b)
{
	const struct nlmsghdr *h = (const void *)b->data;
	int32_t e;
	assert_true(b->len >= NLMSG_HDRLEN + 4 + NLMSG_HDRLEN);
	assert_int_equal(h->nlmsg_type, NLMSG_ERROR);
	memcpy(&e, b->data + NLMSG_HDRLEN, 4);
	return e;
}

static void test_errors(void **state)
{
	struct nlbuf b = ask(1000, NLM_F_REQUEST, 0, 17);
	assert_int_equal(error_of(&b), -EOPNOTSUPP);
	nlbuf_free(&b);
	b = ask(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, AF_INET, 24);
	assert_int_equal(error_of(&b), -EOPNOTSUPP);
	nlbuf_free(&b);
	b = ask(RTM_GETLINK, NLM_F_REQUEST, 0, 17); /* needs a whole ifinfomsg */
	assert_int_equal(error_of(&b), -EINVAL);
	nlbuf_free(&b);
	b = ask(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 0, 16);
	assert_int_equal(error_of(&b), -EINVAL);
	nlbuf_free(&b);
	b = ask(NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 0, 16);
	assert_int_equal(error_of(&b), 0);
	nlbuf_free(&b);

	struct req r = {.h = {.nlmsg_len = 32,
			      .nlmsg_type = RTM_GETLINK,
			      .nlmsg_flags = NLM_F_REQUEST,
			      .nlmsg_seq = 99}};
	int32_t idx = 77;
	memcpy(r.body + 4, &idx, 4);
	rtnl_request((const uint8_t *)&r, 32, PORT, &b);
	assert_int_equal(error_of(&b), -ENODEV);
	nlbuf_free(&b);
	idx = 2;
	memcpy(r.body + 4, &idx, 4);
	rtnl_request((const uint8_t *)&r, 32, PORT, &b);
	assert_int_equal(((const struct nlmsghdr *)b.data)->nlmsg_type, RTM_NEWLINK);
	nlbuf_free(&b);
}

static void test_malformed_ignored(void **state)
{
	struct nlbuf b;
	b = ask(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 0, 15); /* shorter than a header */
	assert_int_equal(b.len, 0);
	struct req r = {.h = {.nlmsg_len = 40,
			      .nlmsg_type = RTM_GETLINK,
			      .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			      .nlmsg_seq = 99}};
	b = (struct nlbuf){0};
	rtnl_request((const uint8_t *)&r, 20, PORT, &b); /* nlmsg_len beyond the datagram */
	assert_int_equal(b.len, 0);
	r.h.nlmsg_len = 8;
	rtnl_request((const uint8_t *)&r, 20, PORT, &b);
	assert_int_equal(b.len, 0);

	/* Two requests in one datagram: two answers. */
	uint8_t two[40] = {0};
	struct nlmsghdr h = {.nlmsg_len = 17,
			     .nlmsg_type = RTM_GETADDR,
			     .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			     .nlmsg_seq = 99};
	memcpy(two, &h, sizeof(h));
	memcpy(two + 20, &h, sizeof(h));
	two[16] = two[36] = AF_INET6;
	rtnl_request(two, 37, PORT, &b);
	uint16_t t[8];
	const struct nlmsghdr *m[8];
	assert_int_equal(walk(&b, t, m), 2);
	nlbuf_free(&b);

	/* Random datagrams: whatever comes back is well formed. */
	srand(7);
	for (int i = 0; i < 20000; i++) {
		uint8_t buf[96];
		size_t n = (size_t)rand() % sizeof(buf);
		for (size_t k = 0; k < n; k++)
			buf[k] = (uint8_t)rand();
		if (n >= 16 && (rand() & 1)) {
			uint32_t l = (uint32_t)(16 + rand() % (int)(n - 15));
			uint16_t ty = (uint16_t)(16 + rand() % 16);
			memcpy(buf, &l, 4);
			memcpy(buf + 4, &ty, 2);
		}
		b = (struct nlbuf){0};
		rtnl_request(buf, n, PORT, &b);
		size_t at = 0;
		while (at < b.len) {
			const struct nlmsghdr *x = (const void *)(b.data + at);
			assert_true(x->nlmsg_len >= NLMSG_HDRLEN && at + x->nlmsg_len <= b.len);
			at += NL_ALIGN(x->nlmsg_len);
		}
		nlbuf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_link_dump), T(test_addr_dump),	      T(test_route_dump),
		T(test_errors),	   T(test_malformed_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
