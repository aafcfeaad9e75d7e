/* dirlock.c: the directory operations as the VFS calls them, each holding the
 * directory's lock (ext2_inode_info.dirlock) for its whole run. An operation reads and
 * writes directory blocks and sleeps on the disk between them; without the lock another
 * thread could change the directory meanwhile: two threads growing it by the same new
 * block (one's entry lost, a hole), a lookup missing a name being moved, two creates of
 * one name. Rename holds both directories, taken in address order. Only rename holds two
 * locks, so no other order can deadlock against it. Known gap: rmdir does not hold the
 * directory it removes, so an entry added in it at that moment is lost with it. */
#include "fs/ext2/internal.h"
#include "sched/mutex.h"

static void lock(struct inode *dir)
{
	kmutex_lock(&ext2_info(dir)->dirlock);
}

static void unlock(struct inode *dir)
{
	kmutex_unlock(&ext2_info(dir)->dirlock);
}

int ext2_op_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	lock(dir);
	int r = ext2_lookup(dir, name, len, out);
	unlock(dir);
	return r;
}

int ext2_op_readdir(struct inode *dir, uint64_t *pos, struct dir_emit *ctx)
{
	lock(dir);
	int r = ext2_readdir(dir, pos, ctx);
	unlock(dir);
	return r;
}

int ext2_op_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
		   struct inode **out)
{
	lock(dir);
	int r = ext2_create(dir, name, len, mode, rdev, out);
	unlock(dir);
	return r;
}

int ext2_op_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode,
		  struct inode **out)
{
	lock(dir);
	int r = ext2_mkdir(dir, name, len, mode, out);
	unlock(dir);
	return r;
}

int ext2_op_symlink(struct inode *dir, const char *name, size_t len, const char *target,
		    struct inode **out)
{
	lock(dir);
	int r = ext2_symlink(dir, name, len, target, out);
	unlock(dir);
	return r;
}

int ext2_op_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
	lock(dir);
	int r = ext2_link(dir, name, len, target);
	unlock(dir);
	return r;
}

int ext2_op_unlink(struct inode *dir, const char *name, size_t len)
{
	lock(dir);
	int r = ext2_unlink(dir, name, len);
	unlock(dir);
	return r;
}

int ext2_op_rmdir(struct inode *dir, const char *name, size_t len)
{
	lock(dir);
	int r = ext2_rmdir(dir, name, len);
	unlock(dir);
	return r;
}

int ext2_op_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		   const char *nname, size_t nlen, unsigned flags)
{
	struct inode *first = odir, *second = ndir;

	if ((uintptr_t)second < (uintptr_t)first) {
		first = ndir;
		second = odir;
	}
	lock(first);
	if (second != first)
		lock(second);
	int r = ext2_rename(odir, oname, olen, ndir, nname, nlen, flags);
	if (second != first)
		unlock(second);
	unlock(first);
	return r;
}
