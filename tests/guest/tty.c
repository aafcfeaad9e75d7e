/* tty.c: which of fds 0-2 are terminals, by ioctl(TCGETS) and isatty. Usage:
 *     tty FD=tty|notty ...
 * checks each named fd; prints "fd N: tty" or "fd N: notty" for all three. A terminal
 * answers TCGETS (and isatty says 1); anything else fails both with ENOTTY. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "guest.h"

static int probe(int fd)
{
	struct termios t;

	errno = 0;
	int r = ioctl(fd, TCGETS, &t);
	int err = errno;
	errno = 0;
	int a = isatty(fd);
	int aerr = errno;
	if (r == 0) {
		CHECK(a == 1, "fd %d: TCGETS works but isatty says no", fd);
		return 1;
	}
	CHECK(r == -1 && err == ENOTTY, "fd %d: TCGETS %d %s", fd, r, strerror(err));
	CHECK(a == 0 && aerr == ENOTTY, "fd %d: isatty %d %s", fd, a, strerror(aerr));
	return 0;
}

int main(int argc, char **argv)
{
	int is[3];

	for (int fd = 0; fd < 3; fd++)
		is[fd] = probe(fd);
	for (int fd = 0; fd < 3; fd++)
		printf("fd %d: %s\n", fd, is[fd] ? "tty" : "notty");
	for (int i = 1; i < argc; i++) {
		int fd;
		char what[8];
		CHECK(sscanf(argv[i], "%d=%7s", &fd, what) == 2 && fd >= 0 && fd < 3,
		      "bad argument '%s'", argv[i]);
		CHECK(strcmp(what, "tty") == 0 || strcmp(what, "notty") == 0);
		CHECK(is[fd] == (strcmp(what, "tty") == 0), "fd %d is %s, expected %s", fd,
		      is[fd] ? "a tty" : "not a tty", what);
	}
	guest_pass("tty");
	return 0;
}
