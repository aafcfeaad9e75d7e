/* sys_fs_path.c: calls that change or read the name space: mkdir, rmdir, unlink, rename,
 * link, symlink (and their *at forms), readlink, access. The errno for each odd last
 * component ("/", ".", "..") is Linux's, per call. readlink of /proc/self/exe answers
 * the program's path here directly, as procfs's own symlink would (kept so the answer does
 * not depend on /proc being mounted; to be folded into procfs). */
#include "core/errno.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"
#include "syscall/sys_fs.h"

#define RENAME_WHITEOUT 4
#define R_OK 4
#define W_OK 2
#define X_OK 1

const char *proc_exe_path;

static bool is_dir(const struct inode *in)
{
	return S_ISTYPE(in->mode, S_IFDIR);
}

/* Resolve the parent of (dirfd, upath). */
static int parent_at(int dirfd, uint64_t upath, struct vfs_last *last)
{
	struct vfs_path *base;
	char *path = NULL;
	int r = sys_fs_get_path(upath, &path);

	if (r < 0)
		return r;
	if (!path[0])
		r = -ENOENT;
	else
		r = sys_fs_base(dirfd, path, &base);
	if (r == 0)
		r = vfs_lookup_parent(base, path, last);
	sys_fs_put_path(path);
	return r;
}

/* Common checks before changing directory dir. */
static int may_change(struct inode *dir)
{
	if (dir->sb->read_only)
		return -EROFS;
	return 0;
}

static long do_mkdir(int dirfd, uint64_t upath, uint32_t mode)
{
	struct vfs_last last;
	struct inode *dir, *in;
	int r = parent_at(dirfd, upath, &last);

	if (r < 0)
		return r;
	dir = last.dir->inode;
	if (last.kind != VFS_LAST_NORM)
		r = -EEXIST;
	else if (vfs_lookup_one(dir, last.name, last.len, &in) == 0) {
		vfs_iput(in);
		r = -EEXIST;
	} else if ((r = may_change(dir)) == 0) {
		if (!dir->ops || !dir->ops->mkdir)
			r = -EPERM;
		else
			r = dir->ops->mkdir(dir, last.name, last.len, mode & ~sys_fs_umask & 07777,
					    &in);
		if (r == 0)
			vfs_iput(in);
	}
	vfs_last_put(&last);
	return r;
}

long sys_mkdir(const struct syscall_args *a)
{
	return do_mkdir(AT_FDCWD, a->arg[0], (uint32_t)a->arg[1]);
}

long sys_mkdirat(const struct syscall_args *a)
{
	return do_mkdir((int)a->arg[0], a->arg[1], (uint32_t)a->arg[2]);
}

static long do_rmdir(int dirfd, uint64_t upath)
{
	struct vfs_last last;
	struct inode *dir, *in;
	int r = parent_at(dirfd, upath, &last);

	if (r < 0)
		return r;
	dir = last.dir->inode;
	if (last.kind == VFS_LAST_DOT)
		r = -EINVAL;
	else if (last.kind == VFS_LAST_DOTDOT)
		r = -ENOTEMPTY;
	else if (last.kind == VFS_LAST_ROOT)
		r = -EBUSY;
	else if ((r = vfs_lookup_one(dir, last.name, last.len, &in)) == 0) {
		if (!is_dir(in))
			r = -ENOTDIR;
		else if (in->sb != dir->sb)
			r = -EBUSY; /* a mount point */
		else if ((r = may_change(dir)) == 0)
			r = dir->ops->rmdir ? dir->ops->rmdir(dir, last.name, last.len) : -EPERM;
		vfs_iput(in);
	}
	vfs_last_put(&last);
	return r;
}

long sys_rmdir(const struct syscall_args *a)
{
	return do_rmdir(AT_FDCWD, a->arg[0]);
}

static long do_unlink(int dirfd, uint64_t upath)
{
	struct vfs_last last;
	struct inode *dir, *in;
	int r = parent_at(dirfd, upath, &last);

	if (r < 0)
		return r;
	dir = last.dir->inode;
	if (last.kind != VFS_LAST_NORM)
		r = -EISDIR;
	else if ((r = vfs_lookup_one(dir, last.name, last.len, &in)) == 0) {
		if (is_dir(in))
			r = -EISDIR;
		else if (last.slash)
			r = -ENOTDIR;
		else if ((r = may_change(dir)) == 0)
			r = dir->ops->unlink ? dir->ops->unlink(dir, last.name, last.len) : -EPERM;
		vfs_iput(in);
	}
	vfs_last_put(&last);
	return r;
}

long sys_unlink(const struct syscall_args *a)
{
	return do_unlink(AT_FDCWD, a->arg[0]);
}

long sys_unlinkat(const struct syscall_args *a)
{
	uint64_t flags = a->arg[2];

	if (flags & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	if (flags & AT_REMOVEDIR)
		return do_rmdir((int)a->arg[0], a->arg[1]);
	return do_unlink((int)a->arg[0], a->arg[1]);
}

static long rename_checks(struct vfs_last *o, struct vfs_last *n, unsigned flags)
{
	struct inode *odir = o->dir->inode, *ndir = n->dir->inode, *src, *dst = NULL;
	int r;

	if (o->kind != VFS_LAST_NORM || n->kind != VFS_LAST_NORM)
		return -EBUSY;
	r = vfs_lookup_one(odir, o->name, o->len, &src);
	if (r < 0)
		return r;
	if (vfs_lookup_one(ndir, n->name, n->len, &dst) < 0)
		dst = NULL;
	if (odir->sb != ndir->sb || src->sb != odir->sb)
		r = src->sb != odir->sb ? -EBUSY : -EXDEV;
	else if (dst && dst->sb != ndir->sb)
		r = -EBUSY;
	else if (!is_dir(src) && (o->slash || (n->slash && !(flags & RENAME_EXCHANGE))))
		r = -ENOTDIR;
	else if ((flags & RENAME_EXCHANGE) && !dst)
		r = -ENOENT;
	else if ((flags & RENAME_NOREPLACE) && dst)
		r = -EEXIST;
	else if (is_dir(src) && vfs_path_within(n->dir, src))
		r = -EINVAL; /* into itself */
	else if ((flags & RENAME_EXCHANGE) && is_dir(dst) && vfs_path_within(o->dir, dst))
		r = -EINVAL;
	else if (dst == src)
		r = 1; /* the same file: nothing to do */
	else if ((r = may_change(odir)) == 0)
		r = odir->ops->rename
			    ? odir->ops->rename(odir, o->name, o->len, ndir, n->name, n->len, flags)
			    : -EPERM;
	vfs_iput(src);
	vfs_iput(dst);
	return r > 0 ? 0 : r;
}

static long do_rename(int ofd, uint64_t opath, int nfd, uint64_t npath, uint64_t flags)
{
	struct vfs_last o, n;
	long r;

	if (flags & ~(uint64_t)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL;
	r = parent_at(ofd, opath, &o);
	if (r < 0)
		return r;
	r = parent_at(nfd, npath, &n);
	if (r == 0) {
		r = rename_checks(&o, &n, (unsigned)flags);
		vfs_last_put(&n);
	}
	vfs_last_put(&o);
	return r;
}

long sys_rename(const struct syscall_args *a)
{
	return do_rename(AT_FDCWD, a->arg[0], AT_FDCWD, a->arg[1], 0);
}

long sys_renameat(const struct syscall_args *a)
{
	return do_rename((int)a->arg[0], a->arg[1], (int)a->arg[2], a->arg[3], 0);
}

long sys_renameat2(const struct syscall_args *a)
{
	return do_rename((int)a->arg[0], a->arg[1], (int)a->arg[2], a->arg[3], a->arg[4]);
}

static long do_link(int ofd, uint64_t opath, int nfd, uint64_t npath, uint64_t flags)
{
	struct vfs_path *old;
	struct vfs_last n;
	struct inode *dir, *in;
	long r;

	if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = sys_fs_lookup(ofd, opath, (flags & AT_SYMLINK_FOLLOW) ? NAMEI_FOLLOW : 0,
			  (unsigned)flags, &old);
	if (r < 0)
		return r;
	r = parent_at(nfd, npath, &n);
	if (r < 0) {
		vfs_path_put(old);
		return r;
	}
	dir = n.dir->inode;
	if (n.kind != VFS_LAST_NORM)
		r = -EEXIST;
	else if (vfs_lookup_one(dir, n.name, n.len, &in) == 0) {
		vfs_iput(in);
		r = -EEXIST;
	} else if (is_dir(old->inode))
		r = -EPERM;
	else if (n.slash)
		r = -ENOENT;
	else if (old->inode->sb != dir->sb)
		r = -EXDEV;
	else if ((r = may_change(dir)) == 0)
		r = dir->ops->link ? dir->ops->link(dir, n.name, n.len, old->inode) : -EPERM;
	vfs_last_put(&n);
	vfs_path_put(old);
	return r;
}

long sys_link(const struct syscall_args *a)
{
	return do_link(AT_FDCWD, a->arg[0], AT_FDCWD, a->arg[1], 0);
}

long sys_linkat(const struct syscall_args *a)
{
	return do_link((int)a->arg[0], a->arg[1], (int)a->arg[2], a->arg[3], a->arg[4]);
}

static long do_symlink(uint64_t utarget, int nfd, uint64_t npath)
{
	struct vfs_last n;
	struct inode *dir, *in;
	char *target = NULL;
	long r = sys_fs_get_path(utarget, &target);

	if (r < 0)
		return r;
	if (!target[0]) {
		sys_fs_put_path(target);
		return -ENOENT;
	}
	r = parent_at(nfd, npath, &n);
	if (r == 0) {
		dir = n.dir->inode;
		if (n.kind != VFS_LAST_NORM)
			r = -EEXIST;
		else if (vfs_lookup_one(dir, n.name, n.len, &in) == 0) {
			vfs_iput(in);
			r = -EEXIST;
		} else if (n.slash)
			r = -ENOENT;
		else if ((r = may_change(dir)) == 0) {
			r = dir->ops->symlink ? dir->ops->symlink(dir, n.name, n.len, target, &in)
					      : -EPERM;
			if (r == 0)
				vfs_iput(in);
		}
		vfs_last_put(&n);
	}
	sys_fs_put_path(target);
	return r;
}

long sys_symlink(const struct syscall_args *a)
{
	return do_symlink(a->arg[0], AT_FDCWD, a->arg[1]);
}

long sys_symlinkat(const struct syscall_args *a)
{
	return do_symlink(a->arg[0], (int)a->arg[1], a->arg[2]);
}

static bool is_exe_link(const char *path, struct vfs_path *base)
{
	if (path[0] == '/')
		return !strcmp(path, "/proc/self/exe") || !strcmp(path, "/proc/1/exe");
	if ((base ? base : vfs_cwd())->inode != vfs_root()->inode)
		return false;
	return !strcmp(path, "proc/self/exe") || !strcmp(path, "proc/1/exe");
}

static long copy_link(const char *s, size_t len, uint64_t ubuf, int bufsiz)
{
	if (len > (size_t)bufsiz)
		len = (size_t)bufsiz;
	if (copy_to_user(sys_fs_uptr(ubuf), s, len) < 0)
		return -EFAULT;
	return (long)len;
}

/* The result has no NUL and is cut to bufsiz, as in Linux. */
static long do_readlink(int dirfd, uint64_t upath, uint64_t ubuf, int bufsiz)
{
	struct vfs_path *base, *p;
	char *path = NULL, *buf;
	long r;

	if (bufsiz <= 0)
		return -EINVAL;
	r = sys_fs_get_path(upath, &path);
	if (r < 0)
		return r;
	r = sys_fs_base(dirfd, path, &base);
	if (r == 0 && is_exe_link(path, base)) {
		r = proc_exe_path ? copy_link(proc_exe_path, strlen(proc_exe_path), ubuf, bufsiz)
				  : -ENOENT;
		sys_fs_put_path(path);
		return r;
	}
	if (r == 0)
		r = vfs_lookup(base, path, NAMEI_EMPTY, &p);
	sys_fs_put_path(path);
	if (r < 0)
		return r;
	if (!S_ISTYPE(p->inode->mode, S_IFLNK) || !p->inode->ops || !p->inode->ops->readlink) {
		vfs_path_put(p);
		return -EINVAL;
	}
	buf = kmalloc(VFS_PATH_MAX);
	if (!buf) {
		vfs_path_put(p);
		return -ENOMEM;
	}
	r = p->inode->ops->readlink(p->inode, buf, VFS_PATH_MAX);
	if (r >= 0)
		r = copy_link(buf, (size_t)r, ubuf, bufsiz);
	kfree(buf);
	vfs_path_put(p);
	return r;
}

long sys_readlink(const struct syscall_args *a)
{
	return do_readlink(AT_FDCWD, a->arg[0], a->arg[1], (int)a->arg[2]);
}

long sys_readlinkat(const struct syscall_args *a)
{
	return do_readlink((int)a->arg[0], a->arg[1], a->arg[2], (int)a->arg[3]);
}

/* The program runs as root: reading and writing are allowed (writing not on a read-only
 * file system), executing needs an execute bit on anything but a directory. */
static long do_access(int dirfd, uint64_t upath, uint64_t mode, uint64_t flags)
{
	struct vfs_path *p;
	struct inode *in;
	long r;

	if (mode & ~(uint64_t)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = sys_fs_lookup(dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : NAMEI_FOLLOW,
			  (unsigned)flags, &p);
	if (r < 0)
		return r;
	in = p->inode;
	if ((mode & W_OK) && in->sb->read_only && !S_ISTYPE(in->mode, S_IFCHR))
		r = -EROFS;
	else if ((mode & X_OK) && !is_dir(in) && !(in->mode & 0111))
		r = -EACCES;
	vfs_path_put(p);
	return r;
}

long sys_access(const struct syscall_args *a)
{
	return do_access(AT_FDCWD, a->arg[0], a->arg[1], 0);
}

long sys_faccessat(const struct syscall_args *a)
{
	return do_access((int)a->arg[0], a->arg[1], a->arg[2], 0);
}

long sys_faccessat2(const struct syscall_args *a)
{
	return do_access((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3]);
}
