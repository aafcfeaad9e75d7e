/* crashdeep.c: dies of SIGSEGV three calls below main, in a build that keeps frame
 * pointers, so a crash report's backtrace can name every caller: crash_inner,
 * crash_middle, crash_outer, main. */
#pragma GCC optimize("no-omit-frame-pointer", "no-optimize-sibling-calls", "no-inline")
#include <stdio.h>

static volatile int depth;

__attribute__((noinline)) void crash_inner(int *p);
__attribute__((noinline)) void crash_middle(int *p);
__attribute__((noinline)) void crash_outer(int *p);

/* Not a leaf (it calls fflush), so it sets up its own frame like its callers. */
void crash_inner(int *p)
{
	depth = 3;
	fflush(stdout);
	*(volatile int *)p = 42;
	depth = -1;
}

void crash_middle(int *p)
{
	depth = 2;
	crash_inner(p);
	depth = -2;
}

void crash_outer(int *p)
{
	depth = 1;
	crash_middle(p);
	depth = -3;
}

int main(void)
{
	printf("crashing three calls down\n");
	fflush(stdout);
	crash_outer(NULL);
	printf("FAIL crashdeep: no fault\n");
	return 1;
}
