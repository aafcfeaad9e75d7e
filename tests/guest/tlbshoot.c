/* tlbshoot.c: TLB shoot-down between CPUs. A reader thread pinned to CPU 1 keeps reading
 * a page (so its CPU caches the translation) while the main thread, pinned to CPU 0,
 * replaces the mapping with a fresh page (mmap MAP_FIXED) and writes a new value there.
 * Once told, the reader must see the new value: a stale TLB entry on its CPU would still
 * point at the old, freed page. That page is likely the next one the kernel hands out, so
 * before writing the new value the main thread first touches a fresh page of a spare
 * area (which takes it) and fills it with -1: a stale read shows -1 or the old value. Repeated
 * ROUNDS times; also once with mprotect + munmap. Needs 2 CPUs. Prints the PASS line. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"

#define ROUNDS 200

static volatile int *page;
static volatile int phase; /* 2r+1: page holds 2r+1 (old); 2r+2: page replaced, holds 2r+2 */
static volatile int warm, seen;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	CHECK(sched_setaffinity(0, sizeof(set), &set) == 0, "pin to cpu %d: %m", cpu);
	CHECK(sched_getcpu() == cpu, "on cpu %d, not %d", sched_getcpu(), cpu);
}

static void wait_for(volatile int *v, int value)
{
	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) != value)
		;
}

static void *reader(void *arg __attribute__((unused)))
{
	pin(1);
	for (int round = 0; round < ROUNDS; round++) {
		int want_old = round * 2 + 1, want_new = round * 2 + 2, v;
		wait_for(&phase, want_old);
		v = *page; /* caches the translation on this CPU */
		CHECK(v == want_old, "round %d: read %d, not %d", round, v, want_old);
		__atomic_store_n(&warm, round + 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&phase, __ATOMIC_ACQUIRE) != want_new)
			(void)*page; /* keeps the TLB entry in use */
		v = *page;
		CHECK(v == want_new,
		      "round %d: cpu 1 read %d after the page was replaced (stale TLB)", round, v);
		__atomic_store_n(&seen, round + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *p;
	int *spare;

	CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 2, "needs 2 CPUs");
	pin(0);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %m");
	page = p;
	spare = mmap(NULL, ROUNDS * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		     0);
	CHECK(spare != MAP_FAILED, "mmap: %m");
	CHECK(pthread_create(&t, NULL, reader, NULL) == 0, "pthread_create");
	for (int round = 0; round < ROUNDS; round++) {
		*page = round * 2 + 1;
		__atomic_store_n(&phase, round * 2 + 1, __ATOMIC_RELEASE);
		wait_for(&warm, round + 1);
		/* A new zero page in place of the old one; a spare page takes the freed one. */
		void *q = mmap(p, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		CHECK(q == p, "mmap MAP_FIXED: %m");
		for (int i = 0; i < 1024; i++)
			spare[round * 1024 + i] = -1;
		*page = round * 2 + 2;
		__atomic_store_n(&phase, round * 2 + 2, __ATOMIC_RELEASE);
		wait_for(&seen, round + 1);
	}
	CHECK(pthread_join(t, NULL) == 0, "pthread_join");
	/* mprotect and munmap of a page the other CPU used also go through. */
	CHECK(mprotect(p, 4096, PROT_READ) == 0, "mprotect: %m");
	CHECK(munmap(p, 4096) == 0, "munmap: %m");
	printf("rounds %d\n", ROUNDS);
	guest_pass("tlbshoot");
	return 0;
}
