/* e2fs.h: isle's disk images are ext2 filesystems made and read with e2fsprogs. This is
 * the one place that knows the mke2fs command (docs/image-format.md pins it) and how
 * debugfs is asked about an image. */
#ifndef ISLE_CLI_E2FS_H
#define ISLE_CLI_E2FS_H

#include <stdint.h>

#include "spawn.h"

#define E2FS_BLOCK_SIZE 4096
#define E2FS_MAGIC_OFFSET 1080 /* superblock at 1024, s_magic at +56 */
#define E2FS_MAGIC 0xEF53

/* Returns 1 if the file at path starts like an ext2/3/4 filesystem (little-endian 0xEF53
 * at byte 1080), 0 if not (including files too short to tell), or a negative errno when
 * it cannot be opened or read. */
int e2fs_is_image(const char *path);

/* Check an image's superblock before booting it, as far as the host can: block size the
 * kernel reads (1, 2 or 4 KiB), the file at least as long as the file system, no
 * incompatible feature the kernel refuses. 0, or -EINVAL with the reason in why;
 * *read_only set when an unknown read-only-compatible feature makes the kernel mount it
 * read-only. Other negative errno values for I/O errors. */
int e2fs_check_image(const char *path, char *why, size_t whylen, int *read_only);

/* Makes image (created or overwritten), size bytes (a multiple of E2FS_BLOCK_SIZE), an
 * ext2 filesystem holding the tree under staging:
 *     mke2fs -q -F -t ext2 -b 4096 -d STAGING -L isle IMAGE SIZEk
 * Returns 0, or prints "isle: mke2fs ...: REASON" (with mke2fs's own message) and
 * returns -ENOENT (mke2fs is not installed) or -EIO (it failed). */
int e2fs_mkfs(const char *staging, const char *image, uint64_t size);

/* Runs `debugfs -R REQUEST IMAGE`; its stdout goes to out_fd (or is captured, out_fd < 0)
 * as spawn_run() does. debugfs reports a failed request only on stderr, not in its exit
 * status: e2fs_debugfs_error() tells. Returns 0 or a negative errno (message printed). */
int e2fs_debugfs(const char *image, const char *request, int out_fd, struct spawn_result *r);

/* Returns the first line of r->err that is not debugfs's version banner, without its
 * newline, in a new string; NULL when there is none (the request succeeded). */
char *e2fs_debugfs_error(const struct spawn_result *r);

/* Returns a new string: path in double quotes for a debugfs request, or NULL when path
 * cannot be quoted (it holds '"', a backslash or a control character). */
char *e2fs_quote(const char *path);

#endif
