/* procfs.h: /proc, the process and system information Linux programs read, generated on
 * read (procfs*.c over genfs.h). There is one process, pid 1: /proc/1, /proc/self (a
 * symlink to "1") and /proc/thread-self; other pids do not exist (-ENOENT). The entries
 * and what they contain are listed in docs/filesystems.md. */
#ifndef ISLE_FS_PROCFS_H
#define ISLE_FS_PROCFS_H

#include "fs/vfs.h"

#define PROC_SUPER_MAGIC 0x9fa0

/* A new /proc super block; NULL when out of memory. */
struct super_block *procfs_create(void);

/* Record the program's argument and environment strings (copied) and its start time, for
 * /proc/1/cmdline, environ and stat. Called once the program is loaded, before it runs;
 * a later call replaces the copy. When out of memory the files read empty. */
void proc_set_cmdline(const char *const *argv, int argc, const char *const *envp, int envc);

#endif
