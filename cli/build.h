/* build.h: the `isle build` command: program + config.json -> a raw ext2 disk image. */
#ifndef ISLE_CLI_BUILD_H
#define ISLE_CLI_BUILD_H

#include <stdbool.h>

/* Default environment entries, added to the manifest when the config and -e leave them
 * unset (PWD is the working directory). */
#define BUILD_DEFAULT_PATH "PATH=/usr/local/bin:/usr/bin:/bin"

struct config;

/* One image built on behalf of another command (isle run PROGRAM: cache.h). */
struct build_request {
	const char *program;	     /* host path of the program: in the image at /NAME */
	const struct config *config; /* a loaded config.json (its Files, Dirs, Env, ...), or
				      * NULL for none; only read */
	const char *output;	     /* the image file, replaced only once complete */
	bool bare_env;		     /* no default environment: only the config's Env */
	bool quiet;		     /* no summary line on stdout */
};

/* Builds r->output as isle build does, without installing signal handlers (the caller
 * owns signals). Returns 0 or one of build_main's statuses, message printed. */
int build_image(const struct build_request *r);

/* argv[0] is "build". Returns 0 (image written), or with a message on stderr:
 * ISLE_EXIT_USAGE (bad command line, config or content; no image left behind),
 * ISLE_EXIT_NOT_FOUND (the program does not exist), ISLE_EXIT_CANNOT_RUN (the program is
 * unusable, e.g. dynamic; mke2fs or a host file is missing; an I/O error),
 * ISLE_EXIT_SIGINT / ISLE_EXIT_SIGTERM (interrupted; everything temporary removed). */
int build_main(int argc, char **argv);

#endif
