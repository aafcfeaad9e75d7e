/* dir.c: ext2 directories: linear lists of entries in whole blocks, each entry's
 * rec_len reaching the next, the last reaching the end of its block.
 *
 * Every entry is checked before use (check_entry): rec_len at least the header and the
 * name, a multiple of 4, within the block; the inode number within the file system. A
 * bad entry or a hole in a directory gives -EIO and a log line. Directory blocks go
 * through the block cache. Hashed (dir_index) directories are read linearly, and a change
 * clears their index flag so the stale index is never trusted again. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "core/printk.h"
#include "fs/ext2/internal.h"
#include "lib/string.h"

/* Where an entry is: its block (held), offset, and the offset of the entry before it in
 * the same block (or UINT32_MAX). */
struct dpos {
	struct buf *b;
	uint32_t off, prev;
};

static struct ext2_dirent *at(struct buf *b, uint32_t off)
{
	return (struct ext2_dirent *)((char *)b->data + off);
}

static int check_entry(struct inode *dir, struct buf *b, uint32_t off)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	struct ext2_dirent *de;
	const char *why = NULL;

	if (off + EXT2_DIRENT_HDR > fs->bsize) {
		why = "entry header past the block";
	} else {
		de = at(b, off);
		if (de->rec_len < EXT2_DIRENT_HDR || de->rec_len % 4)
			why = "bad rec_len";
		else if (de->rec_len > fs->bsize - off)
			why = "rec_len past the block";
		else if (de->inode && EXT2_DIRENT_HDR + de->name_len > de->rec_len)
			why = "name longer than the entry";
		else if (de->inode > fs->super.s_inodes_count)
			why = "inode number out of range";
		else if (de->inode && de->name_len == 0)
			why = "empty name";
	}
	if (!why)
		return 0;
	printk("isle: ext2: %s: directory inode %llu, block %llu, offset %u: %s\n", fs->dev->name,
	       (unsigned long long)dir->ino, (unsigned long long)b->block, off, why);
	return -EIO;
}

/* Read directory block lblk (held in *out). */
static int dir_block(struct inode *dir, uint64_t lblk, struct buf **out)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	uint32_t pblk;
	int err;

	*out = NULL;
	err = ext2_bmap(dir, lblk, false, false, &pblk);
	if (err)
		return err;
	if (!pblk) {
		printk("isle: ext2: %s: directory inode %llu has a hole at block %llu\n",
		       fs->dev->name, (unsigned long long)dir->ino, (unsigned long long)lblk);
		return -EIO;
	}
	return ext2_bread(fs, pblk, dir->ino, out);
}

static bool name_is(const struct ext2_dirent *de, const char *name, size_t len)
{
	return de->inode && de->name_len == len && memcmp(de->name, name, len) == 0;
}

/* The first entry, in block order, for which want(de, arg) holds: 0 with pos->b held
 * (pos->prev is the entry before it in its block, UINT32_MAX when it is the first),
 * -ENOENT when there is none, -EIO from a damaged block. Every entry is checked before
 * want sees it. */
static int scan(struct inode *dir, bool (*want)(const struct ext2_dirent *de, const void *arg),
		const void *arg, struct dpos *pos)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	uint64_t lblk, nblocks = dir->size / fs->bsize;
	uint32_t off, prev;
	struct buf *b;
	int err;

	for (lblk = 0; lblk < nblocks; lblk++) {
		err = dir_block(dir, lblk, &b);
		if (err)
			return err;
		for (off = 0, prev = UINT32_MAX; off < fs->bsize;
		     prev = off, off += at(b, off)->rec_len) {
			err = check_entry(dir, b, off);
			if (err) {
				bcache_put(b);
				return err;
			}
			if (want(at(b, off), arg)) {
				pos->b = b;
				pos->off = off;
				pos->prev = prev;
				return 0;
			}
		}
		bcache_put(b);
	}
	return -ENOENT;
}

struct name_arg {
	const char *name;
	size_t len;
};

static bool has_name(const struct ext2_dirent *de, const void *arg)
{
	const struct name_arg *n = arg;
	return name_is(de, n->name, n->len);
}

/* Find name: 0 with pos->b held, -ENOENT, or -EIO. */
static int find(struct inode *dir, const char *name, size_t len, struct dpos *pos)
{
	struct name_arg n = {name, len};

	if (len == 0 || len > VFS_NAME_MAX)
		return len ? -ENAMETOOLONG : -ENOENT;
	return scan(dir, has_name, &n, pos);
}

static void set_entry(struct ext2_fs *fs, struct ext2_dirent *de, const char *name, size_t len,
		      uint32_t ino, uint32_t mode)
{
	de->inode = ino;
	de->name_len = (uint8_t)len;
	de->file_type = fs->filetype ? (uint8_t)ext2_ftype(mode) : 0;
	memcpy(de->name, name, len);
}

/* A directory is about to change: drop a hashed directory's index flag. */
static void modifying(struct inode *dir)
{
	ext2_info(dir)->d.i_flags &= ~EXT2_INDEX_FL;
}

int ext2_dir_find(struct inode *dir, const char *name, size_t len, uint32_t *ino)
{
	struct dpos pos;
	int err = find(dir, name, len, &pos);

	if (err)
		return err;
	*ino = at(pos.b, pos.off)->inode;
	bcache_put(pos.b);
	return 0;
}

/* An entry with room for a new one of length *need after its own name. */
static bool has_room(const struct ext2_dirent *de, const void *arg)
{
	uint32_t used = de->inode ? EXT2_DIRENT_LEN(de->name_len) : 0;
	return de->rec_len >= used + *(const uint32_t *)arg;
}

int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	uint32_t need = EXT2_DIRENT_LEN(len), pblk;
	struct ext2_dirent *de;
	struct dpos pos;
	struct buf *b;
	int err;

	if (len == 0 || len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	modifying(dir);
	err = scan(dir, has_room, &need, &pos);
	if (err == 0) {
		de = at(pos.b, pos.off);
		if (de->inode) { /* split: the new entry takes the slack */
			uint32_t used = EXT2_DIRENT_LEN(de->name_len);
			struct ext2_dirent *ne = at(pos.b, pos.off + used);

			ne->rec_len = (uint16_t)(de->rec_len - used);
			de->rec_len = (uint16_t)used;
			de = ne;
		}
		set_entry(fs, de, name, len, ino, mode);
		bcache_dirty(pos.b);
		bcache_put(pos.b);
		return ext2_write_inode(dir);
	}
	if (err != -ENOENT)
		return err;
	/* No room: a new block at the end. */
	err = ext2_bmap(dir, dir->size / fs->bsize, true, true, &pblk);
	if (err)
		return err;
	err = ext2_bread(fs, pblk, dir->ino, &b);
	if (err)
		return err;
	de = b->data;
	memset(b->data, 0, fs->bsize);
	de->rec_len = (uint16_t)fs->bsize;
	set_entry(fs, de, name, len, ino, mode);
	bcache_dirty(b);
	bcache_put(b);
	dir->size += fs->bsize;
	return ext2_write_inode(dir);
}

int ext2_dir_remove(struct inode *dir, const char *name, size_t len)
{
	struct dpos pos;
	struct ext2_dirent *de;
	int err = find(dir, name, len, &pos);

	if (err)
		return err;
	modifying(dir);
	de = at(pos.b, pos.off);
	if (pos.prev != UINT32_MAX)
		at(pos.b, pos.prev)->rec_len += de->rec_len;
	else
		de->inode = 0;
	bcache_dirty(pos.b);
	bcache_put(pos.b);
	return ext2_write_inode(dir);
}

int ext2_dir_retarget(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	struct dpos pos;
	struct ext2_dirent *de;
	int err = find(dir, name, len, &pos);

	if (err)
		return err;
	modifying(dir);
	de = at(pos.b, pos.off);
	de->inode = ino;
	de->file_type = fs->filetype ? (uint8_t)ext2_ftype(mode) : 0;
	bcache_dirty(pos.b);
	bcache_put(pos.b);
	return ext2_write_inode(dir);
}

static bool is_dot(const struct ext2_dirent *de)
{
	return de->name_len == 1 && de->name[0] == '.';
}

static bool is_dotdot(const struct ext2_dirent *de)
{
	return de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.';
}

static bool is_real(const struct ext2_dirent *de, const void *arg)
{
	return de->inode && !is_dot(de) && !is_dotdot(de);
}

int ext2_dir_is_empty(struct inode *dir)
{
	struct dpos pos;
	int err = scan(dir, is_real, NULL, &pos);

	if (err == 0)
		bcache_put(pos.b);
	return err == -ENOENT ? 1 : err == 0 ? 0 : err;
}

int ext2_dir_init(struct inode *dir, uint32_t parent)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	struct ext2_dirent *de;
	uint32_t pblk;
	struct buf *b;
	int err;

	err = ext2_bmap(dir, 0, true, true, &pblk);
	if (err)
		return err;
	err = ext2_bread(fs, pblk, dir->ino, &b);
	if (err)
		return err;
	memset(b->data, 0, fs->bsize);
	de = b->data;
	de->rec_len = EXT2_DIRENT_LEN(1);
	set_entry(fs, de, ".", 1, (uint32_t)dir->ino, S_IFDIR);
	de = at(b, EXT2_DIRENT_LEN(1));
	de->rec_len = (uint16_t)(fs->bsize - EXT2_DIRENT_LEN(1));
	set_entry(fs, de, "..", 2, parent, S_IFDIR);
	bcache_dirty(b);
	bcache_put(b);
	dir->size = fs->bsize;
	return ext2_write_inode(dir);
}

int ext2_dir_set_parent(struct inode *dir, uint32_t parent)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	struct ext2_dirent *de;
	struct buf *b;
	uint32_t off;
	int err;

	err = dir_block(dir, 0, &b);
	if (err)
		return err;
	err = check_entry(dir, b, 0);
	if (!err) {
		off = at(b, 0)->rec_len;
		err = off < fs->bsize ? check_entry(dir, b, off) : -EIO;
	}
	if (!err && (!is_dot(at(b, 0)) || !is_dotdot(at(b, off)))) {
		printk("isle: ext2: %s: directory inode %llu does not start with . and ..\n",
		       fs->dev->name, (unsigned long long)dir->ino);
		err = -EIO;
	}
	if (!err) {
		de = at(b, off);
		de->inode = parent;
		bcache_dirty(b);
	}
	bcache_put(b);
	return err;
}

int ext2_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	uint32_t ino;
	int err;

	*out = NULL;
	if (!S_ISTYPE(dir->mode, S_IFDIR))
		return -ENOTDIR;
	err = ext2_dir_find(dir, name, len, &ino);
	if (err)
		return err;
	if (ino == dir->ino) {
		printk("isle: ext2: %s: directory inode %llu contains itself\n", fs->dev->name,
		       (unsigned long long)dir->ino);
		return -EIO;
	}
	return ext2_iget(fs, ino, out);
}

static unsigned dtype_of(struct ext2_fs *fs, uint8_t ft)
{
	static const unsigned map[EXT2_FT_MAX] = {
		[EXT2_FT_UNKNOWN] = DT_UNKNOWN, [EXT2_FT_REG] = DT_REG, [EXT2_FT_DIR] = DT_DIR,
		[EXT2_FT_CHR] = DT_CHR,		[EXT2_FT_BLK] = DT_BLK, [EXT2_FT_FIFO] = DT_FIFO,
		[EXT2_FT_SOCK] = DT_SOCK,	[EXT2_FT_LNK] = DT_LNK,
	};

	return fs->filetype && ft < EXT2_FT_MAX ? map[ft] : DT_UNKNOWN;
}

int ext2_readdir(struct inode *dir, uint64_t *pos, struct dir_emit *ctx)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	struct ext2_dirent *de;
	uint64_t lblk, base;
	uint32_t off, start;
	struct buf *b;
	int err;

	while (*pos < dir->size) {
		lblk = *pos / fs->bsize;
		base = lblk * fs->bsize;
		start = (uint32_t)(*pos % fs->bsize);
		err = dir_block(dir, lblk, &b);
		if (err)
			return err;
		/* Walk from the block start: *pos may point into an entry that was merged. */
		for (off = 0; off < fs->bsize; off += de->rec_len) {
			err = check_entry(dir, b, off);
			if (err) {
				bcache_put(b);
				return err;
			}
			de = at(b, off);
			if (off < start || !de->inode)
				continue;
			if (ctx->emit(ctx, de->name, de->name_len, de->inode,
				      dtype_of(fs, de->file_type), base + off + de->rec_len)) {
				*pos = base + off;
				bcache_put(b);
				return 0;
			}
			*pos = base + off + de->rec_len;
		}
		bcache_put(b);
		*pos = base + fs->bsize;
	}
	return 0;
}
