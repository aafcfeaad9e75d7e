/* buildopts.c: parse `isle build`'s command line. Unlike `isle run`, nothing follows
 * PROGRAM as the program's own arguments (those are -a), so options may come after it. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "buildopts.h"
#include "env.h"
#include "util.h"

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_verr(fmt, ap);
	va_end(ap);
	util_err("try 'isle build --help' for more information");
	return -EINVAL;
}

void buildopts_free(struct build_options *o)
{
	strvec_free(&o->args);
	strvec_free(&o->env);
	memset(o, 0, sizeof(*o));
}

/* Matches a against -s / -sVALUE / --long / --long=VALUE. Returns 1 and sets *inline_v
 * (NULL when the value is the next argument), or 0. */
static int match(const char *a, char s, const char *lng, const char **inline_v)
{
	size_t n = strlen(lng);

	*inline_v = NULL;
	if (a[0] == '-' && a[1] == s) {
		*inline_v = a[2] ? a + 2 : NULL;
		return 1;
	}
	if (!strncmp(a, "--", 2) && !strncmp(a + 2, lng, n) && (!a[2 + n] || a[2 + n] == '=')) {
		*inline_v = a[2 + n] ? a + 3 + n : NULL;
		return 1;
	}
	return 0;
}

static int positional(struct build_options *o, const char *a)
{
	if (o->program)
		return usage_error("more than one PROGRAM given ('%s' and '%s'); the program's "
				   "arguments go in -a ARG",
				   o->program, a);
	o->program = a;
	return 0;
}

int buildopts_parse(struct build_options *o, int argc, char **argv)
{
	static const struct {
		char s;
		const char *lng;
	} opts[] = {{'c', "config"}, {'o', "output"}, {'a', "arg"}, {'e', "env"}};

	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *why;
		size_t k;

		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				if (positional(o, argv[i]))
					return -EINVAL;
			break;
		}
		if (a[0] != '-' || !a[1]) {
			if (positional(o, a))
				return -EINVAL;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			o->help = true;
			return 0;
		}
		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (match(a, opts[k].s, opts[k].lng, &v))
				break;
		if (k == sizeof(opts) / sizeof(opts[0]))
			return usage_error("unknown option '%s'", a);
		if (!v) {
			if (i + 1 >= argc)
				return usage_error("option '%s' needs a value", a);
			v = argv[++i];
		}
		switch (opts[k].s) {
		case 'c':
			o->config = v;
			break;
		case 'o':
			if (!*v)
				return usage_error("option '%s' needs a non-empty file name", a);
			o->output = v;
			break;
		case 'a':
			o->has_args = true;
			strvec_push(&o->args, v);
			break;
		case 'e':
			if (env_check(v, &why))
				return usage_error("invalid environment variable '%s': %s", v, why);
			env_set(&o->env, v);
			break;
		}
	}
	return 0;
}
