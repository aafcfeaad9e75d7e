/* sleeper.c: says "sleeping", sleeps SECONDS (argv[1], default 60), says "woke". For
 * tests that stop a running program from outside. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec ts = {argc > 1 ? atoi(argv[1]) : 60, 0};

	printf("sleeping\n");
	fflush(stdout);
	nanosleep(&ts, NULL);
	printf("woke\n");
	return 0;
}
