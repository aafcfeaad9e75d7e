/* sysfs.h: /sys, the few sysfs files C libraries and runtimes read to learn the machine
 * (sysfs.c over genfs.h): the CPU lists under /sys/devices/system/cpu. Everything else is
 * absent (-ENOENT), which those readers handle. */
#ifndef ISLE_FS_SYSFS_H
#define ISLE_FS_SYSFS_H

#include "fs/vfs.h"

#define SYSFS_MAGIC 0x62656572

/* A new /sys super block; NULL when out of memory. */
struct super_block *sysfs_create(void);

#endif
