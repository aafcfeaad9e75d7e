/* imgpath.h: paths inside the image, and host paths named by config.json, in one canonical
 * form, so that nothing a user writes can place a file outside the image root. */
#ifndef ISLE_CLI_IMGPATH_H
#define ISLE_CLI_IMGPATH_H

/* Normalises path: repeated '/' collapse, "." components vanish, a trailing '/' goes.
 * A ".." component anywhere is refused (it could climb out of its root), as is an empty
 * path. On success returns 0 and a new string in *out: "/" + the components joined by '/'
 * ("/" alone when there are none), whether path was absolute or relative; *absolute tells
 * which it was (may be NULL). Returns -EINVAL for "..", -ENOENT for an empty path. */
int imgpath_clean(const char *path, char **out, int *absolute);

/* Returns a new string: dir + "/" + rel, or rel alone when it is absolute or dir is
 * NULL or ".". For host paths named relative to the config file's directory. */
char *imgpath_host(const char *dir, const char *rel);

/* Returns a new string: the directory part of path ("." when it has none, "/" for a
 * file in the root). */
char *imgpath_dirname(const char *path);

#endif
