/* writeback.c: periodic write-back (writeback.h). The clock starts at the first change
 * after a write-back, so data is never older than WRITEBACK_DELAY_NS on disk while the
 * program keeps making syscalls or sleeps. */
#include "fs/writeback.h"
#include "core/printk.h"
#include "core/time.h"
#include "fs/vfs.h"

static uint64_t due_ns; /* 0: not started */

uint64_t writeback_due(void)
{
	if (!vfs_dirty_pending)
		return UINT64_MAX;
	if (!due_ns)
		due_ns = time_monotonic_ns() + WRITEBACK_DELAY_NS;
	return due_ns;
}

void writeback_run(void)
{
	vfs_dirty_pending = false;
	due_ns = 0;
	int r = vfs_sync_all();
	if (r < 0)
		printk("isle: periodic write-back failed (error %d); fsync reports it too\n", r);
}

void writeback_poll(void)
{
	if (vfs_dirty_pending && time_monotonic_ns() >= writeback_due())
		writeback_run();
}
