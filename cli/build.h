/* build.h: the `isle build` command: program + config.json -> a raw ext2 disk image. */
#ifndef ISLE_CLI_BUILD_H
#define ISLE_CLI_BUILD_H

/* Default environment entries, added to the manifest when the config and -e leave them
 * unset (PWD is the working directory). */
#define BUILD_DEFAULT_PATH "PATH=/usr/local/bin:/usr/bin:/bin"

/* argv[0] is "build". Returns 0 (image written), or with a message on stderr:
 * ISLE_EXIT_USAGE (bad command line, config or content; no image left behind),
 * ISLE_EXIT_NOT_FOUND (the program does not exist), ISLE_EXIT_CANNOT_RUN (the program is
 * unusable, e.g. dynamic; mke2fs or a host file is missing; an I/O error),
 * ISLE_EXIT_SIGINT / ISLE_EXIT_SIGTERM (interrupted; everything temporary removed). */
int build_main(int argc, char **argv);

#endif
