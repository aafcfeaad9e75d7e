/* ddbench.c: sequential file throughput, timed by the program's own CLOCK_MONOTONIC. Writes
 * MIB MiB to FILE in 1 MiB write()s and fsyncs it (the write time includes the fsync),
 * then reads it back in 1 MiB read()s from wherever it is (nothing is dropped first: in
 * the page cache, usually), checks a sample of every block, and removes the file. Prints
 * "ddbench: write N MiB in S s: X MiB/s", the same for read, and the PASS line. Used by
 * bench/fs_throughput.py (isle against the host). Usage: ddbench FILE MIB */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define CHUNK (1u << 20)
#define MAX_MIB 4096

static uint64_t buf[CHUNK / 8];

static double now(void)
{
	struct timespec ts;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Word w of chunk c: distinct per chunk and per word, so a misplaced block shows. */
static uint64_t word(uint64_t c, uint64_t w)
{
	return (c << 32 | w) * 0x9e3779b97f4a7c15ull;
}

static void report(const char *what, long mib, double secs)
{
	printf("ddbench: %s %ld MiB in %.6f s: %.1f MiB/s\n", what, mib, secs,
	       secs > 0 ? (double)mib / secs : 0.0);
}

int main(int argc, char **argv)
{
	CHECK(argc == 3, "usage: ddbench FILE MIB");
	const char *path = argv[1];
	long mib = atol(argv[2]);
	CHECK(mib > 0 && mib <= MAX_MIB, "MIB must be 1..%d", MAX_MIB);

	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	double t0 = now();
	for (long c = 0; c < mib; c++) {
		/* Only the words the reader samples change per chunk: filling the whole buffer
		 * each time would time memory stores, not the file system. */
		for (uint64_t w = 0; w < CHUNK / 8; w += 512)
			buf[w] = word((uint64_t)c, w);
		ssize_t n = write(fd, buf, CHUNK);
		CHECK(n == (ssize_t)CHUNK, "write chunk %ld: %zd (%s)", c, n, strerror(errno));
	}
	CHECK(fsync(fd) == 0, "fsync: %s", strerror(errno));
	double t1 = now();
	CHECK(close(fd) == 0);

	fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	double t2 = now();
	for (long c = 0; c < mib; c++) {
		ssize_t n = read(fd, buf, CHUNK);
		CHECK(n == (ssize_t)CHUNK, "read chunk %ld: %zd (%s)", c, n, strerror(errno));
		for (uint64_t w = 0; w < CHUNK / 8; w += 512)
			CHECK(buf[w] == word((uint64_t)c, w), "chunk %ld word %lu differs", c,
			      (unsigned long)w);
	}
	double t3 = now();
	char extra;
	CHECK(read(fd, &extra, 1) == 0, "longer than %ld MiB", mib);
	CHECK(close(fd) == 0);
	CHECK(unlink(path) == 0, "unlink %s: %s", path, strerror(errno));

	report("write", mib, t1 - t0);
	report("read", mib, t3 - t2);
	guest_pass("ddbench");
	return 0;
}
