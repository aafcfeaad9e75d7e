/* sys_fs_util.c: the helpers file-system handlers share (sys_fs.h). */
#include "core/errno.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "syscall/sys_fs.h"

static char bounce[SYS_FS_BOUNCE];
static bool bounce_busy;

char *sys_fs_bounce_get(void)
{
	if (!bounce_busy) {
		bounce_busy = true;
		return bounce;
	}
	return kmalloc(SYS_FS_BOUNCE);
}

void sys_fs_bounce_put(char *buf)
{
	if (buf == bounce)
		bounce_busy = false;
	else
		kfree(buf);
}

int sys_fs_get_path(uint64_t upath, char **out)
{
	char *buf = kmalloc(VFS_PATH_MAX);
	long n;

	if (!buf)
		return -ENOMEM;
	n = strncpy_from_user(buf, sys_fs_uptr(upath), VFS_PATH_MAX);
	if (n < 0) {
		kfree(buf);
		return (int)n;
	}
	*out = buf;
	return 0;
}

void sys_fs_put_path(char *path)
{
	kfree(path);
}

int sys_fs_base(int dirfd, const char *path, struct vfs_path **base)
{
	struct file *f;

	*base = NULL;
	if (path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	f = fd_get_pinned(dirfd);
	if (!f)
		return -EBADF;
	if (path[0] && !S_ISTYPE(f->inode->mode, S_IFDIR))
		return -ENOTDIR;
	*base = f->path;
	return 0;
}

int sys_fs_lookup(int dirfd, uint64_t upath, unsigned namei_flags, unsigned at_flags,
		  struct vfs_path **out)
{
	struct vfs_path *base;
	char *path = NULL;
	int r = sys_fs_get_path(upath, &path);

	if (r < 0)
		return r;
	if (!path[0] && !(at_flags & AT_EMPTY_PATH))
		r = -ENOENT;
	else
		r = sys_fs_base(dirfd, path, &base);
	if (r == 0) {
		if (!path[0] && dirfd != AT_FDCWD && !base) {
			r = -EBADF; /* a file with no name (pipe, eventfd): nothing to resolve */
		} else if (!path[0] && dirfd != AT_FDCWD) {
			*out = vfs_path_get(base);
		} else {
			r = vfs_lookup(base, path, namei_flags | NAMEI_EMPTY, out);
		}
	}
	sys_fs_put_path(path);
	return r;
}
