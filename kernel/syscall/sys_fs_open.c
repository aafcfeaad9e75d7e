/* sys_fs_open.c: opening and closing files and the descriptor table: open, openat,
 * creat, close, dup, dup2, dup3, fcntl, flock. Locks always succeed: there is one
 * process, so no lock can conflict. */
#include "core/errno.h"
#include "fs/pipe.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"
#include "syscall/sys_fs.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

static long do_open(int dirfd, uint64_t upath, unsigned flags, uint32_t mode)
{
	struct vfs_path *base;
	struct file *f;
	char *path = NULL;
	int r = sys_fs_get_path(upath, &path);

	if (r < 0)
		return r;
	if (!path[0])
		r = -ENOENT;
	else
		r = sys_fs_base(dirfd, path, &base);
	if (r == 0)
		r = vfs_open(base, path, flags | O_LARGEFILE, mode & ~sys_fs_umask & 07777, &f);
	sys_fs_put_path(path);
	if (r < 0)
		return r;
	return fd_install(f, 0, (flags & O_CLOEXEC) != 0);
}

long sys_open(const struct syscall_args *a)
{
	return do_open(AT_FDCWD, a->arg[0], (unsigned)a->arg[1], (uint32_t)a->arg[2]);
}

long sys_openat(const struct syscall_args *a)
{
	return do_open((int)a->arg[0], a->arg[1], (unsigned)a->arg[2], (uint32_t)a->arg[3]);
}

long sys_creat(const struct syscall_args *a)
{
	return do_open(AT_FDCWD, a->arg[0], O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)a->arg[1]);
}

long sys_close(const struct syscall_args *a)
{
	return fd_close((int)a->arg[0]);
}

long sys_dup(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);

	if (!f)
		return -EBADF;
	return fd_install(vfs_file_get(f), 0, false);
}

long sys_dup2(const struct syscall_args *a)
{
	int oldfd = (int)a->arg[0], newfd = (int)a->arg[1];

	if (!sys_fs_file(oldfd))
		return -EBADF;
	return fd_dup_to(oldfd, newfd, false);
}

long sys_dup3(const struct syscall_args *a)
{
	int oldfd = (int)a->arg[0], newfd = (int)a->arg[1];
	uint64_t flags = a->arg[2];

	if (flags & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_dup_to(oldfd, newfd, (flags & O_CLOEXEC) != 0);
}

/* struct flock (x86-64). */
struct linux_flock {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;
	int32_t l_pid;
};

static long lock(struct file *f, int cmd, uint64_t uarg)
{
	struct linux_flock fl;

	if (copy_from_user(&fl, sys_fs_uptr(uarg), sizeof(fl)) < 0)
		return -EFAULT;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
		return -EINVAL;
	if (fl.l_whence < 0 || fl.l_whence > 2)
		return -EINVAL;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		fl.l_type = F_UNLCK; /* nobody else holds a lock */
		return copy_to_user(sys_fs_uptr(uarg), &fl, sizeof(fl)) < 0 ? -EFAULT : 0;
	}
	if ((fl.l_type == F_RDLCK && !vfs_file_readable(f)) ||
	    (fl.l_type == F_WRLCK && !vfs_file_writable(f)))
		return -EBADF;
	return 0;
}

long sys_fcntl(const struct syscall_args *a)
{
	int fd = (int)a->arg[0], cmd = (int)a->arg[1];
	uint64_t arg = a->arg[2];
	struct file *f = sys_fs_file(fd);
	const unsigned settable = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= FD_MAX)
			return -EINVAL;
		return fd_install(vfs_file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_get_cloexec(fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		return fd_set_cloexec(fd, (arg & FD_CLOEXEC) != 0);
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		if (f->flags & O_PATH)
			return -EBADF;
		f->flags = (f->flags & ~settable) | ((unsigned)arg & settable);
		return 0;
	case F_GETPIPE_SZ:
		return pipe_set_size(f, 0);
	case F_SETPIPE_SZ:
		return pipe_set_size(f, (uint32_t)arg ? (uint32_t)arg : 1);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		if (f->flags & O_PATH)
			return -EBADF;
		return lock(f, cmd, arg);
	}
	return -EINVAL;
}

long sys_flock(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);
	unsigned op = (unsigned)a->arg[1] & ~(unsigned)LOCK_NB;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		return -EINVAL;
	return 0;
}
