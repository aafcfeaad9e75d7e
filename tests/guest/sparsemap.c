/* sparsemap.c: a 64 TiB anonymous reservation with only its first and last pages touched,
 * then every call that walks a mapping's pages: getrusage (resident set), /proc/self/status
 * (VmRSS), mprotect, mremap moving a range with both ends touched, madvise(DONTNEED) and
 * munmap. Each must cost what is mapped, not the size of the range: a walk of every page
 * would take hours and the test's timeout would end it (found by sysfuzz: getrusage took
 * 84 s after a random huge mapping had been touched at two far-apart places). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "guest.h"

#define PAGE 4096UL
#define LEN (64UL << 40)

int main(void)
{
	unsigned char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(p != MAP_FAILED, "mmap 64 TiB: %s", strerror(errno));
	p[0] = 1;
	p[LEN - 1] = 2;

	struct rusage ru;
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0, "%s", strerror(errno));
	CHECK(ru.ru_maxrss > 0, "maxrss %ld", ru.ru_maxrss);

	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	CHECK(fd >= 0, "%s", strerror(errno));
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	CHECK(n > 0, "%s", strerror(errno));
	buf[n] = 0;
	close(fd);
	CHECK(strstr(buf, "VmRSS:") != NULL, "no VmRSS in %s", buf);

	CHECK(mprotect(p, LEN, PROT_READ) == 0, "%s", strerror(errno));
	CHECK(p[0] == 1 && p[LEN - 1] == 2);
	CHECK(mprotect(p, LEN, PROT_READ | PROT_WRITE) == 0, "%s", strerror(errno));

	/* Move the upper half (last page touched) onto a fresh 32 TiB reservation. */
	unsigned char *q =
		mmap(NULL, LEN / 2, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(q != MAP_FAILED, "mmap 32 TiB: %s", strerror(errno));
	p[LEN / 2] = 3;
	unsigned char *r = mremap(p + LEN / 2, LEN / 2, LEN / 2, MREMAP_MAYMOVE | MREMAP_FIXED, q);
	CHECK(r == q, "mremap: %s", strerror(errno));
	CHECK(q[0] == 3 && q[LEN / 2 - 1] == 2, "moved bytes %d %d", q[0], q[LEN / 2 - 1]);

	CHECK(madvise(p, LEN / 2, MADV_DONTNEED) == 0, "%s", strerror(errno));
	CHECK(p[0] == 0, "DONTNEED kept %d", p[0]);
	p[LEN / 2 - 1] = 4;
	CHECK(munmap(p, LEN / 2) == 0, "%s", strerror(errno));
	CHECK(munmap(q, LEN / 2) == 0, "%s", strerror(errno));
	printf("64 TiB touched at both ends: walked, moved, unmapped\n");
	guest_pass("sparsemap");
	return 0;
}
