/* subopts.c: the shared option loop of isle image and isle instance subcommands
 * (subopts.h). */
#include <stdio.h>

#include "abi/exit.h"
#include "subopts.h"
#include "target.h"
#include "util.h"

int subopts_usage_error(const char *cmd, const char *sub, const char *msg)
{
	util_err("%s", msg);
	util_err("try 'isle %s %s --help' for more information", cmd, sub);
	return ISLE_EXIT_USAGE;
}

int subopts_parse(const struct subopts *o, int argc, char **argv)
{
	int c;

	optind = 0; /* 0: glibc re-initialises, so every call starts afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, o->shorts, o->longs, NULL)) != -1) {
		if (c == 'h') {
			o->help(stdout, o->sub);
			return 1;
		}
		if (c == 't') {
			int st = target_check(optarg);

			if (st)
				return st;
			continue;
		}
		if (c == '?' || c == ':') {
			char msg[160];

			if (c == '?' && optopt)
				snprintf(msg, sizeof(msg), "unknown option -%c", optopt);
			else
				snprintf(msg, sizeof(msg), "%s %s",
					 c == ':' ? "missing value for" : "unknown option",
					 argv[optind - 1]);
			return subopts_usage_error(o->cmd, o->sub, msg);
		}
		if (o->each && o->each(c, optarg, o->ctx))
			return ISLE_EXIT_USAGE;
	}
	return 0;
}
