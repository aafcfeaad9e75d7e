/* writeback.h: dirty data reaches the disk within WRITEBACK_DELAY_NS of being written,
 * whether or not the program syncs or closes: checked when a syscall returns and while
 * the program sleeps (there are no kernel threads yet). */
#ifndef ISLE_FS_WRITEBACK_H
#define ISLE_FS_WRITEBACK_H

#include <stdbool.h>
#include <stdint.h>

#define WRITEBACK_DELAY_NS 5000000000ULL

/* Set by vfs_mark_dirty (defined in inode.c): something changed since the last
 * write-back. */
extern bool vfs_dirty_pending;

/* Write everything back when the oldest change is WRITEBACK_DELAY_NS old. Cheap when
 * nothing is dirty (one load). Call only where blocking on the disk is allowed. */
void writeback_poll(void);
/* Write everything back now and restart the clock. */
void writeback_run(void);
/* Monotonic time at which writeback_poll will write back; UINT64_MAX when nothing is
 * dirty. For sleepers, so they wake up to do it. */
uint64_t writeback_due(void);

#endif
