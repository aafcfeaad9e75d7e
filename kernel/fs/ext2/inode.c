/* inode.c: ext2 inodes in memory: reading and checking them from the inode table,
 * writing them back, creating new ones and freeing them on disk.
 *
 * The VFS owns mode, nlink, uid, gid, size, blocks and the times in struct inode; the
 * rest of the on-disk inode (block map, flags, xattr block, generation) lives in
 * ext2_inode_info and only ext2 changes it. ext2_write_inode merges the two into the
 * inode table block, so it may be called as often as wanted. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "core/printk.h"
#include "fs/ext2/internal.h"
#include "lib/string.h"
#include "mm/heap.h"

#define XATTR_MAGIC 0xEA020000u
#define EXTRA_ISIZE_NEW 32 /* what mke2fs gives large inodes: nanosecond times */

static uint32_t generation = 0x1d5e0001u;

/* Whether block is one of its group's bitmaps or inode table blocks, or the primary
 * descriptor table: never file data or a block map. */
static bool is_group_metadata(struct ext2_fs *fs, uint32_t block)
{
	uint32_t g = (block - fs->super.s_first_data_block) / fs->super.s_blocks_per_group;
	uint32_t per_block = fs->bsize / sizeof(struct ext2_group);
	uint64_t itable_blocks =
		((uint64_t)fs->super.s_inodes_per_group * fs->inode_size + fs->bsize - 1) /
		fs->bsize;
	const struct ext2_group *gd = &fs->groups[g];

	if (block - fs->gdt_block < (fs->ngroups + per_block - 1) / per_block)
		return true;
	return block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap ||
	       (block >= gd->bg_inode_table && block - gd->bg_inode_table < itable_blocks);
}

bool ext2_check_block(struct ext2_fs *fs, uint32_t block, uint64_t ino, const char *what)
{
	if (block <= fs->super.s_first_data_block || block >= fs->super.s_blocks_count) {
		printk("isle: ext2: %s: inode %llu: %s %u outside the file system\n", fs->dev->name,
		       (unsigned long long)ino, what, block);
		return false;
	}
	if (is_group_metadata(fs, block)) {
		printk("isle: ext2: %s: inode %llu: %s %u is file-system metadata\n", fs->dev->name,
		       (unsigned long long)ino, what, block);
		return false;
	}
	return true;
}

int ext2_bread(struct ext2_fs *fs, uint32_t block, uint64_t ino, struct buf **out)
{
	int err;

	*out = NULL;
	if (ino) {
		if (!ext2_check_block(fs, block, ino, "block"))
			return -EIO;
	} else if (block < fs->super.s_first_data_block || block >= fs->super.s_blocks_count) {
		printk("isle: ext2: %s: metadata block %u outside the file system\n", fs->dev->name,
		       block);
		return -EIO;
	}
	err = bcache_get(fs->dev, block, fs->bsize, out);
	return err == -EINVAL ? -EIO : err;
}

unsigned ext2_ftype(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFCHR:
		return EXT2_FT_CHR;
	case S_IFBLK:
		return EXT2_FT_BLK;
	case S_IFIFO:
		return EXT2_FT_FIFO;
	case S_IFSOCK:
		return EXT2_FT_SOCK;
	case S_IFLNK:
		return EXT2_FT_LNK;
	}
	return EXT2_FT_UNKNOWN;
}

uint64_t ext2_max_size(struct ext2_fs *fs)
{
	uint64_t p = fs->ptrs, blocks = EXT2_NDIR + p + p * p + p * p * p;
	/* 2 TiB less room for the block map: keeps i_blocks (512-byte units, data and
	 * map) within 32 bits. */
	uint64_t limit = (1ull << 41) - (1ull << 32);

	return blocks * fs->bsize < limit ? blocks * fs->bsize : limit;
}

/* Where inode ino lives: table block and byte offset in it. */
static int locate(struct ext2_fs *fs, uint64_t ino, uint32_t *block, uint32_t *off)
{
	uint32_t ipg = fs->super.s_inodes_per_group, g, idx;
	uint64_t byte;

	if (ino == 0 || ino > fs->super.s_inodes_count) {
		printk("isle: ext2: %s: inode number %llu out of range\n", fs->dev->name,
		       (unsigned long long)ino);
		return -EIO;
	}
	g = (uint32_t)((ino - 1) / ipg);
	idx = (uint32_t)((ino - 1) % ipg);
	byte = (uint64_t)idx * fs->inode_size;
	*block = fs->groups[g].bg_inode_table + (uint32_t)(byte / fs->bsize);
	*off = (uint32_t)(byte % fs->bsize);
	return 0;
}

static void decode_time(uint32_t lo, uint32_t extra, bool has_extra, struct timespec64 *t)
{
	t->sec = (int32_t)lo;
	t->nsec = 0;
	if (has_extra) {
		t->sec += (int64_t)(extra & 3) << 32;
		t->nsec = extra >> 2;
		if (t->nsec > 999999999)
			t->nsec = 0;
	}
}

static uint32_t encode_extra(const struct timespec64 *t)
{
	return (uint32_t)(((t->sec - (int32_t)t->sec) >> 32) & 3) | (uint32_t)(t->nsec << 2);
}

static bool has_extra_times(struct ext2_fs *fs, const struct ext2_dinode *d)
{
	return fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE && d->i_extra_isize >= 16;
}

/* Check the on-disk inode and fill the VFS fields from it. */
static int load(struct ext2_fs *fs, struct inode *inode, struct ext2_inode_info *ii)
{
	struct ext2_dinode *d = &ii->d;
	const char *dev = fs->dev->name;
	unsigned long long ino = inode->ino;
	bool extra;

	if (d->i_links_count == 0) {
		printk("isle: ext2: %s: inode %llu is not in use (deleted)\n", dev, ino);
		return -EIO;
	}
	if (ext2_ftype(d->i_mode) == EXT2_FT_UNKNOWN) {
		printk("isle: ext2: %s: inode %llu: bad mode %#o\n", dev, ino, d->i_mode);
		return -EIO;
	}
	if (d->i_flags & (EXT2_EXTENTS_FL | EXT2_INLINE_DATA_FL)) {
		printk("isle: ext2: %s: inode %llu uses extents or inline data (unsupported)\n",
		       dev, ino);
		return -EIO;
	}
	if (fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE &&
	    (d->i_extra_isize > fs->inode_size - EXT2_GOOD_OLD_INODE_SIZE ||
	     d->i_extra_isize % 4)) {
		printk("isle: ext2: %s: inode %llu: bad extra size %u\n", dev, ino,
		       d->i_extra_isize);
		return -EIO;
	}
	inode->mode = d->i_mode;
	inode->nlink = d->i_links_count;
	inode->uid = d->i_uid | (uint32_t)d->i_uid_high << 16;
	inode->gid = d->i_gid | (uint32_t)d->i_gid_high << 16;
	inode->size = d->i_size;
	if (S_ISTYPE(d->i_mode, S_IFREG))
		inode->size |= (uint64_t)d->i_size_high << 32;
	inode->blocks = d->i_blocks;
	extra = has_extra_times(fs, d);
	decode_time(d->i_atime, d->i_atime_extra, extra, &inode->atime);
	decode_time(d->i_mtime, d->i_mtime_extra, extra, &inode->mtime);
	decode_time(d->i_ctime, d->i_ctime_extra, extra, &inode->ctime);
	if (S_ISTYPE(d->i_mode, S_IFCHR) || S_ISTYPE(d->i_mode, S_IFBLK))
		inode->rdev = d->i_block[0] ? d->i_block[0] : d->i_block[1];
	if (inode->size > ext2_max_size(fs)) {
		printk("isle: ext2: %s: inode %llu: size %llu too large\n", dev, ino,
		       (unsigned long long)inode->size);
		return -EIO;
	}
	if (S_ISTYPE(d->i_mode, S_IFDIR) &&
	    (inode->size % fs->bsize || inode->size > inode->blocks * 512)) {
		/* Directory scans are bounded by the blocks really allocated. */
		printk("isle: ext2: %s: directory inode %llu: size %llu does not match its "
		       "blocks\n",
		       dev, ino, (unsigned long long)inode->size);
		return -EIO;
	}
	if (S_ISTYPE(d->i_mode, S_IFLNK) && (inode->size == 0 || inode->size >= fs->bsize)) {
		printk("isle: ext2: %s: symlink inode %llu: bad length %llu\n", dev, ino,
		       (unsigned long long)inode->size);
		return -EIO;
	}
	return 0;
}

static void live_add(struct ext2_fs *fs, struct ext2_inode_info *ii)
{
	ii->prev = NULL;
	ii->next = fs->live;
	if (fs->live)
		fs->live->prev = ii;
	fs->live = ii;
}

static void live_remove(struct ext2_fs *fs, struct ext2_inode_info *ii)
{
	if (ii->prev)
		ii->prev->next = ii->next;
	else
		fs->live = ii->next;
	if (ii->next)
		ii->next->prev = ii->prev;
}

/* Ops for an inode whose loading failed: only evict, so dropping it is safe. */
static void evict_bad(struct inode *inode)
{
	inode->priv = NULL;
}
static const struct inode_ops ext2_bad_ops = {.evict = evict_bad};

static struct ext2_inode_info *attach(struct ext2_fs *fs, struct inode *inode)
{
	struct ext2_inode_info *ii = kzalloc(sizeof(*ii));

	if (!ii)
		return NULL;
	ii->inode = inode;
	inode->priv = ii;
	live_add(fs, ii);
	return ii;
}

int ext2_iget(struct ext2_fs *fs, uint64_t ino, struct inode **out)
{
	struct ext2_inode_info *ii;
	struct inode *inode;
	uint32_t block, off;
	struct buf *b;
	bool fresh = false;
	int err;

	*out = NULL;
	if (ino != EXT2_ROOT_INO && ino < fs->first_ino) {
		printk("isle: ext2: %s: reference to reserved inode %llu\n", fs->dev->name,
		       (unsigned long long)ino);
		return -EIO;
	}
	err = locate(fs, ino, &block, &off);
	if (err)
		return err;
	inode = vfs_iget(&fs->sb, ino, &fresh);
	if (!inode)
		return -ENOMEM;
	if (!fresh) {
		*out = inode;
		return 0;
	}
	inode->ops = &ext2_bad_ops;
	inode->loading = true;		    /* other lookups wait while the table block is read */
	err = ext2_bread(fs, block, 0, &b); /* an inode table block */
	if (err)
		goto fail;
	ii = attach(fs, inode);
	if (!ii) {
		bcache_put(b);
		err = -ENOMEM;
		goto fail;
	}
	memcpy(ii->raw, (char *)b->data + off, fs->inode_size);
	bcache_put(b);
	ii->alloc_goal = ii->d.i_block[0];
	err = load(fs, inode, ii);
	if (err) {
		live_remove(fs, ii);
		kfree(ii);
		inode->priv = NULL;
		goto fail;
	}
	ext2_set_ops(inode);
	vfs_iget_loaded(inode);
	*out = inode;
	return 0;
fail:
	vfs_iget_loaded(inode);
	vfs_iput(inode);
	return err;
}

int ext2_write_inode(struct inode *inode)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	struct ext2_inode_info *ii = ext2_info(inode);
	struct ext2_dinode *d;
	uint32_t block, off;
	struct buf *b;
	int err;

	if (!ii || inode->sb->read_only)
		return 0;
	d = &ii->d;
	d->i_mode = (uint16_t)inode->mode;
	d->i_uid = (uint16_t)inode->uid;
	d->i_uid_high = (uint16_t)(inode->uid >> 16);
	d->i_gid = (uint16_t)inode->gid;
	d->i_gid_high = (uint16_t)(inode->gid >> 16);
	d->i_links_count = (uint16_t)(inode->nlink > EXT2_LINK_MAX ? EXT2_LINK_MAX : inode->nlink);
	d->i_size = (uint32_t)inode->size;
	if (S_ISTYPE(inode->mode, S_IFREG)) {
		d->i_size_high = (uint32_t)(inode->size >> 32);
		if (inode->size > 0x7fffffffu &&
		    !(fs->super.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
			fs->super.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
			err = ext2_put_super(fs);
			if (err)
				return err;
		}
	}
	d->i_blocks = (uint32_t)inode->blocks;
	d->i_atime = (uint32_t)inode->atime.sec;
	d->i_mtime = (uint32_t)inode->mtime.sec;
	d->i_ctime = (uint32_t)inode->ctime.sec;
	if (has_extra_times(fs, d)) {
		d->i_atime_extra = encode_extra(&inode->atime);
		d->i_mtime_extra = encode_extra(&inode->mtime);
		d->i_ctime_extra = encode_extra(&inode->ctime);
	}
	err = locate(fs, inode->ino, &block, &off);
	if (!err)
		err = ext2_bread(fs, block, 0, &b); /* an inode table block */
	if (err)
		return err;
	if (memcmp((char *)b->data + off, ii->raw, fs->inode_size)) {
		memcpy((char *)b->data + off, ii->raw, fs->inode_size);
		bcache_dirty(b);
	}
	bcache_put(b);
	inode->dirty = false;
	return 0;
}

int ext2_new_inode(struct inode *dir, uint32_t mode, struct inode **out)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	bool is_dir = S_ISTYPE(mode, S_IFDIR), fresh = false;
	struct ext2_inode_info *ii;
	struct inode *inode;
	uint32_t ino;
	int err;

	*out = NULL;
	err = ext2_alloc_inode(fs, dir->ino, is_dir, &ino);
	if (err)
		return err;
	inode = vfs_iget(&fs->sb, ino, &fresh);
	if (!inode || !fresh) {
		if (inode) {
			printk("isle: ext2: %s: new inode %u already in memory\n", fs->dev->name,
			       ino);
			vfs_iput(inode);
		}
		ext2_free_inode(fs, ino, is_dir);
		return inode ? -EIO : -ENOMEM;
	}
	inode->ops = &ext2_bad_ops;
	ii = attach(fs, inode);
	if (!ii) {
		vfs_iput(inode);
		ext2_free_inode(fs, ino, is_dir);
		return -ENOMEM;
	}
	if (fs->inode_size >= EXT2_GOOD_OLD_INODE_SIZE + EXTRA_ISIZE_NEW)
		ii->d.i_extra_isize = EXTRA_ISIZE_NEW;
	ii->d.i_generation = generation++;
	ii->alloc_goal = fs->super.s_first_data_block +
			 (ino - 1) / fs->super.s_inodes_per_group * fs->super.s_blocks_per_group;
	inode->mode = mode;
	inode->nlink = 1;
	inode->atime = inode->mtime = inode->ctime = vfs_now();
	ext2_set_ops(inode);
	err = ext2_write_inode(inode);
	if (err) {
		inode->nlink = 0; /* evict frees the bit */
		vfs_iput(inode);
		return err;
	}
	*out = inode;
	return 0;
}

/* Release the xattr block: drop one reference, free it with the last. */
static int release_xattr(struct inode *inode)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	struct ext2_inode_info *ii = ext2_info(inode);
	uint32_t blk = ii->d.i_file_acl, *hdr;
	struct buf *b;
	int err;

	if (!blk)
		return 0;
	ii->d.i_file_acl = 0;
	inode->blocks -= inode->blocks >= fs->bsize / 512 ? fs->bsize / 512 : inode->blocks;
	err = ext2_bread(fs, blk, inode->ino, &b);
	if (err)
		return err;
	hdr = b->data;
	if (hdr[0] != XATTR_MAGIC) {
		bcache_put(b);
		printk("isle: ext2: %s: inode %llu: bad xattr block %u\n", fs->dev->name,
		       (unsigned long long)inode->ino, blk);
		return -EIO;
	}
	if (hdr[1] > 1) {
		hdr[1]--;
		bcache_dirty(b);
		bcache_put(b);
		return 0;
	}
	bcache_put(b);
	return ext2_free_block(fs, blk);
}

/* Whether the inode's i_block holds block numbers (not a fast symlink or a device). */
static bool has_block_map(struct inode *inode)
{
	struct ext2_inode_info *ii = ext2_info(inode);
	uint64_t acl = ii->d.i_file_acl ? ext2_fs_of(inode)->bsize / 512 : 0;

	if (S_ISTYPE(inode->mode, S_IFREG) || S_ISTYPE(inode->mode, S_IFDIR))
		return true;
	return S_ISTYPE(inode->mode, S_IFLNK) && ii->d.i_blocks > acl;
}

int ext2_delete_inode(struct inode *inode)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	struct ext2_inode_info *ii = ext2_info(inode);
	int err = 0, e;

	if (has_block_map(inode))
		err = ext2_free_blocks_from(inode, 0);
	e = release_xattr(inode);
	err = err ? err : e;
	ii->d.i_dtime = (uint32_t)vfs_now().sec;
	inode->nlink = 0;
	inode->size = 0;
	e = ext2_write_inode(inode);
	err = err ? err : e;
	e = ext2_free_inode(fs, (uint32_t)inode->ino, S_ISTYPE(inode->mode, S_IFDIR));
	return err ? err : e;
}

void ext2_evict(struct inode *inode)
{
	struct ext2_inode_info *ii = ext2_info(inode);

	if (!ii)
		return;
	if (!inode->sb->read_only) {
		if (inode->nlink == 0)
			ext2_delete_inode(inode);
		else
			ext2_write_inode(inode);
	}
	live_remove(ext2_fs_of(inode), ii);
	kfree(ii);
	inode->priv = NULL;
}

bool ext2_is_fast_symlink(struct inode *inode)
{
	return S_ISTYPE(inode->mode, S_IFLNK) && !has_block_map(inode);
}

static const struct inode_ops ext2_dir_ops = {
	.lookup = ext2_op_lookup,
	.create = ext2_op_create,
	.mkdir = ext2_op_mkdir,
	.symlink = ext2_op_symlink,
	.link = ext2_op_link,
	.unlink = ext2_op_unlink,
	.rmdir = ext2_op_rmdir,
	.rename = ext2_op_rename,
	.readdir = ext2_op_readdir,
	.setattr = ext2_setattr,
	.fsync = ext2_fsync,
	.evict = ext2_evict,
};

static const struct inode_ops ext2_file_ops = {
	.readpage = ext2_readpage,
	.writepage = ext2_writepage,
	.readpages = ext2_readpages,
	.prepare_write = ext2_prepare_write,
	.setattr = ext2_setattr,
	.fsync = ext2_fsync,
	.evict = ext2_evict,
};

static const struct inode_ops ext2_symlink_ops = {
	.readlink = ext2_readlink,
	.setattr = ext2_setattr,
	.fsync = ext2_fsync,
	.evict = ext2_evict,
};

static const struct inode_ops ext2_special_ops = {
	.setattr = ext2_setattr,
	.fsync = ext2_fsync,
	.evict = ext2_evict,
};

void ext2_set_ops(struct inode *inode)
{
	switch (inode->mode & S_IFMT) {
	case S_IFDIR:
		inode->ops = &ext2_dir_ops;
		break;
	case S_IFREG:
		inode->ops = &ext2_file_ops;
		break;
	case S_IFLNK:
		inode->ops = &ext2_symlink_ops;
		break;
	default:
		inode->ops = &ext2_special_ops;
	}
}
