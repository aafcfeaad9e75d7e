/* pipe.h: pipes (pipe(7)): a 64 KiB byte ring between a read end and a write end, each an
 * anonymous open file (anonfile.h) of type S_IFIFO. Writes of at most PIPE_BUF bytes are
 * atomic; reads and writes block unless O_NONBLOCK; read returns 0 (end of file) once
 * every write end is closed; write fails with -EPIPE and raises SIGPIPE once every read
 * end is closed. Ends are counted by open files, so dup'ed descriptors share one.
 *
 * Locking: BKL. */
#ifndef ISLE_FS_PIPE_H
#define ISLE_FS_PIPE_H

#include "fs/file.h"

#define PIPE_BUF 4096
#define PIPE_DEFAULT_SIZE 65536u
#define PIPE_MAX_SIZE (1u << 20) /* /proc/sys/fs/pipe-max-size */

/* A new pipe: *rd (O_RDONLY) and *wr (O_WRONLY), one reference each. flags may hold
 * O_NONBLOCK (both ends) and O_DIRECT (accepted; packets are not kept apart). Returns 0,
 * -ENOMEM. */
int pipe_create(unsigned flags, struct file **rd, struct file **wr);

/* fcntl F_GETPIPE_SZ (size 0) and F_SETPIPE_SZ (size > 0: rounded up to a power of two
 * of pages, at least one page): the capacity, or -EBADF (not a pipe), -EINVAL (over
 * 2^31), -EPERM (over PIPE_MAX_SIZE), -EBUSY (the contents do not fit), -ENOMEM. */
long pipe_set_size(struct file *f, uint64_t size);

#endif
