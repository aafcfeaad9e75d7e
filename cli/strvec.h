/* strvec.h: a growable, NULL-terminated array of owned strings (argv and envp building). */
#ifndef ISLE_CLI_STRVEC_H
#define ISLE_CLI_STRVEC_H

#include <stddef.h>

/* Zero-initialised ({0}) is a valid empty vector. v[n] is NULL whenever n > 0. */
struct strvec {
	char **v;
	size_t n;
	size_t cap;
};

/* Appends a copy of s. */
void strvec_push(struct strvec *sv, const char *s);
/* Appends a formatted string. */
void strvec_pushf(struct strvec *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Replaces element i (i < n) with a copy of s. */
void strvec_set(struct strvec *sv, size_t i, const char *s);
/* Frees every string and the array; leaves an empty vector. */
void strvec_free(struct strvec *sv);

#endif
