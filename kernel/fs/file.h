/* file.h: open files. A struct file is one open(2): the inode, the path it was opened by,
 * the position and the status flags, shared by every fd dup'ed from it (fdtable.h).
 * Data goes through the inode's ops->read/write when set (devices, procfs), through the
 * character-device table for device inodes (devfs.h), and through the page cache for
 * regular files. All buffers here are kernel memory; syscall handlers copy program
 * memory in and out. Locking: the BKL (sched/lock.h). */
#ifndef ISLE_FS_FILE_H
#define ISLE_FS_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/namei.h"
#include "fs/vfs.h"

/* open(2) flags (Linux x86-64 values). */
#define O_ACCMODE 03
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_ASYNC 020000
#define O_DIRECT 040000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_SYNC 04010000
#define O_PATH 010000000
#define O_TMPFILE 020200000

struct chrdev;
struct poll_table;

/* Files that are not data in an inode (pipes, eventfd, epoll, signalfd, timerfd, later
 * sockets): every operation goes to these ops when f->fops is set. Buffers are kernel
 * memory. read/write block unless O_NONBLOCK (then -EAGAIN); a signal ends a wait with
 * -ERESTARTSYS (or the count moved so far). Any op may be NULL: -EINVAL for read/write,
 * -ENOTTY for ioctl, always ready for poll. */
struct file_ops {
	long (*read)(struct file *f, void *buf, size_t n);
	long (*write)(struct file *f, const void *buf, size_t n);
	unsigned (*poll)(struct file *f, struct poll_table *pt); /* fs/poll.h */
	long (*ioctl)(struct file *f, unsigned req, uint64_t arg);
	void (*release)(struct file *f); /* last reference gone */
	/* What /proc/self/fd/N shows: "pipe" for FIFOs and sockets (as "pipe:[ino]"), else
	 * the anon_inode name ("[eventfd]" as "anon_inode:[eventfd]"). NULL: "[unknown]". */
	const char *name;
};

/* Something that must forget a file when its last reference goes (epoll items watching
 * it): vfs_file_put calls gone() for each, before fops->release. gone() may free w. */
struct file_watch {
	struct file_watch *next;
	void (*gone)(struct file_watch *w, struct file *f);
};

struct file {
	struct inode *inode;   /* held */
	struct vfs_path *path; /* held: the name it was opened by */
	uint64_t pos;
	unsigned flags; /* O_ACCMODE, O_APPEND, O_NONBLOCK, O_PATH, ... (never O_CLOEXEC) */
	unsigned refs;
	bool stream;		     /* no position: pread/pwrite/lseek are -ESPIPE (ttys) */
	const struct chrdev *dev;    /* device inodes: the driver (devfs.h) */
	const struct file_ops *fops; /* special files (see struct file_ops); NULL otherwise */
	void *priv;
	struct file_watch *watches; /* see struct file_watch */
};

/* Open path relative to base (NULL = cwd) as open(2) does, with O_CREAT (mode & ~umask
 * already applied by the caller), O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW, O_PATH.
 * Returns 0 and a file with one reference, or -ENOENT, -EEXIST, -EISDIR (writing a
 * directory), -ENOTDIR, -ELOOP (O_NOFOLLOW on a symlink), -ENXIO (unknown device),
 * -EROFS, -ENOMEM, ... */
int vfs_open(struct vfs_path *base, const char *path, unsigned flags, uint32_t mode,
	     struct file **out);
/* A file on an already resolved path (takes no reference from p; adds its own). */
int vfs_open_path(struct vfs_path *p, unsigned flags, struct file **out);
struct file *vfs_file_get(struct file *f);
void vfs_file_put(struct file *f);

bool vfs_file_readable(const struct file *f);
bool vfs_file_writable(const struct file *f);

/* Read/write n bytes at off (regular files), or at the device (off ignored by
 * streams). Check the access mode (-EBADF), directories (-EISDIR on read, ...). Return
 * the count or a negative errno. vfs_write with O_APPEND writes at the end whatever off
 * says and returns the new end in *end when end is not NULL. */
long vfs_read(struct file *f, void *buf, size_t n, uint64_t off);
long vfs_write(struct file *f, const void *buf, size_t n, uint64_t off, uint64_t *end);
/* Read at f->pos and advance it (streams: no position). */
long vfs_read_pos(struct file *f, void *buf, size_t n);
long vfs_write_pos(struct file *f, const void *buf, size_t n);
/* lseek(2), with SEEK_DATA/SEEK_HOLE (the whole file is data except uncached pages of
 * pinned files). Returns the new position or -EINVAL, -ENXIO, -ESPIPE. */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4
int64_t vfs_lseek(struct file *f, int64_t off, int whence);
/* ioctl: the device's, else -ENOTTY (FIONREAD on a regular file: bytes left). The arg is
 * a program address; handlers copy through uaccess. */
long vfs_ioctl(struct file *f, unsigned req, uint64_t arg);

/* Directory listing for getdents64: fills buf with struct linux_dirent64 records from
 * f->pos on; returns the bytes filled, 0 at the end, -EINVAL when the first record does
 * not fit, -ENOTDIR. */
long vfs_getdents64(struct file *f, void *buf, size_t size);

/* Truncate (or extend with zeros) a regular file: -EISDIR, -EINVAL (not regular),
 * -EFBIG, -EROFS, -EACCES (the program's file under exec protection). */
int vfs_truncate(struct inode *inode, uint64_t size);
/* Exec protection: make inode (the program's file) read-only for the program's
 * lifetime: opening it for writing or with O_TRUNC, truncate, ftruncate and fallocate of
 * it fail with -EACCES (Linux says -ETXTBSY while a program runs, and only through the
 * writable-open path; isle refuses by inode, under any name). Takes a reference. */
void vfs_protect_program(struct inode *inode);
/* Apply attributes (chmod/chown/utimes): ops->setattr, or in memory when it has none. */
int vfs_setattr(struct inode *inode, const struct iattr *attr);
/* fsync: pages, then metadata (ops->fsync). */
int vfs_fsync(struct inode *inode);

#endif
