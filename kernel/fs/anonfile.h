/* anonfile.h: open files with no name (pipes, eventfd, epoll, signalfd, timerfd): a
 * struct file whose operations are a struct file_ops (file.h), on an inode of a hidden
 * in-memory file system that only fstat and /proc/self/fd see. Such a file has no path
 * (f->path is NULL), no position (f->stream) and no page cache.
 *
 * Locking: BKL. */
#ifndef ISLE_FS_ANONFILE_H
#define ISLE_FS_ANONFILE_H

#include <stdint.h>

#include "fs/file.h"

#define ANON_MODE 0600u /* an anon_inode's st_mode on Linux: no type bits */

/* A new inode (one reference) with a fresh inode number, mode (S_IFIFO | 0600 for pipes,
 * ANON_MODE otherwise), link count 1, owner root, times now. NULL when out of memory. */
struct inode *anon_inode_new(uint32_t mode);

/* A file (one reference) on inode (the file takes its own reference), with fops, priv and
 * the status flags (O_ACCMODE, O_NONBLOCK; O_CLOEXEC is the fd table's business and is
 * dropped). Returns 0 or -ENOMEM. */
int anon_file_open(struct inode *inode, const struct file_ops *fops, void *priv, unsigned flags,
		   struct file **out);

/* Both in one: a new inode of mode and a file on it. */
int anon_file_new(uint32_t mode, const struct file_ops *fops, void *priv, unsigned flags,
		  struct file **out);

#endif
