/* util.h: small helpers shared by the isle command: error messages, allocation that
 * cannot fail, shell quoting, and where the isle binary lives. */
#ifndef ISLE_CLI_UTIL_H
#define ISLE_CLI_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Prints "isle: " + the formatted message + "\n" on stderr. */
void util_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void util_verr(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Allocation helpers: on failure they print "isle: out of memory" and exit with
 * ISLE_EXIT_CANNOT_RUN, so callers never see NULL. */
void *util_xmalloc(size_t n);
void *util_xrealloc(void *p, size_t n);
char *util_xstrdup(const char *s);
char *util_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *util_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Returns a new string that a POSIX shell reads back as exactly s: s itself when it only
 * holds characters that need no quoting, otherwise s in single quotes ('' for ""). */
char *util_shell_quote(const char *s);

/* Returns the last path component of path (the part after the last '/'); a pointer into
 * path, so it may be empty when path ends in '/'. */
const char *util_basename(const char *path);

/* Returns a new string: the directory that holds the running isle binary
 * (dirname of /proc/self/exe), or NULL with errno set if it cannot be read. */
char *util_self_dir(void);

/* "mkdir -p" with mode 0700 for the directories it creates. 0 or -errno. */
int util_mkdirs(const char *path);

#endif
