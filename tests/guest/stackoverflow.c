/* stackoverflow.c: unbounded recursion on the main stack, 1 KiB a frame. The stack ends
 * at its limit (8 MiB) with the unmapped stack guard gap below it, so the program must
 * die of SIGSEGV (139) and never reach the FAIL line.
 * With argv[1] "gap": checks that mmap with a hint inside the guard gap (1 MiB below the
 * [stack] line of /proc/self/maps) places the mapping outside the gap, as Linux does. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

#define GAP (256 * 4096UL)

static void check_gap(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[256];
	unsigned long lo = 0, hi = 0;

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]"))
			CHECK(sscanf(line, "%lx-%lx", &lo, &hi) == 2);
	fclose(f);
	CHECK(lo != 0, "no [stack] line in /proc/self/maps");
	for (unsigned long below = 4096; below <= GAP; below *= 16) {
		void *p = mmap((void *)(lo - below), 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(p != MAP_FAILED);
		uintptr_t a = (uintptr_t)p;
		printf("hint %#lx below the stack: placed at %#lx\n", below, (unsigned long)a);
		CHECK(a + 4096 <= lo - GAP || a >= hi, "mapping at %#lx inside the guard gap",
		      (unsigned long)a);
		munmap(p, 4096);
	}
	guest_pass("stackoverflow");
}

static volatile int keep_going = 1;

__attribute__((noinline)) static unsigned long recurse(unsigned long depth)
{
	volatile char frame[1024];

	memset((char *)frame, (int)depth, sizeof(frame));
	if (!keep_going)
		return 0;
	return recurse(depth + 1) + frame[depth % sizeof(frame)];
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "gap")) {
		check_gap();
		return 0;
	}
	printf("recursing\n");
	fflush(stdout);
	unsigned long r = recurse(0);
	printf("FAIL stackoverflow: the recursion returned %lu\n", r);
	return 1;
}
