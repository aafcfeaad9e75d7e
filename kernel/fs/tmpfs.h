/* tmpfs.h: the in-memory file system (tmpfs.c): directories as lists, file data in the
 * page cache with nothing behind it (its pages are pinned: the memory is the storage),
 * symlink targets in the heap. Used for the default root, /tmp, /dev/shm and devfs. */
#ifndef ISLE_FS_TMPFS_H
#define ISLE_FS_TMPFS_H

#include "fs/vfs.h"

#define TMPFS_MAGIC 0x01021994

/* A new empty tmpfs (root directory mode 01777 when sticky, else 0755). NULL when out of
 * memory. */
struct super_block *tmpfs_create(uint32_t root_mode);

#endif
