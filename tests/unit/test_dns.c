/* test_dns.c: examples/dns-server's query path on the host: the bounds-checked name
 * reader (pointer loops, forward pointers, oversized labels and names, truncation), the
 * query parser's rcodes (FORMERR, NOTIMP, dropped packets), and answers from a small
 * zone: AA, NXDOMAIN/NODATA with the SOA, REFUSED, CNAME chains, compression, TC on
 * UDP, EDNS sizes and BADVERS. Random and truncated queries must never crash (ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../examples/dns-server/dns.h"

static const char zone_text[] =
	"$ORIGIN example.test.\n$TTL 3600\n"
	"@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
	"  IN NS ns1\n  IN MX 10 mail\n"
	"ns1 IN A 192.0.2.53\nmail IN A 192.0.2.25\nmail IN AAAA 2001:db8::25\n"
	"www IN A 192.0.2.80\nwww IN A 192.0.2.81\n"
	"web IN CNAME www\nalias IN CNAME web\nnowhere IN CNAME missing\n"
	"out IN CNAME www.example.org.\na.b.deep IN A 192.0.2.99\n"
	"big IN TXT "
	"\"01xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n"
	"big IN TXT "
	"\"02xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n"
	"big IN TXT "
	"\"03xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n"
	"big IN TXT "
	"\"04xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n"
	"big IN TXT "
	"\"05xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n"
	"big IN TXT "
	"\"06xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n"
	"big IN TXT "
	"\"07xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n"
	"big IN TXT "
	"\"08xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n";

static struct dns_zone zone;
static uint8_t out[DNS_TCP_MAX];

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Dotted text to wire form at p; returns the length written. */
static size_t wire_name(uint8_t *p, const char *text)
{
	size_t o = 0;
	while (*text) {
		const char *dot = strchr(text, '.');
		size_t l = dot ? (size_t)(dot - text) : strlen(text);
		p[o++] = (uint8_t)l;
		memcpy(p + o, text, l);
		o += l;
		text += l + (dot ? 1 : 0);
	}
	p[o++] = 0;
	return o;
}

/* A query for name/type; edns_size 0: no OPT record. Returns its length. */
static size_t mkq(uint8_t *p, uint16_t flags, const char *name, uint16_t type, uint16_t class,
		  uint16_t edns_size, uint8_t edns_version)
{
	memset(p, 0, DNS_HDR_LEN);
	p[0] = 0x12, p[1] = 0x34;
	p[2] = (uint8_t)(flags >> 8), p[3] = (uint8_t)flags;
	p[5] = 1;
	size_t o = DNS_HDR_LEN + wire_name(p + DNS_HDR_LEN, name);
	p[o++] = (uint8_t)(type >> 8), p[o++] = (uint8_t)type;
	p[o++] = (uint8_t)(class >> 8), p[o++] = (uint8_t) class;
	if (edns_size) {
		uint8_t opt[11] = {
			0, 0, 41, (uint8_t)(edns_size >> 8), (uint8_t)edns_size, 0, edns_version, 0,
			0, 0, 0};
		memcpy(p + o, opt, sizeof opt);
		o += sizeof opt;
		p[11] = 1;
	}
	return o;
}

struct rr_seen {
	uint8_t owner[DNS_MAXNAME];
	uint16_t type;
	uint32_t ttl;
	const uint8_t *rdata;
	uint16_t rdlen;
};

/* Walk a response: every record of all three sections into rr (at most 64). */
static int parse_resp(const uint8_t *r, size_t len, struct rr_seen *rr)
{
	size_t off = DNS_HDR_LEN;
	uint8_t name[DNS_MAXNAME];
	int total = g16(r + 6) + g16(r + 8) + g16(r + 10);
	for (int i = 0; i < g16(r + 4); i++) {
		assert_int_equal(dns_name_read(r, len, &off, name), 0);
		off += 4;
	}
	assert_true(total <= 64);
	for (int i = 0; i < total; i++) {
		assert_int_equal(dns_name_read(r, len, &off, rr[i].owner), 0);
		assert_true(off + 10 <= len);
		rr[i].type = g16(r + off);
		rr[i].ttl = (uint32_t)g16(r + off + 4) << 16 | g16(r + off + 6);
		rr[i].rdlen = g16(r + off + 8);
		rr[i].rdata = r + off + 10;
		off += 10u + rr[i].rdlen;
		assert_true(off <= len);
	}
	assert_int_equal(off, len);
	return total;
}

static size_t ask(const char *name, uint16_t type, uint16_t edns, int tcp)
{
	uint8_t q[600];
	size_t ql = mkq(q, DNS_F_RD, name, type, DNS_C_IN, edns, 0);
	return dns_answer(&zone, q, ql, out, sizeof out, tcp);
}

static int setup(void **st)
{
	char err[256];
	int r = dns_zone_parse(&zone, zone_text, sizeof zone_text - 1, "t", err, sizeof err);
	if (r < 0)
		print_error("%s\n", err);
	return r;
}

static int teardown(void **st)
{
	dns_zone_free(&zone);
	return 0;
}

static void test_name_read_bounds(void **st)
{
	uint8_t n[DNS_MAXNAME], m[600];
	size_t off;

	memcpy(m,
	       "\x03www\x07"
	       "example\x04test\x00",
	       18);
	off = 0;
	assert_int_equal(dns_name_read(m, 18, &off, n), 0);
	assert_int_equal(off, 18);
	off = 0; /* truncated inside a label, and before the root byte */
	assert_int_equal(dns_name_read(m, 10, &off, n), -1);
	off = 0;
	assert_int_equal(dns_name_read(m, 17, &off, n), -1);
	/* A pointer to itself, a forward pointer, a two-pointer loop. */
	m[20] = 0xc0, m[21] = 20;
	off = 20;
	assert_int_equal(dns_name_read(m, 22, &off, n), -1);
	m[20] = 0xc0, m[21] = 22, m[22] = 0;
	off = 20;
	assert_int_equal(dns_name_read(m, 23, &off, n), -1);
	m[30] = 1, m[31] = 'a', m[32] = 0xc0, m[33] = 30;
	off = 30;
	assert_int_equal(dns_name_read(m, 34, &off, n), -1);
	/* A good backward pointer: "mail" + pointer to example.test at 4. */
	memcpy(m + 40, "\x04mail\xc0\x04", 7);
	off = 40;
	assert_int_equal(dns_name_read(m, 47, &off, n), 0);
	assert_int_equal(off, 47);
	assert_memory_equal(n,
			    "\x04mail\x07"
			    "example\x04test\x00",
			    19);
	/* Label types 01 and 10; a 64-byte label cannot be expressed (0x40 is type 01). */
	m[0] = 0x40;
	off = 0;
	assert_int_equal(dns_name_read(m, 18, &off, n), -1);
	m[0] = 0x80;
	off = 0;
	assert_int_equal(dns_name_read(m, 18, &off, n), -1);
	/* 128 one-byte labels: 257 bytes, over 255. 127 of them: 255, fine. */
	for (int i = 0; i < 128; i++)
		m[2 * i] = 1, m[2 * i + 1] = 'x';
	m[256] = 0;
	off = 0;
	assert_int_equal(dns_name_read(m, 257, &off, n), -1);
	m[254] = 0;
	off = 0;
	assert_int_equal(dns_name_read(m, 255, &off, n), 0);
	assert_int_equal(dns_name_len(n), 255);
}

static void test_dropped_and_rcodes(void **st)
{
	uint8_t q[600] = {0};
	size_t ql;

	assert_int_equal(dns_answer(&zone, q, 0, out, sizeof out, 0), 0);
	ql = mkq(q, 0, "www.example.test", 1, 1, 0, 0);
	assert_int_equal(dns_answer(&zone, q, 11, out, sizeof out, 0), 0);
	ql = mkq(q, DNS_F_QR, "www.example.test", 1, 1, 0, 0); /* a response */
	assert_int_equal(dns_answer(&zone, q, ql, out, sizeof out, 0), 0);

	ql = mkq(q, (2 << 11) | DNS_F_RD, "www.example.test", 1, 1, 0, 0); /* STATUS */
	size_t r = dns_answer(&zone, q, ql, out, sizeof out, 0);
	assert_int_equal(r, DNS_HDR_LEN);
	assert_int_equal(g16(out), 0x1234);
	assert_int_equal(g16(out + 2), DNS_F_QR | (2 << 11) | DNS_F_RD | DNS_R_NOTIMP);

	const uint16_t counts[][4] = {{0, 0, 0, 0}, {2, 0, 0, 0}, {1, 1, 0, 0}, {1, 0, 1, 0}};
	for (size_t i = 0; i < 4; i++) {
		ql = mkq(q, 0, "www.example.test", 1, 1, 0, 0);
		for (int k = 0; k < 4; k++)
			q[4 + 2 * k] = (uint8_t)(counts[i][k] >> 8),
				  q[5 + 2 * k] = (uint8_t)counts[i][k];
		r = dns_answer(&zone, q, ql, out, sizeof out, 0);
		assert_int_equal(r, DNS_HDR_LEN);
		assert_int_equal(out[3] & 0xf, DNS_R_FORMERR);
		assert_int_equal(out[2] & 0x04, 0); /* no AA */
	}
	/* Every truncation of a query with EDNS is FORMERR (or dropped below a header). */
	ql = mkq(q, 0, "www.example.test", 1, 1, 1232, 0);
	for (size_t l = 0; l < ql; l++) {
		r = dns_answer(&zone, q, l, out, sizeof out, 0);
		if (l < DNS_HDR_LEN)
			assert_int_equal(r, 0);
		else
			assert_int_equal(out[3] & 0xf, DNS_R_FORMERR);
	}
	/* A question name that is a pointer loop. */
	ql = mkq(q, 0, "a", 1, 1, 0, 0);
	q[12] = 0xc0, q[13] = 12;
	r = dns_answer(&zone, q, ql, out, sizeof out, 0);
	assert_int_equal(out[3] & 0xf, DNS_R_FORMERR);
	/* Two OPT records. */
	ql = mkq(q, 0, "www.example.test", 1, 1, 1232, 0);
	memcpy(q + ql, q + ql - 11, 11);
	q[11] = 2;
	r = dns_answer(&zone, q, ql + 11, out, sizeof out, 0);
	assert_int_equal(out[3] & 0xf, DNS_R_FORMERR);
}

static void test_answer_a(void **st)
{
	struct rr_seen rr[64];
	size_t r = ask("www.example.test", DNS_T_A, 0, 0);
	assert_int_equal(g16(out + 2), DNS_F_QR | DNS_F_AA | DNS_F_RD);
	assert_int_equal(g16(out + 4), 1);
	assert_int_equal(g16(out + 6), 2);
	assert_int_equal(parse_resp(out, r, rr), 2);
	assert_int_equal(rr[0].type, DNS_T_A);
	assert_int_equal(rr[0].ttl, 3600);
	assert_int_equal(rr[0].rdlen, 4);
	assert_memory_equal(rr[0].rdata, "\xc0\x00\x02\x50", 4);
	assert_memory_equal(rr[1].rdata, "\xc0\x00\x02\x51", 4);
	/* Both owners are compressed to the question name at offset 12. */
	size_t qend = DNS_HDR_LEN + 18 + 4;
	assert_int_equal(g16(out + qend), 0xc00c);
	assert_int_equal(r, qend + 2 * (2 + 10 + 4));
}

static void test_answer_case(void **st)
{
	uint8_t n[DNS_MAXNAME];
	size_t off = DNS_HDR_LEN;
	size_t r = ask("WWW.Example.TEST", DNS_T_A, 0, 0);
	assert_int_equal(out[3] & 0xf, DNS_R_NOERROR);
	assert_int_equal(g16(out + 6), 2);
	assert_int_equal(dns_name_read(out, r, &off, n), 0);
	assert_memory_equal(n,
			    "\x03WWW\x07"
			    "Example\x04TEST",
			    17); /* echoed as asked */
}

static void test_negative(void **st)
{
	struct rr_seen rr[64];
	size_t r = ask("nope.example.test", DNS_T_A, 0, 0);
	assert_int_equal(out[3] & 0xf, DNS_R_NXDOMAIN);
	assert_true(out[2] & 0x04);
	assert_int_equal(g16(out + 6), 0);
	assert_int_equal(g16(out + 8), 1);
	assert_int_equal(parse_resp(out, r, rr), 1);
	assert_int_equal(rr[0].type, DNS_T_SOA);
	assert_int_equal(rr[0].ttl, 300); /* min(SOA TTL, MINIMUM): RFC 2308 */

	r = ask("www.example.test", DNS_T_MX, 0, 0); /* NODATA */
	assert_int_equal(out[3] & 0xf, DNS_R_NOERROR);
	assert_int_equal(g16(out + 6), 0);
	assert_int_equal(g16(out + 8), 1);

	r = ask("b.deep.example.test", DNS_T_A, 0, 0); /* empty non-terminal */
	assert_int_equal(out[3] & 0xf, DNS_R_NOERROR);
	assert_int_equal(g16(out + 8), 1);

	r = ask("www.example.org", DNS_T_A, 0, 0);
	assert_int_equal(out[3] & 0xf, DNS_R_REFUSED);
	assert_int_equal(out[2] & 0x04, 0);
	assert_int_equal(g16(out + 4), 1);
	assert_int_equal(g16(out + 6) + g16(out + 8), 0);

	r = ask("test", DNS_T_SOA, 0, 0); /* the parent: outside the zone */
	assert_int_equal(out[3] & 0xf, DNS_R_REFUSED);

	uint8_t q[600];
	size_t ql = mkq(q, 0, "www.example.test", DNS_T_A, 3 /* CH */, 0, 0);
	dns_answer(&zone, q, ql, out, sizeof out, 0);
	assert_int_equal(out[3] & 0xf, DNS_R_REFUSED);

	r = ask("example.test", 252 /* AXFR */, 0, 1);
	assert_int_equal(out[3] & 0xf, DNS_R_NOTIMP);
	assert_int_equal(g16(out + 4), 1);
	assert_int_equal(g16(out + 6), 0);
	r = ask("example.test", DNS_T_ANY, 0, 1);
	assert_int_equal(out[3] & 0xf, DNS_R_NOERROR);
	assert_int_equal(g16(out + 6), 3); /* the apex's SOA, NS and MX */
}

static void test_cname(void **st)
{
	struct rr_seen rr[64];
	uint8_t www[DNS_MAXNAME];
	wire_name(www, "www.example.test");

	size_t r = ask("alias.example.test", DNS_T_A, 0, 0);
	assert_int_equal(out[3] & 0xf, DNS_R_NOERROR);
	assert_int_equal(parse_resp(out, r, rr), 4);
	assert_int_equal(rr[0].type, DNS_T_CNAME);
	assert_int_equal(rr[1].type, DNS_T_CNAME);
	assert_int_equal(rr[2].type, DNS_T_A);
	assert_true(dns_name_eq(rr[2].owner, www));

	r = ask("alias.example.test", DNS_T_CNAME, 0, 0); /* the CNAME itself only */
	assert_int_equal(parse_resp(out, r, rr), 1);
	assert_int_equal(rr[0].type, DNS_T_CNAME);

	r = ask("nowhere.example.test", DNS_T_A, 0, 0); /* RFC 6604: last name's rcode */
	assert_int_equal(out[3] & 0xf, DNS_R_NXDOMAIN);
	assert_int_equal(g16(out + 6), 1);

	r = ask("out.example.test", DNS_T_A, 0, 0); /* leaves the zone: stop there */
	assert_int_equal(out[3] & 0xf, DNS_R_NOERROR);
	assert_int_equal(g16(out + 6), 1);
	assert_int_equal(g16(out + 8), 0);
}

static void test_mx_additional(void **st)
{
	struct rr_seen rr[64];
	size_t r = ask("example.test", DNS_T_MX, 0, 0);
	assert_int_equal(g16(out + 6), 1);
	assert_int_equal(g16(out + 10), 2); /* mail's A and AAAA */
	assert_int_equal(parse_resp(out, r, rr), 3);
	assert_int_equal(rr[0].type, DNS_T_MX);
	assert_int_equal(g16(rr[0].rdata), 10);
	assert_int_equal(rr[1].type, DNS_T_A);
	assert_int_equal(rr[2].type, DNS_T_AAAA);
}

static void test_truncation_edns(void **st)
{
	struct rr_seen rr[64];
	size_t r = ask("big.example.test", DNS_T_TXT, 0, 0);
	assert_true(r <= DNS_UDP_MIN);
	assert_true(out[2] & 0x02); /* TC */
	assert_true(g16(out + 6) < 8);
	assert_int_equal(parse_resp(out, r, rr), g16(out + 6));

	r = ask("big.example.test", DNS_T_TXT, 1232, 0);
	assert_int_equal(out[2] & 0x02, 0);
	assert_int_equal(g16(out + 6), 8);
	assert_int_equal(g16(out + 10), 1);
	assert_int_equal(parse_resp(out, r, rr), 9);
	assert_int_equal(rr[8].type, DNS_T_OPT);

	r = ask("big.example.test", DNS_T_TXT, 0, 1); /* TCP: no 512 limit */
	assert_int_equal(out[2] & 0x02, 0);
	assert_int_equal(g16(out + 6), 8);
	assert_int_equal(g16(out + 10), 0);

	uint8_t q[600];
	size_t ql = mkq(q, 0, "www.example.test", DNS_T_A, DNS_C_IN, 1232, 1);
	r = dns_answer(&zone, q, ql, out, sizeof out, 0);
	assert_int_equal(out[3] & 0xf, 0);
	assert_int_equal(parse_resp(out, r, rr), 1);
	assert_int_equal(rr[0].type, DNS_T_OPT);
	assert_int_equal(rr[0].ttl >> 24, DNS_R_BADVERS >> 4);
}

/* A name whose suffix repeats its own first labels ("a.a.") in a buffer holding stale
 * zeros: the suffix "a." must not be compressed against the half-written name (that gave
 * a pointer loop); the question comes back uncompressed. */
static void test_no_pointer_into_own_name(void **st)
{
	static const uint8_t want[] = {1, 'a', 1, 'a', 0};
	uint8_t q[512];
	size_t ql = mkq(q, 0, "a.a.", DNS_T_A, DNS_C_IN, 0, 0);

	memset(out, 0, sizeof out);
	size_t r = dns_answer(&zone, q, ql, out, sizeof out, 0);
	assert_true(r >= DNS_HDR_LEN + sizeof want + 4);
	assert_memory_equal(out + DNS_HDR_LEN, want, sizeof want);
}

static void test_random_never_crash(void **st)
{
	uint8_t q[600];
	uint32_t s = 12345;
	for (int i = 0; i < 20000; i++) {
		size_t ql = mkq(q, 0, "www.example.test", DNS_T_A, DNS_C_IN, 4096, 0);
		int flips = 1 + (int)(s % 6);
		for (int k = 0; k < flips; k++) {
			s = s * 1103515245u + 12345u;
			q[(s >> 8) % ql] = (uint8_t)(s >> 20);
		}
		s = s * 1103515245u + 12345u;
		size_t r = dns_answer(&zone, q, ql, out, sizeof out, (int)(s & 1));
		assert_true(r <= (s & 1 ? DNS_TCP_MAX : DNS_UDP_MAX));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_read_bounds),
		cmocka_unit_test(test_dropped_and_rcodes),
		cmocka_unit_test(test_answer_a),
		cmocka_unit_test(test_answer_case),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_cname),
		cmocka_unit_test(test_mx_additional),
		cmocka_unit_test(test_truncation_edns),
		cmocka_unit_test(test_no_pointer_into_own_name),
		cmocka_unit_test(test_random_never_crash),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
