/* sysbench.c: system call latency for `make bench` (bench/syscalls.py): times ITERS calls
 * each of getppid (through syscall(2), never cached), a 1-byte read of /dev/zero and
 * clock_gettime(CLOCK_MONOTONIC) (the vDSO where there is one), checking every result,
 * timed with CLOCK_MONOTONIC, and prints "sysbench: NAME NS ns/call" per call and
 * "PASS sysbench". Runs natively, in isle and as the Linux guest's program. Usage: sysbench [ITERS]
 * (default 200000). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void fail(const char *what)
{
	fflush(stdout);
	fprintf(stderr, "FAIL sysbench: %s\n", what);
	exit(1);
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	int fd = open("/dev/zero", O_RDONLY);
	long ppid = syscall(SYS_getppid);
	struct timespec ts, prev = {0, 0};
	char c = 1;
	double t0;

	if (iters < 1 || iters > 100000000)
		fail("ITERS out of range 1..100000000");
	if (fd < 0)
		fail("open /dev/zero");
	if (ppid < 0)
		fail("getppid");

	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		if (syscall(SYS_getppid) != ppid)
			fail("getppid changed");
	printf("sysbench: getppid %.1f ns/call\n", (now_ns() - t0) / iters);

	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		if (read(fd, &c, 1) != 1 || c != 0)
			fail("read /dev/zero");
		c = 1;
	}
	printf("sysbench: read1 %.1f ns/call\n", (now_ns() - t0) / iters);

	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
			fail("clock_gettime");
		if (ts.tv_sec < prev.tv_sec ||
		    (ts.tv_sec == prev.tv_sec && ts.tv_nsec < prev.tv_nsec))
			fail("CLOCK_MONOTONIC went backwards");
		prev = ts;
	}
	printf("sysbench: clock_gettime %.1f ns/call\n", (now_ns() - t0) / iters);
	printf("PASS sysbench\n");
	return 0;
}
