/* thrbench: thread micro-benchmarks for bench/threads.py, timed with CLOCK_MONOTONIC
 * from inside (so QEMU's start and the boot are left out):
 *   futex   ping-pong between two threads over two futex words: ns per round trip
 *           (two wake-ups, each a FUTEX_WAKE on one side and a FUTEX_WAIT return on
 *           the other);
 *   create  pthread_create + pthread_join of a thread that returns at once: ns each;
 *   yield   two threads taking turns with sched_yield, on one CPU: ns per switch;
 *   pipe    ping-pong of one byte over two pipes: ns per round trip.
 * Both threads of the ping-pongs are pinned to the first CPU the process may use, so the
 * figures are context switches on one CPU, natively and in the guest alike (when
 * sched_setaffinity is refused the line says "unpinned").
 * Usage: thrbench [ITERATIONS] (default 20000; create uses a tenth of it).
 * Prints "thrbench: NAME VALUE ns/UNIT" lines, then "PASS thrbench". */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static long iterations = 20000;
static int pinned;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void pin_to_first_cpu(void)
{
	cpu_set_t set, one;

	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return;
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (CPU_ISSET(c, &set)) {
			CPU_SET(c, &one);
			break;
		}
	}
	pinned = sched_setaffinity(0, sizeof one, &one) == 0;
}

/* futex ping-pong: the main thread owns `ping`, the partner `pong`. */
static uint32_t ping, pong;

static void futex_wait(uint32_t *addr, uint32_t val)
{
	while (__atomic_load_n(addr, __ATOMIC_ACQUIRE) == val)
		syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_post(uint32_t *addr)
{
	__atomic_add_fetch(addr, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *futex_partner(void *arg)
{
	(void)arg;
	for (long i = 0; i < iterations; i++) {
		futex_wait(&ping, (uint32_t)i);
		futex_post(&pong);
	}
	return NULL;
}

static double bench_futex(void)
{
	pthread_t t;

	CHECK(pthread_create(&t, NULL, futex_partner, NULL) == 0);
	int64_t t0 = now_ns();
	for (long i = 0; i < iterations; i++) {
		futex_post(&ping);
		futex_wait(&pong, (uint32_t)i);
	}
	int64_t t1 = now_ns();
	CHECK(pthread_join(t, NULL) == 0);
	return (double)(t1 - t0) / iterations;
}

static void *empty(void *arg)
{
	return arg;
}

static double bench_create(void)
{
	long n = iterations / 10;
	int64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		pthread_t t;
		void *ret;

		CHECK(pthread_create(&t, NULL, empty, (void *)i) == 0);
		CHECK(pthread_join(t, &ret) == 0 && ret == (void *)i);
	}
	return (double)(now_ns() - t0) / n;
}

static volatile int turn;

static void *yielder(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (long i = 0; i < iterations; i++) {
		while (turn != me)
			sched_yield();
		turn = !me;
	}
	return NULL;
}

static double bench_yield(void)
{
	pthread_t t;

	turn = 0;
	CHECK(pthread_create(&t, NULL, yielder, (void *)1) == 0);
	int64_t t0 = now_ns();
	yielder((void *)0);
	int64_t t1 = now_ns();
	CHECK(pthread_join(t, NULL) == 0);
	return (double)(t1 - t0) / (2.0 * iterations); /* two switches per turn pair */
}

static int to_partner[2], to_main[2];

static void *pipe_partner(void *arg)
{
	char c;

	(void)arg;
	for (long i = 0; i < iterations; i++) {
		CHECK(read(to_partner[0], &c, 1) == 1);
		CHECK(write(to_main[1], &c, 1) == 1);
	}
	return NULL;
}

static double bench_pipe(void)
{
	pthread_t t;
	char c = 'x';

	CHECK(pipe(to_partner) == 0 && pipe(to_main) == 0);
	CHECK(pthread_create(&t, NULL, pipe_partner, NULL) == 0);
	int64_t t0 = now_ns();
	for (long i = 0; i < iterations; i++) {
		CHECK(write(to_partner[1], &c, 1) == 1);
		CHECK(read(to_main[0], &c, 1) == 1);
	}
	int64_t t1 = now_ns();
	CHECK(pthread_join(t, NULL) == 0);
	return (double)(t1 - t0) / iterations;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		iterations = strtol(argv[1], NULL, 10);
		CHECK(iterations >= 10 && iterations <= INT_MAX, "iterations %ld", iterations);
	}
	pin_to_first_cpu();
	const char *how = pinned ? "pinned" : "unpinned";
	printf("thrbench: futex %.0f ns/roundtrip %s\n", bench_futex(), how);
	printf("thrbench: create %.0f ns/thread %s\n", bench_create(), how);
	printf("thrbench: yield %.0f ns/switch %s\n", bench_yield(), how);
	printf("thrbench: pipe %.0f ns/roundtrip %s\n", bench_pipe(), how);
	guest_pass("thrbench");
	return 0;
}
