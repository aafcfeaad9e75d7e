/* test_dns_fuzz.c: libFuzzer harness for examples/dns-server (`make fuzz-dns`): every
 * input is answered over UDP and TCP from a small zone and the response is checked to
 * be within the transport's size and to echo the query ID; inputs starting with '$' are
 * also loaded as zone files. ASan and UBSan catch any out-of-bounds access. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../examples/dns-server/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone_text[] = "$ORIGIN example.test.\n$TTL 60\n"
				"@ SOA ns hm 1 2 3 4 5\n@ NS ns\n@ MX 10 mail\n"
				"ns A 192.0.2.1\nmail AAAA 2001:db8::1\nwww CNAME ns\n"
				"t TXT \"a\" \"b\"\nloop CNAME loop2\nloop2 CNAME loop\n";
static struct dns_zone zone;
static uint8_t out[DNS_TCP_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	if (!zone.n &&
	    dns_zone_parse(&zone, zone_text, sizeof zone_text - 1, "fuzz", err, sizeof err) < 0)
		abort();
	for (int tcp = 0; tcp < 2; tcp++) {
		size_t r = dns_answer(&zone, data, size, out, sizeof out, tcp);
		if (r > (tcp ? DNS_TCP_MAX : DNS_UDP_MAX) || (r && r < DNS_HDR_LEN))
			abort();
		if (r && memcmp(out, data, 2))
			abort();
	}
	if (size && data[0] == '$') {
		struct dns_zone z;
		if (dns_zone_parse(&z, (const char *)data, size, "fuzz", err, sizeof err) == 0)
			dns_zone_free(&z);
	}
	return 0;
}
