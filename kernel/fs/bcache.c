/* bcache.c: the block cache (bcache.h): a hash of buffers keyed by (dev, block, size), an
 * LRU list of the buffers nobody holds, and a byte budget.
 *
 * Design. Every cached buffer is in the hash; a buffer with refs == 0 is also on the LRU
 * list (most recently released at the tail). When the cached bytes would exceed
 * BCACHE_MAX_BYTES, buffers are taken from the LRU head: a dirty one is written back first
 * (if that write fails it stays cached and dirty, and the next one is tried). When every
 * buffer is held the budget is exceeded rather than failing: holders are few and short-
 * lived (a file-system operation holds at most a handful at once).
 *
 * Data memory comes from kmalloc: blocks up to 4096 bytes are physically contiguous there
 * (heap.h), as blkdev.h requires. No locking: one CPU (bcache.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "core/printk.h"
#include "fs/bcache.h"
#include "lib/checked.h"
#include "lib/string.h"
#include "mm/heap.h"

#define BCACHE_MAX_BYTES (256u * 1024u)
#define BCACHE_HASH 256u

static struct buf *hash[BCACHE_HASH];
static struct buf *lru_head, *lru_tail; /* unheld buffers, least recently used first */
static uint64_t cached_bytes;

static unsigned hash_of(const struct blkdev *dev, uint64_t block)
{
	uint64_t h = block * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)dev;

	return (unsigned)(h >> 32) % BCACHE_HASH;
}

static void lru_remove(struct buf *b)
{
	if (b->lru_prev)
		b->lru_prev->lru_next = b->lru_next;
	else
		lru_head = b->lru_next;
	if (b->lru_next)
		b->lru_next->lru_prev = b->lru_prev;
	else
		lru_tail = b->lru_prev;
	b->lru_prev = b->lru_next = NULL;
}

static void lru_append(struct buf *b)
{
	b->lru_next = NULL;
	b->lru_prev = lru_tail;
	if (lru_tail)
		lru_tail->lru_next = b;
	else
		lru_head = b;
	lru_tail = b;
}

static void hash_remove(struct buf *b)
{
	struct buf **pp = &hash[hash_of(b->dev, b->block)];

	while (*pp && *pp != b)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = b->hnext;
	b->hnext = NULL;
}

static struct buf *lookup(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct buf *b;

	for (b = hash[hash_of(dev, block)]; b; b = b->hnext)
		if (b->dev == dev && b->block == block && b->size == size)
			return b;
	return NULL;
}

/* Sector range of b; false when it does not fit the device. */
static bool sector_range(struct blkdev *dev, uint64_t block, uint32_t size, uint64_t *sector)
{
	uint64_t s;

	if (chk_mul_u64(block, size / BLK_SECTOR_SIZE, &s))
		return false;
	if (s > dev->sectors || dev->sectors - s < size / BLK_SECTOR_SIZE)
		return false;
	*sector = s;
	return true;
}

static int write_back(struct buf *b)
{
	uint64_t sector;
	int err;

	if (!sector_range(b->dev, b->block, b->size, &sector))
		return -EINVAL;
	err = blkdev_rw(b->dev, BLK_WRITE, sector, b->data, b->size / BLK_SECTOR_SIZE);
	if (err) {
		printk("isle: bcache: %s: write of block %llu failed (%d)\n", b->dev->name,
		       (unsigned long long)b->block, err);
		return err;
	}
	b->dirty = false;
	return 0;
}

static void destroy(struct buf *b)
{
	hash_remove(b);
	lru_remove(b);
	cached_bytes -= b->size;
	kfree(b->data);
	kfree(b);
}

/* Evict unheld buffers from the LRU head until `need` more bytes fit the budget. */
static void make_room(uint32_t need)
{
	struct buf *b = lru_head, *next;

	while (b && cached_bytes + need > BCACHE_MAX_BYTES) {
		next = b->lru_next;
		if (!b->dirty || write_back(b) == 0)
			destroy(b);
		b = next;
	}
}

static int get(struct blkdev *dev, uint64_t block, uint32_t size, bool read, struct buf **out)
{
	struct buf *b;
	uint64_t sector;
	int err;

	*out = NULL;
	if (!dev || (size != 1024 && size != 2048 && size != 4096))
		return -EINVAL;
	if (!sector_range(dev, block, size, &sector))
		return -EINVAL;
	b = lookup(dev, block, size);
	if (b) {
		if (b->refs++ == 0)
			lru_remove(b);
		*out = b;
		return 0;
	}
	make_room(size);
	b = kzalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->data = kmalloc(size);
	if (!b->data) {
		kfree(b);
		return -ENOMEM;
	}
	if (read) {
		err = blkdev_rw(dev, BLK_READ, sector, b->data, size / BLK_SECTOR_SIZE);
		if (err) {
			printk("isle: bcache: %s: read of block %llu failed (%d)\n", dev->name,
			       (unsigned long long)block, err);
			kfree(b->data);
			kfree(b);
			return err == -EINVAL ? -EINVAL : -EIO;
		}
	} else {
		memset(b->data, 0, size);
	}
	b->dev = dev;
	b->block = block;
	b->size = size;
	b->refs = 1;
	b->hnext = hash[hash_of(dev, block)];
	hash[hash_of(dev, block)] = b;
	cached_bytes += size;
	*out = b;
	return 0;
}

int bcache_get(struct blkdev *dev, uint64_t block, uint32_t size, struct buf **out)
{
	return get(dev, block, size, true, out);
}

int bcache_get_new(struct blkdev *dev, uint64_t block, uint32_t size, struct buf **out)
{
	return get(dev, block, size, false, out);
}

void bcache_dirty(struct buf *b)
{
	BUG_ON(b->refs == 0);
	b->dirty = true;
}

void bcache_put(struct buf *b)
{
	if (!b)
		return;
	BUG_ON(b->refs == 0);
	if (--b->refs == 0) {
		if (lookup(b->dev, b->block, b->size) != b) { /* forgotten while held */
			cached_bytes -= b->size;
			kfree(b->data);
			kfree(b);
			return;
		}
		lru_append(b);
		if (cached_bytes > BCACHE_MAX_BYTES)
			make_room(0);
	}
}

/* Flush dev's write cache when it has one. */
static int flush(struct blkdev *dev)
{
	int err;

	if (!dev->flush)
		return 0;
	err = blkdev_rw(dev, BLK_FLUSH, 0, NULL, 0);
	if (err)
		printk("isle: bcache: %s: flush failed (%d)\n", dev->name, err);
	return err;
}

int bcache_sync(struct blkdev *dev)
{
	struct blkdev *written[8];
	unsigned i, j, nwritten = 0;
	int first = 0, err;
	struct buf *b;

	for (i = 0; i < BCACHE_HASH; i++) {
		for (b = hash[i]; b; b = b->hnext) {
			if (!b->dirty || (dev && b->dev != dev))
				continue;
			err = write_back(b);
			if (err && !first)
				first = err;
			for (j = 0; j < nwritten && written[j] != b->dev; j++)
				;
			if (j == nwritten && nwritten < 8)
				written[nwritten++] = b->dev;
		}
	}
	if (dev) {
		err = flush(dev);
		if (err && !first)
			first = err;
	}
	/* All devices: flush those written (a device beyond the eighth was written but not
	 * flushed; there are never that many disks). */
	for (j = 0; !dev && j < nwritten; j++) {
		err = flush(written[j]);
		if (err && !first)
			first = err;
	}
	return first;
}

void bcache_forget(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct buf *b = lookup(dev, block, size);

	if (!b)
		return;
	b->dirty = false;
	if (b->refs == 0)
		destroy(b);
	else
		hash_remove(b); /* bcache_put frees it */
}

int bcache_release(struct blkdev *dev)
{
	int err = bcache_sync(dev);
	struct buf *b = lru_head, *next;

	for (; b; b = next) {
		next = b->lru_next;
		if (b->dev == dev && !b->dirty)
			destroy(b);
	}
	return err;
}
