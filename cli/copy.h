/* copy.h: copying host files and directory trees into the staging tree of an image.
 * Every message names the config key the content came from ("Dirs[0]") and the host
 * file. Only regular files, directories and symbolic links that stay inside their tree
 * are copied; anything else is refused. */
#ifndef ISLE_CLI_COPY_H
#define ISLE_CLI_COPY_H

#include <stddef.h>

/* Errors: -EINVAL: the host content is unusable (missing, wrong type, a device, a link
 * out of its tree, a type clash with what is already staged): the user's to fix.
 * -EINTR: interrupt_pending(). Anything else: the staging tree could not be written. */

/* Copies the regular file src to dst (created or replaced), keeping its permission bits.
 * Returns 0 or a negative errno, message printed. */
int copy_file(const char *key, const char *src, const char *dst);

/* Writes len bytes of data to a new file dst with permission bits mode. Same errors. */
int copy_data(const char *key, const void *data, size_t len, const char *dst, unsigned mode);

/* Copies the directory src (followed if it is a link) into dst, merging with what dst
 * already holds. Links inside are copied as links; each must be relative and resolve
 * inside src. Returns 0 or a negative errno, message printed. */
int copy_tree(const char *key, const char *src, const char *dst);

/* Creates the directories of path between root and path's last component (0755), as
 * "mkdir -p". Returns 0 or a negative errno, message printed. */
int copy_parents(const char *key, const char *root, const char *path);

#endif
