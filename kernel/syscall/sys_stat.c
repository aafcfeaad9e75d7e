/* sys_stat.c: file status: stat, lstat, fstat, newfstatat, statx, statfs, fstatfs. The
 * fields come from the in-memory inode (vfs.h); st_dev is the file system's. */
#include "core/errno.h"
#include "lib/string.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"
#include "syscall/sys_fs.h"

/* struct stat of the x86-64 Linux ABI (144 bytes). */
struct linux_stat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	int64_t st_atime_sec, st_atime_nsec, st_mtime_sec, st_mtime_nsec;
	int64_t st_ctime_sec, st_ctime_nsec;
	int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat layout");

/* Linux's new_encode_dev for the 32-bit (major << 8 | minor) values kept in inodes. */
static uint64_t encode_dev(uint32_t dev)
{
	uint32_t ma = dev >> 8, mi = dev & 0xff;
	return (mi & 0xff) | (ma << 8) | ((uint64_t)(mi & ~0xffu) << 12);
}

static long put_stat(const struct inode *in, uint64_t ustat)
{
	struct linux_stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = in->sb->dev;
	st.st_ino = in->ino;
	st.st_nlink = in->nlink;
	st.st_mode = in->mode;
	st.st_uid = in->uid;
	st.st_gid = in->gid;
	st.st_rdev = encode_dev(in->rdev);
	st.st_size = (int64_t)in->size;
	st.st_blksize = in->sb->block_size ? in->sb->block_size : 4096;
	st.st_blocks = (int64_t)in->blocks;
	st.st_atime_sec = in->atime.sec;
	st.st_atime_nsec = in->atime.nsec;
	st.st_mtime_sec = in->mtime.sec;
	st.st_mtime_nsec = in->mtime.nsec;
	st.st_ctime_sec = in->ctime.sec;
	st.st_ctime_nsec = in->ctime.nsec;
	return copy_to_user(sys_fs_uptr(ustat), &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

/* (fd, "", AT_EMPTY_PATH) on a file with no name (a pipe, an eventfd): its inode, which
 * no path lookup can reach; NULL otherwise. */
static struct inode *nameless(int dirfd, uint64_t upath, uint64_t flags)
{
	struct file *f = dirfd >= 0 ? sys_fs_file(dirfd) : NULL;
	char c;

	if (!(flags & AT_EMPTY_PATH) || !f || f->path)
		return NULL;
	if (copy_from_user(&c, sys_fs_uptr(upath), 1) < 0 || c)
		return NULL;
	return f->inode;
}

static long stat_at(int dirfd, uint64_t upath, uint64_t ustat, uint64_t flags)
{
	struct vfs_path *p;
	int r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	if (nameless(dirfd, upath, flags))
		return put_stat(nameless(dirfd, upath, flags), ustat);
	r = sys_fs_lookup(dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : NAMEI_FOLLOW,
			  (unsigned)flags, &p);
	if (r < 0)
		return r;
	r = (int)put_stat(p->inode, ustat);
	vfs_path_put(p);
	return r;
}

long sys_stat(const struct syscall_args *a)
{
	return stat_at(AT_FDCWD, a->arg[0], a->arg[1], 0);
}

long sys_lstat(const struct syscall_args *a)
{
	return stat_at(AT_FDCWD, a->arg[0], a->arg[1], AT_SYMLINK_NOFOLLOW);
}

long sys_fstat(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);

	if (!f)
		return -EBADF;
	return put_stat(f->inode, a->arg[1]);
}

long sys_newfstatat(const struct syscall_args *a)
{
	return stat_at((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3]);
}

struct statx_ts {
	int64_t sec;
	uint32_t nsec;
	int32_t pad;
};

struct linux_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad1;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t spare[12];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx layout");

#define STATX_BASIC_STATS 0x7ffU
#define STATX_RESERVED 0x80000000U

static struct statx_ts sx_ts(struct timespec64 t)
{
	struct statx_ts s = {t.sec, (uint32_t)t.nsec, 0};
	return s;
}

long sys_statx(const struct syscall_args *a)
{
	uint64_t flags = a->arg[2];
	struct linux_statx sx;
	struct vfs_path *p;
	struct inode *in;
	int r;

	if (flags &
	    ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (a->arg[3] & STATX_RESERVED)
		return -EINVAL;
	in = nameless((int)a->arg[0], a->arg[1], flags);
	p = NULL;
	if (!in) {
		r = sys_fs_lookup((int)a->arg[0], a->arg[1],
				  (flags & AT_SYMLINK_NOFOLLOW) ? 0 : NAMEI_FOLLOW, (unsigned)flags,
				  &p);
		if (r < 0)
			return r;
		in = p->inode;
	}
	memset(&sx, 0, sizeof(sx));
	sx.mask = STATX_BASIC_STATS;
	sx.blksize = in->sb->block_size ? in->sb->block_size : 4096;
	sx.nlink = in->nlink;
	sx.uid = in->uid;
	sx.gid = in->gid;
	sx.mode = (uint16_t)in->mode;
	sx.ino = in->ino;
	sx.size = in->size;
	sx.blocks = in->blocks;
	sx.atime = sx_ts(in->atime);
	sx.mtime = sx_ts(in->mtime);
	sx.ctime = sx_ts(in->ctime);
	sx.rdev_major = in->rdev >> 8;
	sx.rdev_minor = in->rdev & 0xff;
	sx.dev_major = (uint32_t)(in->sb->dev >> 8);
	sx.dev_minor = (uint32_t)(in->sb->dev & 0xff);
	vfs_path_put(p);
	return copy_to_user(sys_fs_uptr(a->arg[4]), &sx, sizeof(sx)) < 0 ? -EFAULT : 0;
}

struct linux_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags;
	int64_t f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs layout");

#define ST_RDONLY 1

static long put_statfs(struct super_block *sb, uint64_t ubuf)
{
	struct linux_statfs s;
	uint64_t blocks = 0, bfree = 0, files = 0, ffree = 0;
	uint32_t bsize = sb->block_size ? sb->block_size : 4096;

	if (sb->ops && sb->ops->statfs) {
		int r = sb->ops->statfs(sb, &blocks, &bfree, &files, &ffree, &bsize);
		if (r < 0)
			return r;
	}
	memset(&s, 0, sizeof(s));
	s.f_type = sb->magic;
	s.f_bsize = s.f_frsize = bsize;
	s.f_blocks = blocks;
	s.f_bfree = s.f_bavail = bfree;
	s.f_files = files;
	s.f_ffree = ffree;
	s.f_fsid[0] = (int32_t)sb->dev;
	s.f_namelen = VFS_NAME_MAX;
	s.f_flags = sb->read_only ? ST_RDONLY : 0;
	return copy_to_user(sys_fs_uptr(ubuf), &s, sizeof(s)) < 0 ? -EFAULT : 0;
}

long sys_statfs(const struct syscall_args *a)
{
	struct vfs_path *p;
	int r = sys_fs_lookup(AT_FDCWD, a->arg[0], NAMEI_FOLLOW, 0, &p);

	if (r < 0)
		return r;
	r = (int)put_statfs(p->inode->sb, a->arg[1]);
	vfs_path_put(p);
	return r;
}

long sys_fstatfs(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);

	if (!f)
		return -EBADF;
	return put_statfs(f->inode->sb, a->arg[1]);
}
