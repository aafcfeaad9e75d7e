/* nullderef.c: writes through a bad pointer (NULL, or the address given as argv[1]) after
 * saying so; the process must die of SIGSEGV (status 139). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	uintptr_t addr = 0;

	if (argc > 1)
		addr = (uintptr_t)strtoull(argv[1], NULL, 0);
	printf("about to fault at %#lx\n", (unsigned long)addr);
	fflush(stdout);
	*(volatile int *)addr = 42;
	printf("FAIL nullderef: the write to %#lx did not fault\n", (unsigned long)addr);
	return 1;
}
