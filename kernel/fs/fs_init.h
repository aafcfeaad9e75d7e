/* fs_init.h: bringing up the file systems at boot (fs_init.c). */
#ifndef ISLE_FS_FS_INIT_H
#define ISLE_FS_FS_INIT_H

/* Mount a tmpfs root unless one was mounted (vfs_mount_root) before; mount devfs on /dev,
 * tmpfs on /dev/shm and /tmp (each directory made when missing and the root is writable;
 * skipped with a log line otherwise), procfs on /proc and sysfs on /sys (made the same
 * way), and open fds 0, 1, 2 on the console: /dev/ttyS0 for 0 and 1 (COM1), /dev/ttyS1
 * for 2 (COM2, isle's stderr). An ext2 root must therefore be mounted before this runs.
 * Panics when out of memory: there is no program to report to yet. */
void fs_init(void);

#endif
