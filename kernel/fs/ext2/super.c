/* super.c: mounting ext2: superblock and group descriptor checks, feature policy, sync
 * and statfs.
 *
 * Pinned image format. The CLI makes root images with (e2fsprogs 1.47):
 *
 *   mke2fs -q -F -t ext2 -b 4096 -I 256 -O none,filetype,sparse_super,large_file \
 *          -E root_owner=0:0 -d STAGED_TREE IMAGE SIZE
 *
 * (-O none first: the result does not depend on the host's mke2fs.conf; extended
 * attributes of the staged files are dropped),
 * that is ext2 revision 1 with FILETYPE, SPARSE_SUPER and LARGE_FILE, 4 KiB blocks and
 * 256-byte inodes. What this driver accepts beyond that:
 *   - block sizes 1024, 2048, 4096 (the page size bounds it: a page is whole blocks);
 *   - every COMPAT feature: dir_index directories are read as linear ones (their index
 *     blocks look like empty entries) and lose the index flag when changed; ext_attr
 *     blocks are released when their last inode is deleted; the resize inode's reserved
 *     blocks are already marked used; a journal is never replayed nor written (a journal
 *     needing recovery is INCOMPAT and refused);
 *   - INCOMPAT: FILETYPE and FLEX_BG (which only moves bitmaps and tables);
 *   - RO_COMPAT: SPARSE_SUPER and LARGE_FILE read-write; other known ones (huge_file,
 *     gdt_csum, dir_nlink, extra_isize, metadata_csum, quota, ...) read-only, because
 *     writes would leave their invariants (checksums, counts) stale; BIGALLOC refused.
 * So an ext4 image (extents, 64bit) is refused with a message naming the features.
 *
 * Not done: the superblock and descriptor backups are not updated (e2fsck reads the
 * primary ones), s_state is left as mke2fs wrote it (there is no unmount), and the
 * reserved-blocks count is not enforced (the one program is the only user). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "core/printk.h"
#include "fs/ext2/ext2.h"
#include "fs/ext2/internal.h"
#include "lib/checked.h"
#include "lib/string.h"
#include "mm/heap.h"

#define SUPER_OFFSET 1024u

struct feature {
	uint32_t bit;
	const char *name;
};

static const struct feature incompat_names[] = {
	{0x0001, "compression"}, {0x0004, "needs_recovery"}, {0x0008, "journal_dev"},
	{0x0010, "meta_bg"},	 {0x0040, "extent"},	     {0x0080, "64bit"},
	{0x0100, "mmp"},	 {0x0400, "ea_inode"},	     {0x1000, "dirdata"},
	{0x2000, "csum_seed"},	 {0x4000, "large_dir"},	     {0x8000, "inline_data"},
	{0x10000, "encrypt"},	 {0x20000, "casefold"},
};

static const struct feature ro_names[] = {
	{0x0004, "btree_dir"},	   {0x0008, "huge_file"},   {0x0010, "uninit_bg"},
	{0x0020, "dir_nlink"},	   {0x0040, "extra_isize"}, {0x0080, "snapshot"},
	{0x0100, "quota"},	   {0x0200, "bigalloc"},    {0x0400, "metadata_csum"},
	{0x0800, "replica"},	   {0x1000, "read-only"},   {0x2000, "project"},
	{0x4000, "shared_blocks"}, {0x8000, "verity"},
};

#define INCOMPAT_OK (EXT2_FEATURE_INCOMPAT_FILETYPE | EXT2_FEATURE_INCOMPAT_FLEX_BG)
#define RO_COMPAT_RW (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)
#define RO_COMPAT_BIGALLOC 0x0200

/* Log the features in bits, by name where known. */
static void log_features(const char *dev, const char *what, uint32_t bits,
			 const struct feature *names, size_t n)
{
	size_t i;

	printk("isle: ext2: %s: %s:", dev, what);
	for (i = 0; i < n; i++) {
		if (bits & names[i].bit) {
			printk(" %s", names[i].name);
			bits &= ~names[i].bit;
		}
	}
	if (bits)
		printk(" (unknown %#x)", bits);
	printk("\n");
}

static int bad(struct ext2_fs *fs, const char *what, unsigned long long v)
{
	printk("isle: ext2: %s: bad superblock: %s (%llu)\n", fs->dev->name, what, v);
	return -EINVAL;
}

static int check_super(struct ext2_fs *fs, bool *ro)
{
	struct ext2_super *s = &fs->super;
	uint64_t dev_bytes = fs->dev->sectors * (uint64_t)BLK_SECTOR_SIZE, fs_bytes, groups;
	uint32_t incompat, ro_compat;

	if (s->s_magic != EXT2_SUPER_MAGIC)
		return bad(fs, "magic", s->s_magic);
	if (s->s_rev_level > 1)
		return bad(fs, "revision", s->s_rev_level);
	if (s->s_log_block_size > 2)
		return bad(fs, "block size (log2 - 10; 1-4 KiB supported)", s->s_log_block_size);
	fs->bsize = 1024u << s->s_log_block_size;
	fs->ptrs = fs->bsize / 4;
	if (s->s_blocks_count == 0 || chk_mul_u64(s->s_blocks_count, fs->bsize, &fs_bytes) ||
	    fs_bytes > dev_bytes)
		return bad(fs, "blocks count beyond the device", s->s_blocks_count);
	if (s->s_first_data_block != (fs->bsize == 1024 ? 1u : 0u))
		return bad(fs, "first data block", s->s_first_data_block);
	if (s->s_blocks_count <= s->s_first_data_block + 1)
		return bad(fs, "blocks count", s->s_blocks_count);
	if (s->s_blocks_per_group == 0 || s->s_blocks_per_group > 8 * fs->bsize ||
	    s->s_blocks_per_group % 8)
		return bad(fs, "blocks per group", s->s_blocks_per_group);
	if (s->s_inodes_per_group == 0 || s->s_inodes_per_group > 8 * fs->bsize)
		return bad(fs, "inodes per group", s->s_inodes_per_group);
	if (s->s_rev_level == 0) {
		fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		fs->inode_size = s->s_inode_size;
		fs->first_ino = s->s_first_ino;
	}
	if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > fs->bsize ||
	    (fs->inode_size & (fs->inode_size - 1)) || fs->inode_size > 1024)
		return bad(fs, "inode size", fs->inode_size);
	groups = (s->s_blocks_count - s->s_first_data_block + s->s_blocks_per_group - 1ull) /
		 s->s_blocks_per_group;
	fs->ngroups = (uint32_t)groups;
	if ((uint64_t)s->s_inodes_per_group * groups != s->s_inodes_count)
		return bad(fs, "inodes count (not groups * inodes per group)", s->s_inodes_count);
	if (fs->first_ino < EXT2_GOOD_OLD_FIRST_INO || fs->first_ino >= s->s_inodes_count)
		return bad(fs, "first inode", fs->first_ino);
	if (s->s_free_blocks_count > s->s_blocks_count)
		return bad(fs, "free blocks count", s->s_free_blocks_count);
	if (s->s_free_inodes_count > s->s_inodes_count)
		return bad(fs, "free inodes count", s->s_free_inodes_count);

	incompat = s->s_rev_level ? s->s_feature_incompat : 0;
	ro_compat = s->s_rev_level ? s->s_feature_ro_compat : 0;
	if (incompat & ~INCOMPAT_OK) {
		log_features(fs->dev->name, "unsupported incompatible features",
			     incompat & ~INCOMPAT_OK, incompat_names,
			     sizeof(incompat_names) / sizeof(incompat_names[0]));
		return -EINVAL;
	}
	if (ro_compat & RO_COMPAT_BIGALLOC) {
		printk("isle: ext2: %s: unsupported feature: bigalloc\n", fs->dev->name);
		return -EINVAL;
	}
	if ((ro_compat & ~RO_COMPAT_RW) && !*ro) {
		log_features(fs->dev->name, "mounting read-only, features not maintained",
			     ro_compat & ~RO_COMPAT_RW, ro_names,
			     sizeof(ro_names) / sizeof(ro_names[0]));
		*ro = true;
	}
	fs->filetype = incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
	if (s->s_state != 1)
		printk("isle: ext2: %s: not cleanly unmounted or has errors (state %u); run "
		       "e2fsck\n",
		       fs->dev->name, s->s_state);
	return 0;
}

static int bad_group(struct ext2_fs *fs, uint32_t g, const char *what, uint32_t v)
{
	printk("isle: ext2: %s: bad group descriptor %u: %s (%u)\n", fs->dev->name, g, what, v);
	return -EIO;
}

static int load_groups(struct ext2_fs *fs)
{
	uint32_t per_block = fs->bsize / sizeof(struct ext2_group), g, nblocks, itable_blocks;
	uint64_t lo = fs->super.s_first_data_block, hi = fs->super.s_blocks_count;
	size_t bytes;
	struct buf *b;
	int err;

	fs->gdt_block = fs->super.s_first_data_block + 1;
	nblocks = (fs->ngroups + per_block - 1) / per_block;
	if (!range_within(fs->gdt_block, nblocks, lo, hi))
		return bad_group(fs, 0, "descriptor table beyond the file system", nblocks);
	if (chk_mul_size(fs->ngroups, sizeof(struct ext2_group), &bytes))
		return -EINVAL;
	fs->groups = kmalloc(bytes);
	if (!fs->groups)
		return -ENOMEM;
	for (g = 0; g < fs->ngroups; g++) {
		if (g % per_block == 0) {
			err = bcache_get(fs->dev, fs->gdt_block + g / per_block, fs->bsize, &b);
			if (err)
				return err == -EINVAL ? -EIO : err;
			memcpy(&fs->groups[g], b->data,
			       sizeof(struct ext2_group) *
				       (fs->ngroups - g < per_block ? fs->ngroups - g : per_block));
			bcache_put(b);
		}
	}
	lo = fs->gdt_block + nblocks; /* bitmaps and tables come after the descriptors */
	itable_blocks = (uint32_t)(((uint64_t)fs->super.s_inodes_per_group * fs->inode_size +
				    fs->bsize - 1) /
				   fs->bsize);
	for (g = 0; g < fs->ngroups; g++) {
		struct ext2_group *gd = &fs->groups[g];

		if (!range_within(gd->bg_block_bitmap, 1, lo, hi))
			return bad_group(fs, g, "block bitmap", gd->bg_block_bitmap);
		if (!range_within(gd->bg_inode_bitmap, 1, lo, hi))
			return bad_group(fs, g, "inode bitmap", gd->bg_inode_bitmap);
		if (!range_within(gd->bg_inode_table, itable_blocks, lo, hi))
			return bad_group(fs, g, "inode table", gd->bg_inode_table);
		if (gd->bg_free_blocks_count > fs->super.s_blocks_per_group)
			return bad_group(fs, g, "free blocks count", gd->bg_free_blocks_count);
		if (gd->bg_free_inodes_count > fs->super.s_inodes_per_group)
			return bad_group(fs, g, "free inodes count", gd->bg_free_inodes_count);
	}
	return 0;
}

int ext2_put_super(struct ext2_fs *fs)
{
	uint32_t block = fs->bsize == 1024 ? 1 : 0, off = fs->bsize == 1024 ? 0 : SUPER_OFFSET;
	struct buf *b;
	int err;

	err = bcache_get(fs->dev, block, fs->bsize, &b);
	if (err)
		return err;
	if (memcmp((char *)b->data + off, &fs->super, sizeof(fs->super))) {
		memcpy((char *)b->data + off, &fs->super, sizeof(fs->super));
		bcache_dirty(b);
	}
	bcache_put(b);
	return 0;
}

int ext2_put_group(struct ext2_fs *fs, uint32_t g)
{
	uint32_t per_block = fs->bsize / sizeof(struct ext2_group);
	struct buf *b;
	int err;

	err = bcache_get(fs->dev, fs->gdt_block + g / per_block, fs->bsize, &b);
	if (err)
		return err;
	memcpy((struct ext2_group *)b->data + g % per_block, &fs->groups[g],
	       sizeof(struct ext2_group));
	bcache_dirty(b);
	bcache_put(b);
	return 0;
}

/* A reference to the first inode from ii on (along fs->live) that is not being evicted. */
static struct inode *live_pin(struct ext2_inode_info *ii)
{
	while (ii && ii->inode->refs == 0)
		ii = ii->next;
	return ii ? vfs_igrab(ii->inode) : NULL;
}

static int ext2_sync(struct super_block *sb)
{
	struct ext2_fs *fs = sb->priv;
	struct inode *held;
	int err, first = 0;

	if (sb->read_only)
		return 0;
	/* Writing an inode may sleep on the disk, and meanwhile other threads may evict inodes
	 * and free their info: each inode is pinned while written, and the next one is pinned
	 * before the previous one is let go. Inodes with no reference left are being evicted,
	 * which writes them. */
	held = live_pin(fs->live);
	while (held) {
		err = ext2_write_inode(held);
		if (err && !first)
			first = err;
		struct inode *next = live_pin(ext2_info(held)->next);
		vfs_iput(held);
		held = next;
	}
	err = ext2_put_super(fs);
	if (err && !first)
		first = err;
	err = bcache_sync(fs->dev);
	return first ? first : err;
}

static int ext2_statfs(struct super_block *sb, uint64_t *blocks, uint64_t *bfree, uint64_t *files,
		       uint64_t *ffree, uint32_t *bsize)
{
	struct ext2_fs *fs = sb->priv;

	*blocks = fs->super.s_blocks_count;
	*bfree = fs->super.s_free_blocks_count;
	*files = fs->super.s_inodes_count;
	*ffree = fs->super.s_free_inodes_count;
	*bsize = fs->bsize;
	return 0;
}

static const struct super_block_ops ext2_sb_ops = {
	.sync = ext2_sync,
	.statfs = ext2_statfs,
};

static int read_super(struct ext2_fs *fs)
{
	struct buf *b;
	int err;

	if (fs->dev->sectors < (SUPER_OFFSET + sizeof(fs->super)) / BLK_SECTOR_SIZE) {
		printk("isle: ext2: %s: device too small\n", fs->dev->name);
		return -EINVAL;
	}
	/* Read as 1 KiB block 1, then forget it: later the fs reads whole fs blocks, and
	 * the cache must not hold two overlapping buffers. */
	err = bcache_get(fs->dev, 1, 1024, &b);
	if (err)
		return err == -EINVAL ? -EIO : err;
	memcpy(&fs->super, b->data, sizeof(fs->super));
	bcache_put(b);
	bcache_forget(fs->dev, 1, 1024);
	return 0;
}

void ext2_unmount(struct super_block *sb)
{
	struct ext2_fs *fs = sb->priv;

	BUG_ON(fs->live);
	kfree(fs->groups);
	kfree(fs);
}

int ext2_mount(struct blkdev *dev, bool read_only, struct super_block **out)
{
	struct ext2_fs *fs;
	struct inode *root = NULL;
	bool ro = read_only || dev->read_only;
	int err;

	*out = NULL;
	fs = kzalloc(sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->dev = dev;
	err = read_super(fs);
	if (!err)
		err = check_super(fs, &ro);
	if (!err)
		err = load_groups(fs);
	if (err)
		goto fail;
	fs->sb.ops = &ext2_sb_ops;
	/* st_dev as Linux numbers virtio disks (major 254, 16 minors per disk: vda 254:0,
	 * vdb 254:16), never a kernel address the program could learn from. */
	unsigned disk = dev->name[0] == 'v' && dev->name[1] == 'd' && dev->name[2] >= 'a' &&
					dev->name[2] <= 'z'
				? (unsigned)(dev->name[2] - 'a')
				: 0;
	fs->sb.dev = (254u << 8) | (disk * 16);
	fs->sb.block_size = fs->bsize;
	fs->sb.read_only = ro;
	fs->sb.magic = EXT2_SUPER_MAGIC;
	fs->sb.fstype = "ext2";
	_Static_assert(sizeof(fs->sb.source) > 5 + sizeof(dev->name), "/dev/NAME fits");
	memcpy(fs->sb.source, "/dev/", 5); /* fs is zeroed: the NUL is there */
	memcpy(fs->sb.source + 5, dev->name, strnlen(dev->name, sizeof(dev->name)));
	fs->sb.priv = fs;
	err = ext2_iget(fs, EXT2_ROOT_INO, &root);
	if (err)
		goto fail;
	if (!S_ISTYPE(root->mode, S_IFDIR)) {
		printk("isle: ext2: %s: root inode is not a directory\n", dev->name);
		vfs_iput(root);
		err = -EIO;
		goto fail;
	}
	fs->sb.root = root;
	pr_info("ext2: %s: mounted %s, %u blocks of %u bytes, %u inodes\n", dev->name,
		ro ? "read-only" : "read-write", fs->super.s_blocks_count, fs->bsize,
		fs->super.s_inodes_count);
	*out = &fs->sb;
	return 0;
fail:
	kfree(fs->groups);
	kfree(fs);
	return err;
}
