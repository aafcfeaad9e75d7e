/* internal.h: ext2's on-disk structures (little endian, as x86-64 is) and the functions
 * the files of kernel/fs/ext2/ share. Not for use outside that folder.
 *
 * Trust boundary: every block number, inode number, count and length read from the image
 * is checked where it is read (ext2_check_block, the dirent checks in dir.c, the
 * superblock checks in super.c) and a bad one gives -EIO with a log line naming it. */
#ifndef ISLE_FS_EXT2_INTERNAL_H
#define ISLE_FS_EXT2_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/blkdev.h"
#include "fs/bcache.h"
#include "fs/vfs.h"
#include "sched/mutex.h"

#define EXT2_ROOT_INO 2
#define EXT2_NDIR 12 /* direct block pointers in i_block */
#define EXT2_IND 12
#define EXT2_DIND 13
#define EXT2_TIND 14
#define EXT2_NBLOCK 15
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_FAST_SYMLINK_MAX 60 /* bytes of target kept in i_block */
#define EXT2_LINK_MAX 65000

/* Superblock features (the ones named in messages; see super.c for the accepted set). */
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT2_FEATURE_INCOMPAT_FLEX_BG 0x0200
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002

/* Inode flags we act on. */
#define EXT2_INDEX_FL 0x00001000 /* hashed directory: we keep it linear and clear this */
#define EXT2_EXTENTS_FL 0x00080000
#define EXT2_INLINE_DATA_FL 0x10000000

/* Directory entry file types (FILETYPE feature). */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHR 3
#define EXT2_FT_BLK 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_LNK 7
#define EXT2_FT_MAX 8

/* The superblock (the fields used; 1024 bytes at byte 1024 of the device). */
struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_jnl_backup_type;
	uint16_t s_desc_size;
	uint8_t s_rest[768];
};
_Static_assert(sizeof(struct ext2_super) == 1024, "ext2 superblock layout");
_Static_assert(offsetof(struct ext2_super, s_magic) == 56, "ext2 superblock layout");
_Static_assert(offsetof(struct ext2_super, s_feature_compat) == 92, "ext2 superblock layout");
_Static_assert(offsetof(struct ext2_super, s_desc_size) == 254, "ext2 superblock layout");

/* A block group descriptor (32 bytes). */
struct ext2_group {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint32_t bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_group) == 32, "ext2 group descriptor layout");

/* An inode (the first 128 bytes; large inodes continue with i_extra_isize). */
struct ext2_dinode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks;
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_NBLOCK];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high;
	uint32_t i_faddr;
	uint16_t i_blocks_hi;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;
	uint16_t i_reserved;
	/* large inodes only (inode size > 128) */
	uint16_t i_extra_isize;
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra;
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
};
_Static_assert(offsetof(struct ext2_dinode, i_block) == 40, "ext2 inode layout");
_Static_assert(offsetof(struct ext2_dinode, i_extra_isize) == 128, "ext2 inode layout");

/* A directory entry header; the name follows. */
struct ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type;
	char name[];
};
#define EXT2_DIRENT_HDR 8u
/* Bytes an entry with a name of len bytes needs (4-byte aligned). */
#define EXT2_DIRENT_LEN(len) ((EXT2_DIRENT_HDR + (uint32_t)(len) + 3u) & ~3u)

/* One mounted file system (super_block.priv). */
struct ext2_fs {
	struct super_block sb;
	struct blkdev *dev;
	struct ext2_super super;   /* in-memory copy; counts written back by ext2_put_super */
	struct ext2_group *groups; /* ngroups descriptors, written back by ext2_put_group */
	uint32_t bsize;		   /* block size in bytes */
	uint32_t ptrs;		   /* block numbers per indirect block */
	uint32_t ngroups;
	uint32_t gdt_block; /* first block of the descriptor table */
	uint32_t inode_size;
	uint32_t first_ino;
	bool filetype;		      /* entries carry a file type */
	struct ext2_inode_info *live; /* every in-memory inode of this fs */
	uint32_t last_alloc_group;    /* where the last inode went (spreads directories) */
};

/* One in-memory inode (inode.priv): the on-disk inode as last read or written, which the
 * VFS fields are merged into by ext2_write_inode. */
struct ext2_inode_info {
	struct inode *inode;
	struct ext2_inode_info *next, *prev; /* ext2_fs.live */
	uint32_t alloc_goal;		     /* next block to try when allocating */
	struct kmutex dirlock;		     /* a directory's operations (dirlock.c) */
	union {
		struct ext2_dinode d;
		uint8_t raw[1024];
	};
};

static inline struct ext2_fs *ext2_fs_of(const struct inode *inode)
{
	return inode->sb->priv;
}

static inline struct ext2_inode_info *ext2_info(const struct inode *inode)
{
	return inode->priv;
}

/* super.c: write the in-memory superblock / group descriptor g into the block cache. */
int ext2_put_super(struct ext2_fs *fs);
int ext2_put_group(struct ext2_fs *fs, uint32_t g);

/* alloc.c: bitmaps. Allocate a free block (near goal) or inode (near the directory's
 * group; is_dir spreads directories); free them. Counts in the groups and superblock are
 * kept equal to the bitmaps. 0 or -ENOSPC / -EIO. */
int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
int ext2_free_block(struct ext2_fs *fs, uint32_t block);
int ext2_alloc_inode(struct ext2_fs *fs, uint64_t dir_ino, bool is_dir, uint32_t *out);
int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir);

/* inode.c */
/* true when block can hold file data or a block map: inside the file system, above
 * s_first_data_block, not a bitmap, inode table or descriptor block of its group; logs
 * what and ino otherwise. */
bool ext2_check_block(struct ext2_fs *fs, uint32_t block, uint64_t ino, const char *what);
/* Read block through the cache: a block of inode ino after ext2_check_block, or (ino 0)
 * file-system metadata (bitmaps, inode table) with a range check only. */
int ext2_bread(struct ext2_fs *fs, uint32_t block, uint64_t ino, struct buf **out);
/* The in-memory inode ino (new reference), read from disk and checked on first use. */
int ext2_iget(struct ext2_fs *fs, uint64_t ino, struct inode **out);
/* A new on-disk inode of mode in directory dir, nlink 1 (2 for directories is the
 * caller's job), times now. */
int ext2_new_inode(struct inode *dir, uint32_t mode, struct inode **out);
/* Merge the VFS fields into the on-disk inode and store it in the cache (dirty only when
 * it changed). */
int ext2_write_inode(struct inode *inode);
/* Physical block of file block lblk: 0 and *pblk = 0 for a hole when !alloc; allocates
 * the block (zeroed when zero is set) and any indirect blocks when alloc. */
int ext2_bmap(struct inode *inode, uint64_t lblk, bool alloc, bool zero, uint32_t *pblk);
/* Free every block at file block >= from (and indirect blocks left empty). */
int ext2_free_blocks_from(struct inode *inode, uint64_t from);
/* The largest size a file may have (the block map's reach, capped for 32-bit sizes
 * without LARGE_FILE). */
uint64_t ext2_max_size(struct ext2_fs *fs);
/* Set the VFS type-specific ops of inode from its mode. */
void ext2_set_ops(struct inode *inode);
/* Directory entry type of a mode. */
unsigned ext2_ftype(uint32_t mode);
/* A symlink whose target is kept in i_block. */
bool ext2_is_fast_symlink(struct inode *inode);
/* Free-the-inode path of evict (nlink 0): blocks, xattr block, bitmap bit. */
int ext2_delete_inode(struct inode *inode);

/* dir.c: directory contents. name/len as vfs.h. */
int ext2_dir_find(struct inode *dir, const char *name, size_t len, uint32_t *ino);
int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
int ext2_dir_remove(struct inode *dir, const char *name, size_t len);
/* Point the existing entry name at ino (rename over an existing name). */
int ext2_dir_retarget(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
/* 1 when dir holds only "." and "..", 0 when not, or a negative errno. */
int ext2_dir_is_empty(struct inode *dir);
/* First block of a new directory: "." and "..". */
int ext2_dir_init(struct inode *dir, uint32_t parent);
/* Change the ".." entry of dir to parent. */
int ext2_dir_set_parent(struct inode *dir, uint32_t parent);
/* The directory operations of ext2_dir_ops: those below, each under the directory's lock
 * (dirlock.c). Code inside ext2 calls the unlocked ones. */
int ext2_op_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
int ext2_op_readdir(struct inode *dir, uint64_t *pos, struct dir_emit *ctx);
int ext2_op_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
		   struct inode **out);
int ext2_op_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode,
		  struct inode **out);
int ext2_op_symlink(struct inode *dir, const char *name, size_t len, const char *target,
		    struct inode **out);
int ext2_op_link(struct inode *dir, const char *name, size_t len, struct inode *target);
int ext2_op_unlink(struct inode *dir, const char *name, size_t len);
int ext2_op_rmdir(struct inode *dir, const char *name, size_t len);
int ext2_op_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		   const char *nname, size_t nlen, unsigned flags);
int ext2_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
int ext2_readdir(struct inode *dir, uint64_t *pos, struct dir_emit *ctx);

/* namei.c */
int ext2_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
		struct inode **out);
int ext2_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out);
int ext2_symlink(struct inode *dir, const char *name, size_t len, const char *target,
		 struct inode **out);
int ext2_link(struct inode *dir, const char *name, size_t len, struct inode *target);
int ext2_unlink(struct inode *dir, const char *name, size_t len);
int ext2_rmdir(struct inode *dir, const char *name, size_t len);
int ext2_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		const char *nname, size_t nlen, unsigned flags);

/* file.c */
int ext2_readpage(struct inode *inode, uint64_t index, void *page);
int ext2_writepage(struct inode *inode, uint64_t index, const void *page);
int ext2_readpages(struct inode *inode, uint64_t index, unsigned n, void *const *pages);
/* Allocate the blocks backing [off, off+len) now, so write() reports -ENOSPC. */
int ext2_prepare_write(struct inode *inode, uint64_t off, uint64_t len);
long ext2_readlink(struct inode *inode, char *buf, size_t size);
int ext2_setattr(struct inode *inode, const struct iattr *attr);
int ext2_fsync(struct inode *inode);
void ext2_evict(struct inode *inode);

#endif
