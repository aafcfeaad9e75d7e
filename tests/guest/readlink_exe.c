/* readlink_exe.c: /proc/self/exe is an absolute path whose last component is this
 * program's file name (readlink_exe); a short buffer gets a truncated, unterminated copy. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"

#define NAME "readlink_exe"

int main(void)
{
	char path[PATH_MAX + 1], small[4];

	ssize_t n = readlink("/proc/self/exe", path, PATH_MAX);
	CHECK(n > 0, "readlink: %s", strerror(errno));
	path[n] = '\0';
	printf("exe=%s\n", path);
	CHECK(path[0] == '/', "not absolute");
	const char *base = strrchr(path, '/') + 1;
	CHECK(strcmp(base, NAME) == 0, "last component '%s'", base);

	memset(small, 'X', sizeof(small));
	CHECK(readlink("/proc/self/exe", small, sizeof(small)) == (ssize_t)sizeof(small));
	CHECK(memcmp(small, path, sizeof(small)) == 0);
	guest_pass("readlink_exe");
	return 0;
}
