/* time.c: clocks and sleeping. Usage: time EPOCH, the host's Unix time when the test
 * started. Checks: CLOCK_MONOTONIC never goes back and advances; a 20 ms nanosleep takes at
 * least 20 ms by the monotonic clock (and not absurdly long); the wall clocks
 * (clock_gettime REALTIME, gettimeofday, time) agree with each other, advance with the
 * monotonic clock during the sleep, and are within an hour of EPOCH. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "guest.h"

#define SLEEP_NS 20000000ll
#define MAX_SLEEP_NS 5000000000ll /* generous: TCG on a loaded 2-core host */
#define NS 1000000000ll

static int64_t now(clockid_t clk)
{
	struct timespec ts;

	CHECK(clock_gettime(clk, &ts) == 0, "clock %d: %s", (int)clk, strerror(errno));
	CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < NS);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: time EPOCH");
	int64_t epoch = strtoll(argv[1], NULL, 10);
	CHECK(epoch > 1600000000ll);

	/* Monotonic: never backwards over many reads, and it moves. */
	int64_t first = now(CLOCK_MONOTONIC), prev = first;
	for (int i = 0; i < 10000; i++) {
		int64_t t = now(CLOCK_MONOTONIC);
		CHECK(t >= prev, "monotonic went back %lld -> %lld", (long long)prev, (long long)t);
		prev = t;
	}
	CHECK(prev > first, "monotonic did not advance over 10000 reads");

	/* Sleep 20 ms. */
	int64_t r0 = now(CLOCK_REALTIME), m0 = now(CLOCK_MONOTONIC);
	struct timespec req = {0, SLEEP_NS}, rem = {0, 0};
	CHECK(nanosleep(&req, &rem) == 0, "%s", strerror(errno));
	int64_t m1 = now(CLOCK_MONOTONIC), r1 = now(CLOCK_REALTIME);
	int64_t slept = m1 - m0, wall = r1 - r0;
	printf("slept %lld us (monotonic), %lld us (realtime)\n", (long long)(slept / 1000),
	       (long long)(wall / 1000));
	CHECK(slept >= SLEEP_NS, "nanosleep(20 ms) returned after %lld ns", (long long)slept);
	CHECK(slept < MAX_SLEEP_NS, "nanosleep(20 ms) took %lld ns", (long long)slept);
	CHECK(wall >= slept - NS / 10 && wall <= slept + NS / 10,
	      "realtime advanced %lld ns while monotonic advanced %lld ns", (long long)wall,
	      (long long)slept);

	/* A zero sleep returns at once; a negative one is EINVAL. */
	struct timespec zero = {0, 0}, bad = {0, -1};
	CHECK(nanosleep(&zero, NULL) == 0);
	errno = 0;
	CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL);

	/* Wall clock: the three interfaces agree, and match the host. */
	struct timeval tv;
	int64_t rt = now(CLOCK_REALTIME);
	CHECK(gettimeofday(&tv, NULL) == 0);
	time_t t = time(NULL);
	int64_t tv_ns = (int64_t)tv.tv_sec * NS + (int64_t)tv.tv_usec * 1000;
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK(tv_ns >= rt - NS && tv_ns <= rt + 2 * NS, "gettimeofday %lld vs realtime %lld",
	      (long long)tv_ns, (long long)rt);
	CHECK((int64_t)t >= rt / NS - 1 && (int64_t)t <= rt / NS + 2, "time %lld vs realtime %lld",
	      (long long)t, (long long)(rt / NS));
	printf("realtime %lld, host epoch %lld, difference %lld s\n", (long long)(rt / NS),
	       (long long)epoch, (long long)(rt / NS - epoch));
	CHECK(rt / NS > epoch - 3600 && rt / NS < epoch + 3600,
	      "realtime %lld is more than an hour from the host's %lld", (long long)(rt / NS),
	      (long long)epoch);
	guest_pass("time");
	return 0;
}
