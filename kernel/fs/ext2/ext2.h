/* ext2.h: the ext2 file system (kernel/fs/ext2/), read-write, over the block cache. The
 * on-disk feature set it accepts is documented at the top of super.c, with the mke2fs
 * command line that produces it. */
#ifndef ISLE_FS_EXT2_EXT2_H
#define ISLE_FS_EXT2_EXT2_H

#include <stdbool.h>

#include "drivers/blkdev.h"
#include "fs/vfs.h"

#define EXT2_SUPER_MAGIC 0xEF53

/* Mount the ext2 file system on dev. Checks the superblock and group descriptors against
 * the device size; refuses unknown incompatible features (naming them in the log) and
 * mounts read-only when the image has read-only-compatible features this driver does not
 * maintain (also logged) or when read_only or dev->read_only is set. Returns 0 and a new
 * super block (root inode held) in *out; -EINVAL (not ext2, or unsupported), -EIO (bad
 * metadata or read error), -ENOMEM. */
int ext2_mount(struct blkdev *dev, bool read_only, struct super_block **out);

/* Free a super block from ext2_mount once nothing uses it: the caller has synced it,
 * dropped sb->root and every other inode of it (tests; there is no umount yet). */
void ext2_unmount(struct super_block *sb);

#endif
