/* util.c: error messages, allocation that cannot fail, shell quoting, self location. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/exit.h"
#include "util.h"

void util_verr(const char *fmt, va_list ap)
{
	fputs("isle: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void util_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_verr(fmt, ap);
	va_end(ap);
}

static _Noreturn void out_of_memory(void)
{
	util_err("out of memory");
	exit(ISLE_EXIT_CANNOT_RUN);
}

void *util_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *util_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *util_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		out_of_memory();
	return p;
}

char *util_xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory();
	return s;
}

char *util_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = util_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* Characters a POSIX shell never treats specially, anywhere in a word. */
static int shell_safe(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_@%+=:,./-", c) != NULL;
}

char *util_shell_quote(const char *s)
{
	size_t n = 0, quotes = 0;
	char *out, *p;

	for (const char *q = s; *q; q++) {
		n++;
		if (!shell_safe(*q))
			quotes = 1;
	}
	if (n && !quotes)
		return util_xstrdup(s);
	/* Each ' becomes '\'' (4 bytes); plus the two outer quotes and the NUL. */
	out = util_xmalloc(n * 4 + 3);
	p = out;
	*p++ = '\'';
	for (const char *q = s; *q; q++) {
		if (*q == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *q;
		}
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}

const char *util_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *util_self_dir(void)
{
	size_t cap = 256;

	for (;;) {
		char *buf = util_xmalloc(cap);
		ssize_t n = readlink("/proc/self/exe", buf, cap);

		if (n < 0) {
			int e = errno;

			free(buf);
			errno = e;
			return NULL;
		}
		if ((size_t)n < cap) {
			char *slash;

			buf[n] = '\0';
			slash = strrchr(buf, '/');
			if (!slash) {
				free(buf);
				errno = ENOENT;
				return NULL;
			}
			if (slash == buf)
				slash++; /* the binary is in "/" */
			*slash = '\0';
			return buf;
		}
		free(buf);
		cap *= 2;
	}
}

int util_mkdirs(const char *path)
{
	char *p = util_xstrdup(path);
	int r = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			r = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return r;
}
