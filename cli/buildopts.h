/* buildopts.h: the command line of `isle build PROGRAM [-c CONFIG] [-o IMAGE] [-a ARG]...
 * [-e KEY=VALUE]...`. Options and PROGRAM may come in any order; "--" ends the options. */
#ifndef ISLE_CLI_BUILDOPTS_H
#define ISLE_CLI_BUILDOPTS_H

#include <stdbool.h>

#include "strvec.h"

struct build_options {
	const char *program; /* PROGRAM, or NULL: the config's Program */
	const char *config;  /* -c, or NULL */
	const char *output;  /* -o, or NULL: NAME.img in the current directory */
	bool has_args;	     /* at least one -a: they replace the config's Args */
	struct strvec args;  /* -a values, in order */
	struct strvec env;   /* -e values, one per KEY (a later one replaces) */
	bool help;
};

/* Parses argv[1..argc-1] (argv[0] is "build"). Returns 0, or -EINVAL after printing
 * "isle: REASON" and a hint to use --help. --help stops parsing and sets help. */
int buildopts_parse(struct build_options *o, int argc, char **argv);

/* Frees what buildopts_parse allocated; leaves o zeroed. */
void buildopts_free(struct build_options *o);

#endif
