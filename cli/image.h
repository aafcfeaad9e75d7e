/* image.h: `isle image files IMAGE [PATH]` (list a directory of an image) and
 * `isle image cat IMAGE PATH` (a file's bytes to stdout), read with debugfs. */
#ifndef ISLE_CLI_IMAGE_H
#define ISLE_CLI_IMAGE_H

/* argv[0] is "image". Returns 0, or with a message on stderr: 1 (PATH is not in the image,
 * or not a directory / regular file), ISLE_EXIT_USAGE (bad command line),
 * ISLE_EXIT_CANNOT_RUN (IMAGE is not an isle image, debugfs is missing),
 * ISLE_EXIT_NOT_FOUND (IMAGE does not exist). */
int image_main(int argc, char **argv);

/* Checks that path is an existing ext2 image, with a message naming it if not. Returns 0,
 * ISLE_EXIT_NOT_FOUND or ISLE_EXIT_CANNOT_RUN. */
int image_check(const char *path);

#endif
