/* strvec.c: a growable, NULL-terminated array of owned strings. */
#include <stdarg.h>
#include <stdlib.h>

#include "strvec.h"
#include "util.h"

static void push_owned(struct strvec *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = util_xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strvec_push(struct strvec *sv, const char *s)
{
	push_owned(sv, util_xstrdup(s));
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	push_owned(sv, util_xvasprintf(fmt, ap));
	va_end(ap);
}

void strvec_set(struct strvec *sv, size_t i, const char *s)
{
	char *copy = util_xstrdup(s);

	free(sv->v[i]);
	sv->v[i] = copy;
}

void strvec_free(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}
