/* hello.c: the smallest guest: prints its argc, then the PASS line. */
#include <stdio.h>

#include "guest.h"

int main(int argc, char **argv)
{
	(void)argv;
	printf("hello from a static binary: argc=%d\n", argc);
	guest_pass("hello");
	return 0;
}
