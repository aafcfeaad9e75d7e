/* bmap.c: the ext2 block map: i_block[0..11] direct, [12] single, [13] double and [14]
 * triple indirect. Mapping (allocating on demand) and freeing from a file block on.
 *
 * Every block number read from an inode or an indirect block is checked with
 * ext2_check_block before use; the walk depth is fixed (at most 3 levels), so a corrupt
 * map that points back at itself cannot make it loop. */
#include <stdbool.h>
#include <stdint.h>

#include "core/errno.h"
#include "core/printk.h"
#include "fs/ext2/internal.h"
#include "lib/string.h"

/* Split file block lblk into the i_block slot and the indexes inside each indirect
 * level. Returns the depth (0 direct, 1-3), or -EFBIG. */
static int path_of(struct ext2_fs *fs, uint64_t lblk, uint32_t *slot, uint32_t idx[3])
{
	uint64_t p = fs->ptrs;

	if (lblk < EXT2_NDIR) {
		*slot = (uint32_t)lblk;
		return 0;
	}
	lblk -= EXT2_NDIR;
	if (lblk < p) {
		*slot = EXT2_IND;
		idx[0] = (uint32_t)lblk;
		return 1;
	}
	lblk -= p;
	if (lblk < p * p) {
		*slot = EXT2_DIND;
		idx[0] = (uint32_t)(lblk / p);
		idx[1] = (uint32_t)(lblk % p);
		return 2;
	}
	lblk -= p * p;
	if (lblk < p * p * p) {
		*slot = EXT2_TIND;
		idx[0] = (uint32_t)(lblk / (p * p));
		idx[1] = (uint32_t)(lblk / p % p);
		idx[2] = (uint32_t)(lblk % p);
		return 3;
	}
	return -EFBIG;
}

/* A new block for inode, zeroed through the cache when `zero` (metadata, directory and
 * symlink blocks; regular file data is written whole by writepage). */
static int new_block(struct inode *inode, bool zero, uint32_t *out)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	struct ext2_inode_info *ii = ext2_info(inode);
	struct buf *b;
	int err;

	err = ext2_alloc_block(fs, ii->alloc_goal, out);
	if (err)
		return err;
	ii->alloc_goal = *out + 1;
	inode->blocks += fs->bsize / 512;
	if (!zero)
		return 0;
	err = bcache_get_new(fs->dev, *out, fs->bsize, &b);
	if (err) {
		inode->blocks -= fs->bsize / 512;
		ext2_free_block(fs, *out);
		return err;
	}
	bcache_dirty(b);
	bcache_put(b);
	return 0;
}

int ext2_bmap(struct inode *inode, uint64_t lblk, bool alloc, bool zero, uint32_t *pblk)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	struct ext2_inode_info *ii = ext2_info(inode);
	uint32_t slot, idx[3], cur, *entry;
	struct buf *b;
	int depth, level, err;
	bool changed = false;

	*pblk = 0;
	depth = path_of(fs, lblk, &slot, idx);
	if (depth < 0)
		return depth;
	cur = ii->d.i_block[slot];
	if (!cur) {
		if (!alloc)
			return 0;
		err = new_block(inode, depth > 0 || zero, &cur);
		if (err)
			return err;
		ii->d.i_block[slot] = cur;
		changed = true;
	} else if (!ext2_check_block(fs, cur, inode->ino, "mapped block")) {
		return -EIO;
	}
	for (level = 0; level < depth; level++) {
		err = ext2_bread(fs, cur, inode->ino, &b);
		if (err)
			goto out;
		entry = (uint32_t *)b->data + idx[level];
		cur = *entry;
		if (!cur) {
			if (!alloc) {
				bcache_put(b);
				goto out;
			}
			err = new_block(inode, level + 1 < depth || zero, &cur);
			if (err) {
				bcache_put(b);
				goto out;
			}
			*entry = cur;
			bcache_dirty(b);
			changed = true;
		} else if (!ext2_check_block(fs, cur, inode->ino, "indirect entry")) {
			bcache_put(b);
			err = -EIO;
			goto out;
		}
		bcache_put(b);
	}
	*pblk = cur;
	err = 0;
out:
	if (changed) {
		int e = ext2_write_inode(inode);

		err = err ? err : e;
	}
	return err;
}

/* Free one block of inode and its share of i_blocks. */
static int drop(struct inode *inode, uint32_t block)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	uint64_t n = fs->bsize / 512;

	inode->blocks -= inode->blocks >= n ? n : inode->blocks;
	return ext2_free_block(fs, block);
}

/* Free the part at file block >= from of the tree under indirect block blk, which maps
 * `span` file blocks per entry starting at file block base. Returns 1 when the whole
 * tree (and blk) went, 0 when blk stays, or a negative errno. */
static int free_tree(struct inode *inode, uint32_t blk, int level, uint64_t base, uint64_t span,
		     uint64_t from)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	uint32_t i, *e;
	struct buf *b;
	int err, first = 0, r;
	bool all = from <= base;

	err = ext2_bread(fs, blk, inode->ino, &b);
	if (err)
		return err;
	e = b->data;
	for (i = 0; i < fs->ptrs; i++) {
		uint64_t start = base + i * span;

		if (!e[i] || start + span <= from)
			continue;
		if (!ext2_check_block(fs, e[i], inode->ino, "indirect entry")) {
			r = -EIO;
		} else if (level == 1) {
			r = drop(inode, e[i]);
			r = r ? r : 1;
		} else {
			r = free_tree(inode, e[i], level - 1, start, span / fs->ptrs, from);
		}
		if (r == 1) {
			e[i] = 0;
			bcache_dirty(b);
		} else if (r < 0 && !first) {
			first = r;
		}
	}
	bcache_put(b);
	if (first)
		return first;
	if (!all)
		return 0;
	err = drop(inode, blk);
	return err ? err : 1;
}

int ext2_free_blocks_from(struct inode *inode, uint64_t from)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	struct ext2_inode_info *ii = ext2_info(inode);
	uint64_t p = fs->ptrs, base = EXT2_NDIR, span = 1;
	uint32_t i;
	int err, first = 0, r;

	for (i = 0; i < EXT2_NDIR; i++) {
		if (i < from || !ii->d.i_block[i])
			continue;
		err = drop(inode, ii->d.i_block[i]);
		if (err && !first)
			first = err;
		ii->d.i_block[i] = 0;
	}
	for (i = EXT2_IND; i <= EXT2_TIND; i++) {
		uint64_t reach = span * p; /* file blocks under this slot */

		if (ii->d.i_block[i] && base + reach > from) {
			if (!ext2_check_block(fs, ii->d.i_block[i], inode->ino, "indirect block"))
				r = -EIO;
			else
				r = free_tree(inode, ii->d.i_block[i], (int)(i - EXT2_IND + 1),
					      base, span, from);
			if (r == 1)
				ii->d.i_block[i] = 0;
			else if (r < 0 && !first)
				first = r;
		}
		base += reach;
		span *= p;
	}
	err = ext2_write_inode(inode);
	return first ? first : err;
}
