/* bigfile.c: a file larger than the machine's memory, written and read back. Usage:
 * bigfile PATH MIB: writes MIB MiB of a position-dependent pattern over PATH (created if
 * missing), fsyncs, then reads it all back and checks every byte. Under isle with a small
 * -m this only works when the page cache writes back and drops pages as it goes. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"

#define CHUNK 65536

static void fill(unsigned char *buf, uint64_t off)
{
	for (size_t i = 0; i < CHUNK; i += 8) {
		uint64_t v = (off + i) * 0x9e3779b97f4a7c15ULL;
		memcpy(buf + i, &v, 8);
	}
}

int main(int argc, char **argv)
{
	static unsigned char buf[CHUNK], want[CHUNK];
	CHECK(argc == 3, "usage: bigfile PATH MIB");
	uint64_t size = strtoull(argv[2], NULL, 10) << 20;
	int fd = open(argv[1], O_RDWR | O_CREAT, 0644);

	CHECK(fd >= 0, "open %s: %s", argv[1], strerror(errno));
	for (uint64_t off = 0; off < size; off += CHUNK) {
		fill(buf, off);
		CHECK(pwrite(fd, buf, CHUNK, (off_t)off) == CHUNK, "write at %llu: %s",
		      (unsigned long long)off, strerror(errno));
	}
	CHECK(fsync(fd) == 0, "fsync: %s", strerror(errno));
	for (uint64_t off = 0; off < size; off += CHUNK) {
		fill(want, off);
		CHECK(pread(fd, buf, CHUNK, (off_t)off) == CHUNK);
		CHECK(memcmp(buf, want, CHUNK) == 0, "data differs at %llu",
		      (unsigned long long)off);
	}
	CHECK(close(fd) == 0);
	guest_pass("bigfile");
	return 0;
}
