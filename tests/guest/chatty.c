/* chatty.c: prints COUNT numbered lines of 100 bytes ("line 000042 " padded with 'x')
 * on stdout, then the PASS line: a program whose output is larger than an instance's
 * log cap, to see the log rotate without losing or reordering a line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

int main(int argc, char **argv)
{
	char line[101];
	long count;
	char *end;

	CHECK(argc == 2, "usage: chatty COUNT");
	count = strtol(argv[1], &end, 10);
	CHECK(*argv[1] && !*end && count >= 0 && count <= 1000000, "bad COUNT '%s'", argv[1]);
	for (long i = 0; i < count; i++) {
		int n = snprintf(line, sizeof(line), "line %06ld ", i);

		memset(line + n, 'x', sizeof(line) - 2 - (size_t)n);
		line[99] = '\n';
		line[100] = '\0';
		CHECK(fputs(line, stdout) >= 0);
	}
	guest_pass("chatty");
	return 0;
}
