/* sys_fs.h: what the file-system syscall handlers (sys_io.c, sys_stat.c, sys_fs_*.c)
 * share: copying paths in, turning (dirfd, path) into a base for the path walk, and the
 * bounce buffer that carries data between program memory and the VFS. Only for
 * kernel/syscall. */
#ifndef ISLE_SYSCALL_SYS_FS_H
#define ISLE_SYSCALL_SYS_FS_H

#include <stddef.h>
#include <stdint.h>

#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/namei.h"

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000
#define AT_EACCESS 0x200
#define AT_STATX_SYNC_TYPE 0x6000

#define MAX_RW_COUNT 0x7ffff000UL /* INT_MAX rounded down to a page, as Linux caps counts */

/* The buffer a syscall carries data in, SYS_FS_BOUNCE bytes: a preallocated one when no
 * other syscall holds it, else a fresh allocation (a thread may sleep in I/O while
 * holding one: disk reads, the console, page faults in the copies). NULL when out of
 * memory; give it back with sys_fs_bounce_put. Locking: BKL. */
#define SYS_FS_BOUNCE 65536
char *sys_fs_bounce_get(void);
void sys_fs_bounce_put(char *buf);

static inline void *sys_fs_uptr(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

/* Copy the program's path at upath into a new heap buffer (free with sys_fs_put_path):
 * 0, -EFAULT, -ENAMETOOLONG (no NUL within VFS_PATH_MAX bytes), -ENOMEM. An empty path
 * is returned as is (callers decide: -ENOENT, or AT_EMPTY_PATH). */
int sys_fs_get_path(uint64_t upath, char **out);
void sys_fs_put_path(char *path);

/* The base directory for path relative to dirfd: NULL for absolute paths and AT_FDCWD
 * (the walk then uses the root or the cwd), else the fd's path. -EBADF for a closed fd,
 * -ENOTDIR when the path is relative and non-empty and the fd is not a directory. The
 * returned pointer is borrowed from the open file. */
int sys_fs_base(int dirfd, const char *path, struct vfs_path **base);

/* Resolve (dirfd, upath) with NAMEI_* flags; AT_EMPTY_PATH in at_flags allows "". */
int sys_fs_lookup(int dirfd, uint64_t upath, unsigned namei_flags, unsigned at_flags,
		  struct vfs_path **out);

/* The open file on fd, NULL when not open. */
static inline struct file *sys_fs_file(int fd)
{
	return fd_get_pinned(fd);
}

/* The process umask (sys_fs_attr.c). */
extern uint32_t sys_fs_umask;

#endif
