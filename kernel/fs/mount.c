/* mount.c: the mount table (vfs.h): the root file system and the file systems mounted on
 * directories of others. A mount sets dir->mounted and keeps a reference to dir (so the
 * in-memory inode, which carries the mount, stays); path walks cross into sb->root there
 * (namei.c). Each mount also records the path it was made on, for /proc/mounts. Mounts
 * are never undone (no umount in a unikernel). */
#include "core/errno.h"
#include "core/printk.h"
#include "fs/namei.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"
#include "lib/string.h"
#include "mm/heap.h"

#define MAX_MOUNTS 16

static struct super_block *mounts[MAX_MOUNTS]; /* [0] is the root */
static char *mount_where[MAX_MOUNTS];	       /* heap copies; [0] unused ("/") */
static unsigned nmounts;

void vfs_mount_root(struct super_block *sb)
{
	BUG_ON(!sb || !sb->root);
	if (nmounts == 0)
		nmounts = 1;
	mounts[0] = sb;
	sb->covered = NULL;
}

struct super_block *vfs_root_sb(void)
{
	return nmounts ? mounts[0] : NULL;
}

int vfs_mount_at(struct inode *dir, struct super_block *sb, const char *where)
{
	size_t len = strlen(where);
	char *copy;

	if (!S_ISTYPE(dir->mode, S_IFDIR))
		return -ENOTDIR;
	if (dir->mounted)
		return -EBUSY;
	if (nmounts == 0 || nmounts == MAX_MOUNTS)
		return nmounts ? -ENOMEM : -ENOENT;
	copy = kmalloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, where, len + 1);
	dir->mounted = sb;
	sb->covered = vfs_igrab(dir);
	mount_where[nmounts] = copy;
	mounts[nmounts++] = sb;
	return 0;
}

int vfs_for_each_mount(int (*fn)(void *arg, struct super_block *sb, const char *where), void *arg)
{
	for (unsigned i = 0; i < nmounts; i++) {
		int r = fn(arg, mounts[i], i ? mount_where[i] : "/");
		if (r)
			return r;
	}
	return 0;
}

int vfs_mount(const char *path, struct super_block *sb)
{
	struct vfs_path *p;
	struct inode *dir;
	char *where;
	int r;

	if (path[0] != '/')
		return -EINVAL;
	r = vfs_lookup(vfs_root(), path, NAMEI_FOLLOW | NAMEI_DIRECTORY, &p);
	if (r < 0)
		return r;
	where = kmalloc(VFS_PATH_MAX);
	if (!where) {
		vfs_path_put(p);
		return -ENOMEM;
	}
	/* The walk crossed into whatever is mounted there; mount on the covered directory
	 * only when nothing is (then p->inode is the directory itself). */
	dir = p->inode;
	if (dir->sb->covered && dir == dir->sb->root && p->parent)
		r = -EBUSY;
	else if ((r = (int)vfs_path_string(p, where, VFS_PATH_MAX)) >= 0)
		r = vfs_mount_at(dir, sb, where);
	kfree(where);
	vfs_path_put(p);
	return r;
}

struct sync_arg {
	struct super_block *sb; /* NULL: all */
	int err;
};

static int sync_one(struct inode *inode, void *arg)
{
	struct sync_arg *a = arg;
	int r;

	if (a->sb && inode->sb != a->sb)
		return 0;
	r = pagecache_writeback(inode);
	if (r == 0 && inode->dirty && inode->ops && inode->ops->fsync) {
		r = inode->ops->fsync(inode);
		if (r == 0)
			inode->dirty = false;
	}
	if (r < 0 && !a->err)
		a->err = r;
	return 0;
}

int vfs_sync_sb(struct super_block *sb)
{
	struct sync_arg a = {sb, 0};
	int r = vfs_for_each_inode(sync_one, &a);

	if (r < 0 && !a.err)
		a.err = r;
	if (sb->ops && sb->ops->sync) {
		r = sb->ops->sync(sb);
		if (r < 0 && !a.err)
			a.err = r;
	}
	return a.err;
}

int vfs_sync_all(void)
{
	int err = 0;

	for (unsigned i = 0; i < nmounts; i++) {
		int r = vfs_sync_sb(mounts[i]);
		if (r < 0 && !err)
			err = r;
	}
	return err;
}
