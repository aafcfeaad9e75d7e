/* devfs.h: device drivers behind device inodes, and the /dev file system. A character
 * device inode (on any file system) is bound to a driver by its rdev when it is opened
 * (file.c asks vfs_chrdev_find); devfs is a tmpfs holding the nodes. Devices: null 1:3,
 * zero 1:5, full 1:7, random 1:8, urandom 1:9, tty 5:0, console 5:1, ttyS0 4:64 (the
 * console's stdout side: COM1), ttyS1 4:65 (its stderr side: COM2). /dev/stdin and
 * /dev/stdout are symlinks to ttyS0, /dev/stderr to ttyS1 (not /proc/self/fd/N as on
 * Linux: /proc may be missing on a read-only root; a program that redirects its own fds
 * then sees the console). */
#ifndef ISLE_FS_DEVFS_H
#define ISLE_FS_DEVFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/vfs.h"

struct file;
struct poll_table;

#define MKDEV(ma, mi) (((uint32_t)(ma) << 8) | (uint32_t)(mi))

struct chrdev {
	uint32_t rdev;
	bool stream; /* a tty: no position */
	long (*read)(struct file *f, void *buf, size_t n);
	long (*write)(struct file *f, const void *buf, size_t n);
	long (*ioctl)(struct file *f, unsigned req, uint64_t arg); /* NULL: -ENOTTY */
	unsigned (*poll)(struct file *f, struct poll_table *pt);   /* NULL: always ready */
};

/* The driver for rdev, NULL when none (open then fails with -ENXIO). */
const struct chrdev *vfs_chrdev_find(uint32_t rdev);

/* Make the /dev file system (a tmpfs with the nodes above and the empty directory shm).
 * NULL when out of memory. */
struct super_block *devfs_create(void);

#endif
