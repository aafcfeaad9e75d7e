/* bcache.h: the block cache: file-system blocks of one size per device, kept in memory,
 * written back on bcache_sync (fsync, sync, shutdown) and when memory runs short. Used by
 * file systems for metadata and by their readpage/writepage for data. Under the BKL;
 * bcache_get, bcache_put, bcache_sync and bcache_release may sleep on the disk (other
 * threads run meanwhile), and a held buffer stays valid across such sleeps. */
#ifndef ISLE_FS_BCACHE_H
#define ISLE_FS_BCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/blkdev.h"

struct buf {
	struct blkdev *dev;
	uint64_t block; /* in units of size */
	uint32_t size;	/* block size: 1024, 2048 or 4096 */
	void *data;	/* size bytes */
	bool dirty;
	unsigned refs; /* > 0 while a caller holds it */
	/* cache bookkeeping (bcache.c only) */
	bool filling;	 /* being read in: lookups wait */
	uint32_t synced; /* the last bcache_sync pass that wrote it */
	struct buf *hnext, *lru_prev, *lru_next;
};

/* Get block `block` of `size` bytes, reading it from the disk unless cached. Returns 0 and
 * a held buffer in *out, or -EIO / -ENOMEM / -EINVAL (block beyond the disk). */
int bcache_get(struct blkdev *dev, uint64_t block, uint32_t size, struct buf **out);
/* Like bcache_get, but the caller will overwrite the whole block: no read. */
int bcache_get_new(struct blkdev *dev, uint64_t block, uint32_t size, struct buf **out);
/* Mark held buffer b modified. */
void bcache_dirty(struct buf *b);
/* Drop the caller's hold. */
void bcache_put(struct buf *b);
/* Write every dirty buffer of dev (all devices when NULL), then flush the device's
 * write cache. 0 or the first error. */
int bcache_sync(struct blkdev *dev);
/* Forget a cached block without writing it (after the fs frees it). */
void bcache_forget(struct blkdev *dev, uint64_t block, uint32_t size);

/* Write back and drop every unheld buffer of dev (when it goes away, and in tests). 0 or
 * the first write error (buffers that failed to write stay cached). */
int bcache_release(struct blkdev *dev);

#endif
