/* exitcode.c: exits with the status given as argv[1] (0..255). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "guest.h"

int main(int argc, char **argv)
{
	char *end;
	long status;

	CHECK(argc == 2, "usage: exitcode STATUS");
	errno = 0;
	status = strtol(argv[1], &end, 10);
	CHECK(errno == 0 && *argv[1] && *end == '\0' && status >= 0 && status <= 255,
	      "bad status '%s'", argv[1]);
	printf("exiting with %ld\n", status);
	fflush(stdout);
	return (int)status;
}
