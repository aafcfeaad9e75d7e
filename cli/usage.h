/* usage.h: the help text of the isle command. */
#ifndef ISLE_CLI_USAGE_H
#define ISLE_CLI_USAGE_H

#include <stdio.h>

/* Prints the full usage (commands, isle run and build options, exit statuses) to f. */
void usage_print(FILE *f);

/* The help of `isle image` (sub NULL: all of its subcommands) and of `isle instance`
 * (usagecmd.c). */
void usage_image(FILE *f, const char *sub);
void usage_instance(FILE *f, const char *sub);

#endif
