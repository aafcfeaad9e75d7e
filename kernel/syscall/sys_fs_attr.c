/* sys_fs_attr.c: file attributes and durability: umask, chmod and chown families,
 * utimensat, futimesat, truncate, ftruncate, fallocate, fsync, fdatasync, sync, syncfs.
 * Owners and modes are stored and reported; nothing checks them (the program is root). */
#include "core/errno.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"
#include "syscall/sys_fs.h"

#define UTIME_NOW ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)

uint32_t sys_fs_umask = 022;

long sys_umask(const struct syscall_args *a)
{
	uint32_t old = sys_fs_umask;

	sys_fs_umask = (uint32_t)a->arg[0] & 0777;
	return old;
}

/* The inode of fd, for the f* calls (O_PATH files are EBADF for changes). */
static struct inode *fd_inode(int fd, bool change)
{
	struct file *f = sys_fs_file(fd);

	if (!f || (change && (f->flags & O_PATH)))
		return NULL;
	return f->inode;
}

static long setattr_at(int dirfd, uint64_t upath, unsigned at_flags, const struct iattr *ia)
{
	struct vfs_path *p;
	int r = sys_fs_lookup(dirfd, upath, (at_flags & AT_SYMLINK_NOFOLLOW) ? 0 : NAMEI_FOLLOW,
			      at_flags, &p);

	if (r < 0)
		return r;
	r = vfs_setattr(p->inode, ia);
	vfs_path_put(p);
	return r;
}

static struct iattr mode_attr(uint64_t mode)
{
	struct iattr ia = {0};

	ia.valid = ATTR_MODE;
	ia.mode = (uint32_t)mode & 07777;
	return ia;
}

long sys_chmod(const struct syscall_args *a)
{
	struct iattr ia = mode_attr(a->arg[1]);
	return setattr_at(AT_FDCWD, a->arg[0], 0, &ia);
}

long sys_fchmod(const struct syscall_args *a)
{
	struct iattr ia = mode_attr(a->arg[1]);
	struct inode *in = fd_inode((int)a->arg[0], true);

	return in ? vfs_setattr(in, &ia) : -EBADF;
}

long sys_fchmodat(const struct syscall_args *a)
{
	struct iattr ia = mode_attr(a->arg[2]);
	return setattr_at((int)a->arg[0], a->arg[1], 0, &ia);
}

/* -1 leaves the id as it is. */
static struct iattr owner_attr(uint64_t uid, uint64_t gid)
{
	struct iattr ia = {0};

	if ((uint32_t)uid != (uint32_t)-1) {
		ia.valid |= ATTR_UID;
		ia.uid = (uint32_t)uid;
	}
	if ((uint32_t)gid != (uint32_t)-1) {
		ia.valid |= ATTR_GID;
		ia.gid = (uint32_t)gid;
	}
	return ia;
}

long sys_chown(const struct syscall_args *a)
{
	struct iattr ia = owner_attr(a->arg[1], a->arg[2]);
	return setattr_at(AT_FDCWD, a->arg[0], 0, &ia);
}

long sys_lchown(const struct syscall_args *a)
{
	struct iattr ia = owner_attr(a->arg[1], a->arg[2]);
	return setattr_at(AT_FDCWD, a->arg[0], AT_SYMLINK_NOFOLLOW, &ia);
}

long sys_fchown(const struct syscall_args *a)
{
	struct iattr ia = owner_attr(a->arg[1], a->arg[2]);
	struct inode *in = fd_inode((int)a->arg[0], true);

	return in ? vfs_setattr(in, &ia) : -EBADF;
}

long sys_fchownat(const struct syscall_args *a)
{
	struct iattr ia = owner_attr(a->arg[2], a->arg[3]);
	uint64_t flags = a->arg[4];

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return setattr_at((int)a->arg[0], a->arg[1], (unsigned)flags, &ia);
}

struct ts {
	int64_t sec, nsec;
};

/* Turn two timespecs (NULL: both now) into an iattr: UTIME_NOW, UTIME_OMIT. */
static long times_attr(uint64_t utimes, bool timeval, struct iattr *ia)
{
	struct ts t[2];
	struct timespec64 now = vfs_now();

	ia->valid = ATTR_CTIME;
	ia->ctime = now;
	if (!utimes) {
		ia->valid |= ATTR_ATIME | ATTR_MTIME;
		ia->atime = ia->mtime = now;
		return 0;
	}
	if (copy_from_user(t, sys_fs_uptr(utimes), sizeof(t)) < 0)
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		struct timespec64 v;
		if (timeval) {
			if (t[i].nsec < 0 || t[i].nsec >= 1000000)
				return -EINVAL;
			t[i].nsec *= 1000;
		} else if (t[i].nsec == UTIME_OMIT) {
			continue;
		} else if (t[i].nsec != UTIME_NOW && (t[i].nsec < 0 || t[i].nsec >= 1000000000)) {
			return -EINVAL;
		}
		v.sec = t[i].sec;
		v.nsec = t[i].nsec;
		if (!timeval && t[i].nsec == UTIME_NOW)
			v = now;
		if (i == 0) {
			ia->valid |= ATTR_ATIME;
			ia->atime = v;
		} else {
			ia->valid |= ATTR_MTIME;
			ia->mtime = v;
		}
	}
	return 0;
}

long sys_utimensat(const struct syscall_args *a)
{
	int dirfd = (int)a->arg[0];
	uint64_t flags = a->arg[3];
	struct iattr ia = {0};
	long r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = times_attr(a->arg[2], false, &ia);
	if (r < 0)
		return r;
	if (!a->arg[1]) { /* futimens: the fd itself */
		struct inode *in = fd_inode(dirfd, false);
		return in ? vfs_setattr(in, &ia) : -EBADF;
	}
	return setattr_at(dirfd, a->arg[1], (unsigned)flags, &ia);
}

long sys_futimesat(const struct syscall_args *a)
{
	struct iattr ia = {0};
	long r = times_attr(a->arg[2], true, &ia);

	if (r < 0)
		return r;
	return setattr_at((int)a->arg[0], a->arg[1], 0, &ia);
}

long sys_truncate(const struct syscall_args *a)
{
	struct vfs_path *p;
	int r;

	if ((int64_t)a->arg[1] < 0)
		return -EINVAL;
	r = sys_fs_lookup(AT_FDCWD, a->arg[0], NAMEI_FOLLOW, 0, &p);
	if (r < 0)
		return r;
	r = vfs_truncate(p->inode, a->arg[1]);
	vfs_path_put(p);
	return r;
}

long sys_ftruncate(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);

	if ((int64_t)a->arg[1] < 0)
		return -EINVAL;
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (!vfs_file_writable(f))
		return -EINVAL; /* Linux: not open for writing */
	return vfs_truncate(f->inode, a->arg[1]);
}

/* Mode 0 only: the file grows to offset + len (allocation itself is lazy). */
long sys_fallocate(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);
	int64_t off = (int64_t)a->arg[2], len = (int64_t)a->arg[3];

	if (off < 0 || len <= 0)
		return -EINVAL;
	if (!f || !vfs_file_writable(f))
		return -EBADF;
	if (a->arg[1] != 0)
		return -EOPNOTSUPP;
	if (S_ISTYPE(f->inode->mode, S_IFDIR))
		return -EISDIR;
	if (f->stream)
		return -ESPIPE;
	if (!S_ISTYPE(f->inode->mode, S_IFREG))
		return -ENODEV;
	if (off > INT64_MAX - len)
		return -EFBIG;
	if ((uint64_t)(off + len) <= f->inode->size)
		return 0;
	return vfs_truncate(f->inode, (uint64_t)(off + len));
}

static long fsync_fd(int fd)
{
	struct file *f = sys_fs_file(fd);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (f->dev)
		return 0;
	return vfs_fsync(f->inode);
}

long sys_fsync(const struct syscall_args *a)
{
	return fsync_fd((int)a->arg[0]);
}

long sys_fdatasync(const struct syscall_args *a)
{
	return fsync_fd((int)a->arg[0]);
}

long sys_sync(const struct syscall_args *a)
{
	vfs_sync_all();
	return 0;
}

long sys_syncfs(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);

	if (!f)
		return -EBADF;
	return vfs_sync_sb(f->inode->sb);
}
