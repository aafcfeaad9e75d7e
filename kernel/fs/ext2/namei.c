/* namei.c: ext2 namespace operations: create, mkdir, symlink, link, unlink, rmdir,
 * rename. Each keeps link counts as e2fsck counts them: a file's nlink is the number of
 * entries naming it; a directory's is 2 plus its subdirectories (their ".." entries).
 *
 * Order on failure: the new entry is added last, so an error before it leaves at worst a
 * new inode that evict frees (nlink 0); removals come after additions, so an error never
 * leaves an inode without its name. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "fs/ext2/internal.h"
#include "lib/string.h"

/* Common checks for an operation that adds name to dir. */
static int can_add(struct inode *dir, const char *name, size_t len)
{
	uint32_t ino;
	int err;

	if (dir->sb->read_only)
		return -EROFS;
	if (!S_ISTYPE(dir->mode, S_IFDIR))
		return -ENOTDIR;
	if (dir->nlink == 0)
		return -ENOENT; /* removed directory */
	err = ext2_dir_find(dir, name, len, &ino);
	if (err == 0)
		return -EEXIST;
	return err == -ENOENT ? 0 : err;
}

static void touch_dir(struct inode *dir)
{
	dir->mtime = dir->ctime = vfs_now();
}

/* Drop a half-made inode: nlink 0 makes evict free it on disk. */
static void discard(struct inode *inode)
{
	inode->nlink = 0;
	vfs_iput(inode);
}

int ext2_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
		struct inode **out)
{
	struct inode *inode;
	int err;

	*out = NULL;
	err = can_add(dir, name, len);
	if (err)
		return err;
	if (ext2_ftype(mode) == EXT2_FT_UNKNOWN || S_ISTYPE(mode, S_IFDIR) ||
	    S_ISTYPE(mode, S_IFLNK))
		return -EINVAL;
	err = ext2_new_inode(dir, mode, &inode);
	if (err)
		return err;
	if (S_ISTYPE(mode, S_IFCHR) || S_ISTYPE(mode, S_IFBLK)) {
		/* Old encoding in i_block[0] when it fits 16 bits, else the new one in [1]. */
		ext2_info(inode)->d.i_block[rdev < 0x10000 ? 0 : 1] = rdev;
		inode->rdev = rdev;
	}
	err = ext2_write_inode(inode);
	if (!err)
		err = ext2_dir_add(dir, name, len, (uint32_t)inode->ino, mode);
	if (err) {
		discard(inode);
		return err;
	}
	touch_dir(dir);
	ext2_write_inode(dir);
	*out = inode;
	return 0;
}

int ext2_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out)
{
	struct inode *inode;
	int err;

	*out = NULL;
	err = can_add(dir, name, len);
	if (err)
		return err;
	if (dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_new_inode(dir, S_IFDIR | (mode & ~S_IFMT), &inode);
	if (err)
		return err;
	inode->nlink = 2;
	err = ext2_dir_init(inode, (uint32_t)dir->ino);
	if (!err)
		err = ext2_dir_add(dir, name, len, (uint32_t)inode->ino, S_IFDIR);
	if (err) {
		discard(inode);
		return err;
	}
	dir->nlink++;
	touch_dir(dir);
	ext2_write_inode(dir);
	*out = inode;
	return 0;
}

int ext2_symlink(struct inode *dir, const char *name, size_t len, const char *target,
		 struct inode **out)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	size_t tlen = strlen(target);
	struct inode *inode;
	uint32_t pblk;
	struct buf *b;
	int err;

	*out = NULL;
	if (tlen == 0)
		return -ENOENT;
	if (tlen >= fs->bsize)
		return -ENAMETOOLONG;
	err = can_add(dir, name, len);
	if (err)
		return err;
	err = ext2_new_inode(dir, S_IFLNK | 0777, &inode);
	if (err)
		return err;
	if (tlen < EXT2_FAST_SYMLINK_MAX) {
		memcpy(ext2_info(inode)->d.i_block, target, tlen);
	} else {
		err = ext2_bmap(inode, 0, true, true, &pblk);
		if (!err)
			err = ext2_bread(fs, pblk, inode->ino, &b);
		if (!err) {
			memcpy(b->data, target, tlen);
			bcache_dirty(b);
			bcache_put(b);
		}
	}
	inode->size = tlen;
	if (!err)
		err = ext2_write_inode(inode);
	if (!err)
		err = ext2_dir_add(dir, name, len, (uint32_t)inode->ino, S_IFLNK);
	if (err) {
		discard(inode);
		return err;
	}
	touch_dir(dir);
	ext2_write_inode(dir);
	*out = inode;
	return 0;
}

int ext2_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
	int err;

	if (S_ISTYPE(target->mode, S_IFDIR))
		return -EPERM;
	if (target->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = can_add(dir, name, len);
	if (err)
		return err;
	err = ext2_dir_add(dir, name, len, (uint32_t)target->ino, target->mode);
	if (err)
		return err;
	target->nlink++;
	target->ctime = vfs_now();
	touch_dir(dir);
	ext2_write_inode(dir);
	return ext2_write_inode(target);
}

/* The inode dir/name (held) for a removal. */
static int victim(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	*out = NULL;
	if (dir->sb->read_only)
		return -EROFS;
	if (!S_ISTYPE(dir->mode, S_IFDIR))
		return -ENOTDIR;
	return ext2_lookup(dir, name, len, out);
}

int ext2_unlink(struct inode *dir, const char *name, size_t len)
{
	struct inode *inode;
	int err;

	err = victim(dir, name, len, &inode);
	if (err)
		return err;
	if (S_ISTYPE(inode->mode, S_IFDIR)) {
		vfs_iput(inode);
		return -EISDIR;
	}
	err = ext2_dir_remove(dir, name, len);
	if (!err) {
		if (inode->nlink)
			inode->nlink--;
		inode->ctime = vfs_now();
		touch_dir(dir);
		ext2_write_inode(dir);
		err = ext2_write_inode(inode);
	}
	vfs_iput(inode);
	return err;
}

int ext2_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct inode *inode;
	int err;

	err = victim(dir, name, len, &inode);
	if (err)
		return err;
	if (!S_ISTYPE(inode->mode, S_IFDIR))
		err = -ENOTDIR;
	else
		err = ext2_dir_is_empty(inode);
	if (err == 0)
		err = -ENOTEMPTY;
	if (err == 1)
		err = ext2_dir_remove(dir, name, len);
	if (!err) {
		inode->nlink = 0;
		inode->ctime = vfs_now();
		if (dir->nlink > 2)
			dir->nlink--;
		touch_dir(dir);
		ext2_write_inode(dir);
		err = ext2_write_inode(inode);
	}
	vfs_iput(inode);
	return err;
}

/* rename over an existing target tgt (held): check it may go, then point the name at src. */
static int replace(struct inode *ndir, const char *nname, size_t nlen, struct inode *src,
		   struct inode *tgt)
{
	bool src_dir = S_ISTYPE(src->mode, S_IFDIR);
	int err;

	if (src_dir && !S_ISTYPE(tgt->mode, S_IFDIR))
		return -ENOTDIR;
	if (!src_dir && S_ISTYPE(tgt->mode, S_IFDIR))
		return -EISDIR;
	if (src_dir) {
		err = ext2_dir_is_empty(tgt);
		if (err <= 0)
			return err ? err : -ENOTEMPTY;
	}
	err = ext2_dir_retarget(ndir, nname, nlen, (uint32_t)src->ino, src->mode);
	if (err)
		return err;
	if (src_dir) {
		tgt->nlink = 0;
		if (ndir->nlink > 2)
			ndir->nlink--; /* tgt's ".." is gone */
	} else if (tgt->nlink) {
		tgt->nlink--;
	}
	tgt->ctime = vfs_now();
	return ext2_write_inode(tgt);
}

/* Move directory d (named in `from`) under `to`: its ".." and both link counts. */
static int reparent(struct inode *d, struct inode *from, struct inode *to)
{
	int err = ext2_dir_set_parent(d, (uint32_t)to->ino);

	if (err)
		return err;
	if (from->nlink > 2)
		from->nlink--;
	to->nlink++;
	return 0;
}

/* RENAME_EXCHANGE: odir/oname names a, ndir/nname names b; swap them. */
static int exchange(struct inode *odir, const char *oname, size_t olen, struct inode *a,
		    struct inode *ndir, const char *nname, size_t nlen, struct inode *b)
{
	bool a_dir = S_ISTYPE(a->mode, S_IFDIR), b_dir = S_ISTYPE(b->mode, S_IFDIR);
	int err;

	if (odir != ndir && ((a_dir && !b_dir && ndir->nlink >= EXT2_LINK_MAX) ||
			     (b_dir && !a_dir && odir->nlink >= EXT2_LINK_MAX)))
		return -EMLINK;
	err = ext2_dir_retarget(odir, oname, olen, (uint32_t)b->ino, b->mode);
	if (!err)
		err = ext2_dir_retarget(ndir, nname, nlen, (uint32_t)a->ino, a->mode);
	if (!err && odir != ndir && a_dir)
		err = reparent(a, odir, ndir);
	if (!err && odir != ndir && b_dir)
		err = reparent(b, ndir, odir);
	a->ctime = b->ctime = vfs_now();
	touch_dir(odir);
	touch_dir(ndir);
	ext2_write_inode(a);
	ext2_write_inode(b);
	ext2_write_inode(odir);
	ext2_write_inode(ndir);
	return err;
}

int ext2_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		const char *nname, size_t nlen, unsigned flags)
{
	struct inode *src = NULL, *tgt = NULL;
	bool src_dir, moved;
	int err;

	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE) ||
	    flags == (RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (odir->sb->read_only)
		return -EROFS;
	err = victim(odir, oname, olen, &src);
	if (err)
		return err;
	if (flags & RENAME_EXCHANGE) {
		err = ext2_lookup(ndir, nname, nlen, &tgt);
		if (!err && tgt != src)
			err = exchange(odir, oname, olen, src, ndir, nname, nlen, tgt);
		goto out;
	}
	src_dir = S_ISTYPE(src->mode, S_IFDIR);
	moved = src_dir && odir != ndir;
	err = ext2_lookup(ndir, nname, nlen, &tgt);
	if (err == 0) {
		if (tgt == src)
			goto out; /* two names of one file: nothing to do */
		err = flags & RENAME_NOREPLACE ? -EEXIST : replace(ndir, nname, nlen, src, tgt);
	} else if (err == -ENOENT) {
		if (moved && ndir->nlink >= EXT2_LINK_MAX)
			err = -EMLINK;
		else if (ndir->nlink == 0)
			err = -ENOENT;
		else
			err = ext2_dir_add(ndir, nname, nlen, (uint32_t)src->ino, src->mode);
	}
	if (err)
		goto out;
	err = ext2_dir_remove(odir, oname, olen);
	if (err)
		goto out;
	if (moved)
		err = reparent(src, odir, ndir);
	src->ctime = vfs_now();
	touch_dir(odir);
	touch_dir(ndir);
	ext2_write_inode(src);
	ext2_write_inode(odir);
	ext2_write_inode(ndir);
out:
	vfs_iput(tgt);
	vfs_iput(src);
	return err;
}
