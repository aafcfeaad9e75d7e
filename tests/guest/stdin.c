/* stdin.c: reads fd 0 until end of input (at most 64 MiB) and prints the byte count and
 * the FNV-1a 32-bit hash: "stdin: N bytes fnv1a=XXXXXXXX". */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"

#define MAX_INPUT (64ul << 20)

int main(void)
{
	static unsigned char buf[65536];
	uint32_t h = 2166136261u;
	size_t total = 0;

	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		CHECK(n >= 0, "read: %s", strerror(errno));
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			h ^= buf[i];
			h *= 16777619u;
		}
		total += (size_t)n;
		CHECK(total <= MAX_INPUT, "more than %lu bytes of input", MAX_INPUT);
	}
	/* End of input stays the end. */
	CHECK(read(0, buf, sizeof(buf)) == 0);
	printf("stdin: %zu bytes fnv1a=%08x\n", total, h);
	guest_pass("stdin");
	return 0;
}
