/* streams.c: output the test can check byte for byte. stdout gets "OUT n" lines, then
 * 64 KiB cycling through all 256 byte values (so \r, \n, 0x00, ^D and 0xff too), then a
 * last line without a newline; stderr gets "ERR n" lines in between. Plain write(2) calls,
 * no stdio buffering. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"

static void put(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		CHECK(r > 0, "write: %s", strerror(errno));
		p += r;
		n -= (size_t)r;
	}
}

int main(void)
{
	static unsigned char block[65536];
	char line[32];

	for (int i = 0; i < 5; i++) {
		int n = snprintf(line, sizeof(line), "OUT %d\n", i);
		put(1, line, (size_t)n);
		n = snprintf(line, sizeof(line), "ERR %d\n", i);
		put(2, line, (size_t)n);
	}
	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (unsigned char)(i * 7 + i / 256);
	put(1, block, sizeof(block));
	put(1, "\ntail without newline", 21);
	return 0;
}
