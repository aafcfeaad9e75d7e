/* guest.h: what every guest test program shares: CHECK() fails the program with a message
 * on stderr and status 1, guest_pass() prints the PASS line. Header-only so each program stays
 * one translation unit built with plain `gcc -static prog.c`. */
#ifndef ISLE_GUEST_H
#define ISLE_GUEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Print "FAIL file:line: cond: message" on stderr (after flushing stdout) and exit 1. */
__attribute__((format(printf, 4, 5))) static inline _Noreturn void
guest_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "FAIL %s:%d: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	exit(1);
}

/* CHECK(cond) or CHECK(cond, "fmt", args...): fail unless cond holds. */
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			guest_fail(__FILE__, __LINE__, #cond, "failed " __VA_ARGS__);              \
	} while (0)

/* The last line of a successful run. */
static inline void guest_pass(const char *name)
{
	printf("PASS %s\n", name);
	fflush(stdout);
}

/* The lowest descriptor >= from that is not open: tests that want EBADF must not assume a
 * fixed number is free (a CI harness may hand the native run descriptors up to ~100). */
static inline int guest_closed_fd(int from)
{
	int fd = from;

	while (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
		fd++;
	return fd;
}

#endif
