/* subopts.h: option parsing shared by the subcommands of `isle image` and `isle
 * instance`: getopt_long with -h/--help and -t/--target handled here, and one message
 * style for unknown options and missing values. */
#ifndef ISLE_CLI_SUBOPTS_H
#define ISLE_CLI_SUBOPTS_H

#include <getopt.h>
#include <stdio.h>

struct subopts {
	const char *cmd;    /* "image" or "instance", for messages */
	const char *sub;    /* the subcommand, e.g. "create" */
	const char *shorts; /* getopt_long's optstring (with 'h' and 't:') */
	const struct option *longs;
	void (*help)(FILE *f, const char *sub); /* prints the subcommand's help */
	/* Called with each other option (and, with a leading '-' in shorts, each positional
	 * argument as c == 1); 0, or nonzero after printing why (a usage error). May be
	 * NULL when there are no other options. */
	int (*each)(int c, const char *arg, void *ctx);
	void *ctx;
};

/* Parses argv[1..argc-1] (argv[0] is the subcommand). Returns 0 with optind at the first
 * argument left (getopt_long moves them to the end), 1 after printing the help (-h), or
 * ISLE_EXIT_USAGE after a message: an unknown option, a missing value, a target other
 * than onprem (target.h), or each() refusing. */
int subopts_parse(const struct subopts *o, int argc, char **argv);

/* Prints "isle: MSG" and "isle: try 'isle CMD SUB --help' ..."; returns ISLE_EXIT_USAGE. */
int subopts_usage_error(const char *cmd, const char *sub, const char *msg);

#endif
