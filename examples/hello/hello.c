/* hello.c: the first program to run under isle: build it static, then `isle run` it. */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argv;
	printf("hello from a static binary: argc=%d\n", argc);
	return 0;
}
