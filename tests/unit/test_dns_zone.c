/* test_dns_zone.c: examples/dns-server's zone loader on the host: the shipped
 * zone/example.zone loads with every type, the master-file subset (parentheses,
 * comments, '@', relative names, blank owners, TTL/class order, escapes, TXT strings
 * over 255 bytes split), and one precise "NAME:LINE: ..." error per kind of bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../examples/dns-server/dns.h"

static char err[512];

static int load(struct dns_zone *z, const char *text)
{
	err[0] = '\0';
	return dns_zone_parse(z, text, strlen(text), "z", err, sizeof err);
}

#define HEAD "$ORIGIN example.test.\n$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\n"

/* The zone must fail with a message containing want. */
static void bad(const char *text, const char *want)
{
	struct dns_zone z;
	if (load(&z, text) == 0) {
		dns_zone_free(&z);
		fail_msg("loaded, expected '%s'", want);
	}
	if (!strstr(err, want))
		fail_msg("error '%s' lacks '%s'", err, want);
	assert_int_equal(z.n, 0); /* left empty */
}

static const struct dns_rr *find(const struct dns_zone *z, const char *owner_text, uint16_t type,
				 int nth)
{
	char t[1024];
	for (size_t i = 0; i < z->n; i++) {
		dns_name_to_text(z->rr[i].owner, t, sizeof t);
		if (!strcmp(t, owner_text) && z->rr[i].type == type && nth-- == 0)
			return &z->rr[i];
	}
	fail_msg("no %s type %u", owner_text, type);
	return NULL;
}

static void test_example_zone(void **st)
{
	struct dns_zone z;
	char t[1024];
	int r = dns_zone_load(&z, "examples/dns-server/zone/example.zone", err, sizeof err);
	if (r < 0)
		fail_msg("%s", err);
	dns_name_to_text(z.origin, t, sizeof t);
	assert_string_equal(t, "example.test.");
	assert_int_equal(z.rr[z.soa].type, DNS_T_SOA);
	/* SOA rdata: ns1.example.test. hostmaster.example.test. + 5 numbers. */
	const struct dns_rr *soa = &z.rr[z.soa];
	assert_int_equal(soa->rdlen, 18 + 25 + 20);
	assert_memory_equal(soa->rdata + soa->rdlen - 4, "\x00\x00\x01\x2c", 4); /* 300 */
	const struct dns_rr *ns2 = find(&z, "ns2.example.test.", DNS_T_A, 0);
	assert_int_equal(ns2->ttl, 600);
	assert_int_equal(find(&z, "www.example.test.", DNS_T_AAAA, 0)->rdlen, 16);
	const struct dns_rr *txt = find(&z, "txt.example.test.", DNS_T_TXT, 0);
	assert_int_equal(txt->rdlen, 12 + 14 + 20);
	assert_memory_equal(txt->rdata + 26, "\x13with \"quotes\" and \\", 20);
	const struct dns_rr *lng = find(&z, "long.example.test.", DNS_T_TXT, 0);
	assert_int_equal(lng->rdlen, 256 + 12); /* 266 bytes: 255 + 11 */
	assert_int_equal(lng->rdata[0], 255);
	assert_int_equal(lng->rdata[256], 11);
	const struct dns_rr *mx = find(&z, "example.test.", DNS_T_MX, 1);
	assert_memory_equal(mx->rdata,
			    "\x00\x14\x05mail2\x07"
			    "example\x04test",
			    20);
	find(&z, "a.b.deep.example.test.", DNS_T_A, 0);
	find(&z, "alias.example.test.", DNS_T_CNAME, 0);
	dns_zone_free(&z);
	assert_int_equal(dns_zone_load(&z, "/nonexistent/zone", err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/zone: cannot open: No such file"));
}

static void test_syntax(void **st)
{
	struct dns_zone z;
	int r = load(&z, "; comment\n$ORIGIN Example.TEST.\n"
			 "@ 100 IN SOA (ns.example.test. ; inside\n hm 1 2 3 4 5 )\n"
			 "\tIN 200 NS ns ; blank owner: @\n"
			 "ns A 192.0.2.1\n"
			 "a\\.b 7 TXT plain \"\" \"x\\065\\\"\"\n"
			 "last. 5 A 192.0.2.2\n");
	/* last. is outside the zone: the check after loading names its line. */
	assert_int_equal(r, -1);
	assert_string_equal(err, "z:8: last. is outside the zone (the SOA's owner)");

	r = load(&z, "$ORIGIN Example.TEST.\n"
		     "@ 100 IN SOA (ns.example.test. ; inside\n hm 1 2 3 4 5 )\n"
		     "\tIN 200 NS ns\n"
		     "ns A 192.0.2.1\n"
		     "a\\.b 7 TXT plain \"\" \"x\\065\\\"\"\n");
	if (r < 0)
		fail_msg("%s", err);
	assert_int_equal(z.n, 4);
	assert_int_equal(z.rr[0].ttl, 100);
	assert_int_equal(z.rr[1].ttl, 200);
	assert_int_equal(z.rr[1].type, DNS_T_NS);
	assert_memory_equal(z.rr[1].owner,
			    "\x07"
			    "Example\x04TEST",
			    14);
	assert_int_equal(z.rr[2].ttl, 200); /* no $TTL: the last TTL given */
	assert_memory_equal(z.rr[3].owner,
			    "\x03"
			    "a.b\x07"
			    "Example",
			    12);
	assert_int_equal(z.rr[3].rdlen, 6 + 1 + 4);
	assert_memory_equal(z.rr[3].rdata, "\x05plain\x00\x03xA\"", 11);
	dns_zone_free(&z);
}

static void test_errors(void **st)
{
	char big[2048];
	bad("$TTL 60\n@ SOA ns hm 1 2 3 4 5\n", "z:2: '@' with no $ORIGIN");
	bad("$ORIGIN example.test.\n$TTL 60\n@ NS ns\n", "z: no SOA record");
	bad(HEAD "@ SOA ns hm 1 2 3 4 5\n", "z:5: a second SOA record");
	bad("$ORIGIN example.test.\n$TTL 60\n@ SOA ns hm 1 2 3 4 5\n",
	    "z: no NS record at the apex example.test.");
	bad(HEAD "x.example.org. A 192.0.2.1\n", "z:5: x.example.org. is outside the zone");
	bad(HEAD "w CNAME x\nw A 192.0.2.1\n",
	    "z:6: w.example.test. has a CNAME and other records");
	bad(HEAD "w A 192.0.2.300\n", "z:5: '192.0.2.300' is not an IPv4 address");
	bad(HEAD "w AAAA 192.0.2.1\n", "z:5: '192.0.2.1' is not an IPv6 address");
	bad(HEAD "w A 192.0.2.1 192.0.2.2\n", "z:5: A takes one IPv4 address (got 2 fields)");
	bad(HEAD "w SRV 1 2 3 x\n", "z:5: unknown record type 'SRV'");
	bad(HEAD "w CH A 192.0.2.1\n", "z:5: class CH not supported (only IN)");
	bad("$ORIGIN example.test.\n@ SOA ns hm 1 2 3 4 5\n",
	    "z:2: no TTL: give one or set $TTL first");
	bad(HEAD "w MX 65536 m\n", "z:5: MX preference 65536 is over 65535");
	bad(HEAD "w 2147483648 A 192.0.2.1\n", "z:5: TTL 2147483648 is over 2147483647");
	bad(HEAD "w 1h A 192.0.2.1\n", "z:5: TTL '1h' is not a decimal number");
	bad(HEAD "w A (192.0.2.1\n\n", "'(' not closed before the end of the file");
	bad(HEAD "w A 192.0.2.1 )\n", "z:5: ')' without '('");
	bad(HEAD "w TXT \"open\n", "z:5: string not closed on its line");
	bad(HEAD "w TXT \"\\300\"\n", "z:5: \\300 is over 255");
	bad(HEAD "w TXT \"\\30\"\n", "z:5: \\DDD needs three digits");
	bad(HEAD "a..b A 192.0.2.1\n", "z:5: empty label in 'a..b'");
	bad(HEAD "$INCLUDE other\n", "z:5: unsupported directive '$INCLUDE'");
	bad("\tA 192.0.2.1\n", "z:1: no owner name");
	bad("w A 192.0.2.1\n", "z:1: relative name 'w' with no $ORIGIN");
	bad(HEAD "w\n", "z:5: no record type");

	/* A 64-byte label; a name of 256 bytes. */
	snprintf(big, sizeof big, HEAD "%.64s A 192.0.2.1\n",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	bad(big, "z:5: a label over 63 bytes");
	char name[300] = "";
	for (int i = 0; i < 61; i++)
		strcat(name, i ? ".abc" : "abc");
	snprintf(big, sizeof big, HEAD "%s A 192.0.2.1\n", name);
	bad(big, "z:5: name '"); /* 61 labels (244 bytes) + example.test. (14): 258 */
	assert_non_null(strstr(err, "' is over 255 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_zone),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
