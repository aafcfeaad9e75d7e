/* getrandom.c: getrandom(2) fills what it is asked for, gives different bytes each time,
 * roughly half the bits set over 64 KiB, accepts GRND_NONBLOCK and rejects unknown flags. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "guest.h"

static void fill(unsigned char *buf, size_t n, unsigned flags)
{
	size_t got = 0;

	for (int tries = 0; got < n && tries < 1000; tries++) {
		ssize_t r = getrandom(buf + got, n - got, flags);
		if (r < 0 && errno == EINTR)
			continue;
		CHECK(r > 0, "getrandom: %zd %s", r, strerror(errno));
		got += (size_t)r;
	}
	CHECK(got == n);
}

int main(void)
{
	static unsigned char big[65536];
	unsigned char a[64], b[64];

	CHECK(getrandom(a, sizeof(a), 0) == (ssize_t)sizeof(a), "small requests are whole");
	CHECK(getrandom(b, sizeof(b), GRND_NONBLOCK) == (ssize_t)sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0, "two calls gave the same 64 bytes");
	CHECK(getrandom(a, 0, 0) == 0);

	fill(big, sizeof(big), 0);
	unsigned long ones = 0;
	for (size_t i = 0; i < sizeof(big); i++)
		ones += (unsigned long)__builtin_popcount(big[i]);
	unsigned long bits = 8ul * sizeof(big);
	printf("ones %lu of %lu bits\n", ones, bits);
	CHECK(ones > bits * 48 / 100 && ones < bits * 52 / 100, "biased: %lu of %lu", ones, bits);

	errno = 0;
	CHECK(getrandom(a, sizeof(a), 0x100000) == -1 && errno == EINVAL, "unknown flag accepted");
	guest_pass("getrandom");
	return 0;
}
