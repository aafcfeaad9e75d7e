/* file.c: ext2 file data and attributes: readpage/writepage for the page cache, symlink
 * targets, setattr (truncate and extend), fsync.
 *
 * Regular file data moves between the page and the disk directly (blkdev_rw, one request
 * per run of contiguous blocks), not through the block cache: the page cache already
 * holds it. This is coherent because a data block is never in the block cache: blocks
 * freed from directories or indirect maps are dropped from it (ext2_free_block), and only
 * metadata, directory and symlink blocks are read through it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "core/printk.h"
#include "fs/ext2/internal.h"
#include "lib/string.h"
#include "mm/heap.h"

#define PAGE_BYTES 4096u

static int data_io(struct ext2_fs *fs, int op, uint32_t pblk, void *buf, uint32_t nblocks)
{
	uint32_t spb = fs->bsize / BLK_SECTOR_SIZE;
	int err = blkdev_rw(fs->dev, op, (uint64_t)pblk * spb, buf, nblocks * spb);

	if (err)
		printk("isle: ext2: %s: data %s of block %u failed (%d)\n", fs->dev->name,
		       op == BLK_READ ? "read" : "write", pblk, err);
	return err ? -EIO : 0;
}

int ext2_readpage(struct inode *inode, uint64_t index, void *page)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	uint32_t per = PAGE_BYTES / fs->bsize, i, run, pblk, first = 0;
	uint64_t start;
	int err;

	memset(page, 0, PAGE_BYTES);
	if (index >= (inode->size + PAGE_BYTES - 1) / PAGE_BYTES)
		return 0;
	start = index * per;
	/* Gather runs of physically contiguous blocks into one request each. */
	for (i = 0, run = 0; i <= per; i++) {
		pblk = 0;
		if (i < per && (start + i) * fs->bsize < inode->size) {
			err = ext2_bmap(inode, start + i, false, false, &pblk);
			if (err)
				return err;
		}
		if (run && pblk == first + run) {
			run++;
			continue;
		}
		if (run) {
			err = data_io(fs, BLK_READ, first, (char *)page + (i - run) * fs->bsize,
				      run);
			if (err)
				return err;
		}
		first = pblk;
		run = pblk ? 1 : 0;
	}
	if (inode->size < (index + 1) * PAGE_BYTES) /* the part past EOF reads as zeros */
		memset((char *)page + inode->size % PAGE_BYTES, 0,
		       PAGE_BYTES - inode->size % PAGE_BYTES);
	return 0;
}

/* Readahead: runs of physically contiguous blocks across the n pages are read with one
 * request each into a bounce buffer (the pages themselves are not physically adjacent)
 * and copied out. Allocated once; a failed allocation falls back to page by page. */
#define READ_RUN_MAX (128u * 1024u)

int ext2_readpages(struct inode *inode, uint64_t index, unsigned n, void *const *pages)
{
	static char *bounce;
	struct ext2_fs *fs = ext2_fs_of(inode);
	uint32_t per = PAGE_BYTES / fs->bsize, run = 0, first = 0, pblk;
	uint64_t start = index * per, nblk = (uint64_t)n * per, run_at = 0;
	uint64_t eof_blk = (inode->size + fs->bsize - 1) / fs->bsize;
	int err;

	if (!bounce)
		bounce = kmalloc(READ_RUN_MAX);
	if (!bounce) {
		for (unsigned k = 0; k < n; k++)
			if ((err = ext2_readpage(inode, index + k, pages[k])) < 0)
				return err;
		return 0;
	}
	for (unsigned k = 0; k < n; k++)
		memset(pages[k], 0, PAGE_BYTES);
	for (uint64_t b = 0; b <= nblk; b++) {
		pblk = 0;
		if (b < nblk && start + b < eof_blk) {
			err = ext2_bmap(inode, start + b, false, false, &pblk);
			if (err)
				return err;
		}
		if (run && pblk == first + run && (run + 1) * fs->bsize <= READ_RUN_MAX) {
			run++;
			continue;
		}
		if (run) {
			err = data_io(fs, BLK_READ, first, bounce, run);
			if (err)
				return err;
			for (uint32_t j = 0; j < run; j++) {
				uint64_t at = run_at + j;
				memcpy((char *)pages[at / per] + (at % per) * fs->bsize,
				       bounce + (size_t)j * fs->bsize, fs->bsize);
			}
		}
		first = pblk;
		run_at = b;
		run = pblk ? 1 : 0;
	}
	/* The part of the last page past EOF reads as zeros (the block on disk may not). */
	uint64_t last = index + n - 1;
	if (inode->size < (last + 1) * PAGE_BYTES && inode->size > index * PAGE_BYTES) {
		uint64_t k = inode->size / PAGE_BYTES - index;
		memset((char *)pages[k] + inode->size % PAGE_BYTES, 0,
		       PAGE_BYTES - inode->size % PAGE_BYTES);
	}
	return 0;
}

int ext2_writepage(struct inode *inode, uint64_t index, const void *page)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	uint32_t per = PAGE_BYTES / fs->bsize, i, pblk;
	uint64_t off;
	char *bounce;
	int err;

	if (inode->sb->read_only)
		return -EROFS;
	if (index >= ext2_max_size(fs) / PAGE_BYTES || inode->size > ext2_max_size(fs))
		return -EFBIG;
	for (i = 0; i < per; i++) {
		off = (index * per + i) * fs->bsize;
		if (off >= inode->size)
			break;
		err = ext2_bmap(inode, index * per + i, true, false, &pblk);
		if (err)
			return err;
		if (inode->size - off >= fs->bsize) {
			err = data_io(fs, BLK_WRITE, pblk, (char *)page + i * fs->bsize, 1);
		} else { /* the last block: zeros past EOF on disk too */
			bounce = kzalloc(fs->bsize);
			if (!bounce)
				return -ENOMEM;
			memcpy(bounce, (const char *)page + i * fs->bsize, inode->size - off);
			err = data_io(fs, BLK_WRITE, pblk, bounce, 1);
			kfree(bounce);
		}
		if (err)
			return err;
	}
	return 0;
}

int ext2_prepare_write(struct inode *inode, uint64_t off, uint64_t len)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	uint32_t pblk;

	if (inode->sb->read_only)
		return -EROFS;
	if (!len)
		return 0;
	if (off >= ext2_max_size(fs) || len > ext2_max_size(fs) - off)
		return -EFBIG;
	for (uint64_t lblk = off / fs->bsize; lblk <= (off + len - 1) / fs->bsize; lblk++) {
		int err = ext2_bmap(inode, lblk, true, false, &pblk);
		if (err)
			return err;
	}
	return 0;
}

long ext2_readlink(struct inode *inode, char *buf, size_t size)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	size_t n = inode->size < size ? inode->size : size;
	uint32_t pblk;
	struct buf *b;
	int err;

	if (!S_ISTYPE(inode->mode, S_IFLNK))
		return -EINVAL;
	if (ext2_is_fast_symlink(inode)) {
		if (inode->size >= EXT2_FAST_SYMLINK_MAX) {
			printk("isle: ext2: %s: symlink inode %llu: inline target too long\n",
			       fs->dev->name, (unsigned long long)inode->ino);
			return -EIO;
		}
		memcpy(buf, ext2_info(inode)->d.i_block, n);
		return (long)n;
	}
	err = ext2_bmap(inode, 0, false, false, &pblk);
	if (!err && !pblk)
		err = -EIO;
	if (!err)
		err = ext2_bread(fs, pblk, inode->ino, &b);
	if (err)
		return err;
	memcpy(buf, b->data, n);
	bcache_put(b);
	return (long)n;
}

/* Zero the on-disk bytes of the block holding file offset pos, from pos to its end (so
 * a later extension reads zeros there). */
static int zero_tail(struct inode *inode, uint64_t pos)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	uint32_t in = (uint32_t)(pos % fs->bsize), pblk;
	char *tmp;
	int err;

	if (in == 0)
		return 0;
	err = ext2_bmap(inode, pos / fs->bsize, false, false, &pblk);
	if (err || !pblk)
		return err;
	tmp = kmalloc(fs->bsize);
	if (!tmp)
		return -ENOMEM;
	err = data_io(fs, BLK_READ, pblk, tmp, 1);
	if (!err) {
		memset(tmp + in, 0, fs->bsize - in);
		err = data_io(fs, BLK_WRITE, pblk, tmp, 1);
	}
	kfree(tmp);
	return err;
}

static int resize(struct inode *inode, uint64_t size)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	int err;

	if (S_ISTYPE(inode->mode, S_IFDIR))
		return -EISDIR;
	if (!S_ISTYPE(inode->mode, S_IFREG))
		return -EINVAL;
	if (size > ext2_max_size(fs))
		return -EFBIG;
	if (size < inode->size) {
		err = ext2_free_blocks_from(inode, (size + fs->bsize - 1) / fs->bsize);
		if (!err)
			err = zero_tail(inode, size);
	} else {
		err = zero_tail(inode, inode->size);
	}
	if (err)
		return err;
	inode->size = size;
	inode->mtime = vfs_now();
	return 0;
}

int ext2_setattr(struct inode *inode, const struct iattr *attr)
{
	int err;

	if (inode->sb->read_only)
		return -EROFS;
	if (attr->valid & ATTR_SIZE) {
		err = resize(inode, attr->size);
		if (err)
			return err;
	}
	vfs_apply_attr(inode, attr);
	return ext2_write_inode(inode);
}

int ext2_fsync(struct inode *inode)
{
	struct ext2_fs *fs = ext2_fs_of(inode);
	int err;

	if (inode->sb->read_only)
		return 0;
	err = ext2_write_inode(inode);
	if (!err)
		err = ext2_put_super(fs);
	if (!err)
		err = bcache_sync(fs->dev);
	return err;
}
