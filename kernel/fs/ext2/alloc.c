/* alloc.c: block and inode allocation with the group bitmaps. Each change to a bitmap
 * bit is matched, in the same call, by the group descriptor's and the superblock's free
 * counts (and used_dirs for directories), so e2fsck finds them equal. A bitmap that
 * disagrees with its count (a count says free, the bitmap is full; freeing a bit already
 * clear) is logged and reported as -EIO, never "repaired". */
#include <stdbool.h>
#include <stdint.h>

#include "core/errno.h"
#include "core/printk.h"
#include "fs/ext2/internal.h"

static bool test_bit(const uint8_t *map, uint32_t bit)
{
	return map[bit / 8] & (1u << (bit % 8));
}

static void flip_bit(uint8_t *map, uint32_t bit)
{
	map[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/* First clear bit in [from, to), or to. Whole bytes of ones are skipped. */
static uint32_t find_clear(const uint8_t *map, uint32_t from, uint32_t to)
{
	uint32_t bit = from;

	while (bit < to) {
		if (bit % 8 == 0 && to - bit >= 8 && map[bit / 8] == 0xff) {
			bit += 8;
			continue;
		}
		if (!test_bit(map, bit))
			return bit;
		bit++;
	}
	return to;
}

/* Blocks in group g (the last group may be short). */
static uint32_t group_blocks(struct ext2_fs *fs, uint32_t g)
{
	uint32_t start = fs->super.s_first_data_block + g * fs->super.s_blocks_per_group;
	uint32_t left = fs->super.s_blocks_count - start;

	return left < fs->super.s_blocks_per_group ? left : fs->super.s_blocks_per_group;
}

/* Take a clear bit of the bitmap in block `map` within [0, nbits), trying from `start`
 * first; sets it. 0 and *bit, -ENOSPC when full, or an I/O error. */
static int take_bit(struct ext2_fs *fs, uint32_t map, uint32_t start, uint32_t first,
		    uint32_t nbits, uint32_t *bit)
{
	struct buf *b;
	uint32_t i;
	int err;

	err = ext2_bread(fs, map, 0, &b);
	if (err)
		return err;
	if (start < first || start >= nbits)
		start = first;
	i = find_clear(b->data, start, nbits);
	if (i == nbits) {
		i = find_clear(b->data, first, start);
		if (i == start) {
			bcache_put(b);
			return -ENOSPC;
		}
	}
	flip_bit(b->data, i);
	bcache_dirty(b);
	bcache_put(b);
	*bit = i;
	return 0;
}

int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
	uint32_t fdb = fs->super.s_first_data_block, bpg = fs->super.s_blocks_per_group;
	uint32_t g0, g, i, bit, start;
	int err;

	if (fs->super.s_free_blocks_count == 0)
		return -ENOSPC;
	if (goal < fdb || goal >= fs->super.s_blocks_count)
		goal = fdb;
	g0 = (goal - fdb) / bpg;
	for (i = 0; i < fs->ngroups; i++) {
		g = (g0 + i) % fs->ngroups;
		if (fs->groups[g].bg_free_blocks_count == 0)
			continue;
		start = i == 0 ? (goal - fdb) % bpg : 0;
		err = take_bit(fs, fs->groups[g].bg_block_bitmap, start, 0, group_blocks(fs, g),
			       &bit);
		if (err == -ENOSPC) {
			printk("isle: ext2: %s: group %u: block bitmap full but %u blocks counted "
			       "free\n",
			       fs->dev->name, g, fs->groups[g].bg_free_blocks_count);
			return -EIO;
		}
		if (err)
			return err;
		fs->groups[g].bg_free_blocks_count--;
		fs->super.s_free_blocks_count--;
		*out = fdb + g * bpg + bit;
		err = ext2_put_group(fs, g);
		return err ? err : ext2_put_super(fs);
	}
	return -ENOSPC;
}

int ext2_free_block(struct ext2_fs *fs, uint32_t block)
{
	uint32_t fdb = fs->super.s_first_data_block, bpg = fs->super.s_blocks_per_group, g, bit;
	struct buf *b;
	int err;

	if (!ext2_check_block(fs, block, 0, "freed block"))
		return -EIO;
	g = (block - fdb) / bpg;
	bit = (block - fdb) % bpg;
	bcache_forget(fs->dev, block, fs->bsize);
	err = ext2_bread(fs, fs->groups[g].bg_block_bitmap, 0, &b);
	if (err)
		return err;
	if (!test_bit(b->data, bit)) {
		bcache_put(b);
		printk("isle: ext2: %s: freeing block %u, already free\n", fs->dev->name, block);
		return -EIO;
	}
	flip_bit(b->data, bit);
	bcache_dirty(b);
	bcache_put(b);
	fs->groups[g].bg_free_blocks_count++;
	fs->super.s_free_blocks_count++;
	err = ext2_put_group(fs, g);
	return err ? err : ext2_put_super(fs);
}

int ext2_alloc_inode(struct ext2_fs *fs, uint64_t dir_ino, bool is_dir, uint32_t *out)
{
	uint32_t ipg = fs->super.s_inodes_per_group, g0, g, i, bit, first;
	int err;

	if (fs->super.s_free_inodes_count == 0)
		return -ENOSPC;
	/* Files go next to their directory; directories round-robin over the groups. */
	g0 = is_dir ? (fs->last_alloc_group + 1) % fs->ngroups
		    : (uint32_t)((dir_ino - 1) / ipg) % fs->ngroups;
	for (i = 0; i < fs->ngroups; i++) {
		g = (g0 + i) % fs->ngroups;
		if (fs->groups[g].bg_free_inodes_count == 0)
			continue;
		first = g == 0 ? fs->first_ino - 1 : 0;
		if (first >= ipg)
			continue;
		err = take_bit(fs, fs->groups[g].bg_inode_bitmap, first, first, ipg, &bit);
		if (err == -ENOSPC) {
			printk("isle: ext2: %s: group %u: inode bitmap full but %u inodes counted "
			       "free\n",
			       fs->dev->name, g, fs->groups[g].bg_free_inodes_count);
			return -EIO;
		}
		if (err)
			return err;
		fs->groups[g].bg_free_inodes_count--;
		if (is_dir) {
			fs->groups[g].bg_used_dirs_count++;
			fs->last_alloc_group = g;
		}
		fs->super.s_free_inodes_count--;
		*out = g * ipg + bit + 1;
		err = ext2_put_group(fs, g);
		return err ? err : ext2_put_super(fs);
	}
	return -ENOSPC;
}

int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir)
{
	uint32_t ipg = fs->super.s_inodes_per_group, g, bit;
	struct buf *b;
	int err;

	if (ino < fs->first_ino || ino > fs->super.s_inodes_count) {
		printk("isle: ext2: %s: freeing reserved or bad inode %u\n", fs->dev->name, ino);
		return -EIO;
	}
	g = (ino - 1) / ipg;
	bit = (ino - 1) % ipg;
	err = ext2_bread(fs, fs->groups[g].bg_inode_bitmap, 0, &b);
	if (err)
		return err;
	if (!test_bit(b->data, bit)) {
		bcache_put(b);
		printk("isle: ext2: %s: freeing inode %u, already free\n", fs->dev->name, ino);
		return -EIO;
	}
	flip_bit(b->data, bit);
	bcache_dirty(b);
	bcache_put(b);
	fs->groups[g].bg_free_inodes_count++;
	if (is_dir && fs->groups[g].bg_used_dirs_count)
		fs->groups[g].bg_used_dirs_count--;
	fs->super.s_free_inodes_count++;
	err = ext2_put_group(fs, g);
	return err ? err : ext2_put_super(fs);
}
