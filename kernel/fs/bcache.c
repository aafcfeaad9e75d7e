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
 * Sleeping: blkdev_rw sleeps, and other threads run meanwhile (under the BKL nothing
 * else does). A buffer being read in is hashed and `filling` at once, and a lookup that
 * finds it waits, so there is only ever one buffer per block (two copies would lose one
 * copy's changes). A buffer is written back only while held, so it cannot be destroyed
 * under the write; it is marked clean before the write, so a change made meanwhile
 * dirties it again. After every sleep, lists are walked again from their heads.
 *
 * Data memory comes from kmalloc: blocks up to 4096 bytes are physically contiguous there
 * (heap.h), as blkdev.h requires. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "core/printk.h"
#include "fs/bcache.h"
#include "lib/checked.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "sched/wait.h"

#define BCACHE_MAX_BYTES (256u * 1024u)
#define BCACHE_HASH 256u

static struct buf *hash[BCACHE_HASH];
static struct buf *lru_head, *lru_tail; /* unheld buffers, least recently used first */
static uint64_t cached_bytes;
static unsigned nbufs;				      /* buffers in the hash */
static struct wait_queue filled_wq = WAIT_QUEUE_INIT; /* a buffer stopped filling */
static uint32_t sync_pass;			      /* bcache_sync's walk (buf.synced) */

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

/* Write held buffer b to the disk. */
static int write_back(struct buf *b)
{
	uint64_t sector;
	int err;

	BUG_ON(b->refs == 0);
	if (!sector_range(b->dev, b->block, b->size, &sector))
		return -EINVAL;
	b->dirty = false;
	err = blkdev_rw(b->dev, BLK_WRITE, sector, b->data, b->size / BLK_SECTOR_SIZE);
	if (err) {
		b->dirty = true;
		printk("isle: bcache: %s: write of block %llu failed (%d)\n", b->dev->name,
		       (unsigned long long)b->block, err);
		return err;
	}
	return 0;
}

static void destroy(struct buf *b)
{
	hash_remove(b);
	lru_remove(b);
	cached_bytes -= b->size;
	nbufs--;
	kfree(b->data);
	kfree(b);
}

static void hold(struct buf *b)
{
	if (b->refs++ == 0)
		lru_remove(b);
}

/* Drop a reference; the last one puts b on the LRU (true) or frees it when it was
 * forgotten while held. */
static bool release(struct buf *b)
{
	BUG_ON(b->refs == 0);
	if (--b->refs > 0)
		return false;
	if (lookup(b->dev, b->block, b->size) != b) { /* forgotten while held */
		cached_bytes -= b->size;
		kfree(b->data);
		kfree(b);
		return false;
	}
	lru_append(b);
	return true;
}

/* Evict unheld buffers from the LRU head until `need` more bytes fit the budget. A dirty
 * one is written back first, held meanwhile; the walk starts again after that sleep. */
static void make_room(uint32_t need)
{
	unsigned tries = nbufs;
	struct buf *b = lru_head;

	while (b && cached_bytes + need > BCACHE_MAX_BYTES && tries-- > 0) {
		if (b->dirty) {
			hold(b);
			write_back(b); /* a failed one goes to the tail, still dirty */
			release(b);
			b = lru_head;
			continue;
		}
		struct buf *next = b->lru_next;
		destroy(b);
		b = next;
	}
}

struct block_key {
	struct blkdev *dev;
	uint64_t block;
	uint32_t size;
};

/* The block's buffer is cached and being read in (looked up afresh: it may be freed). */
static bool filling(void *arg)
{
	struct block_key *k = arg;
	struct buf *b = lookup(k->dev, k->block, k->size);

	return b && b->filling;
}

/* The cached buffer for the block, held; waits while another thread reads it in. NULL
 * when it is not cached. */
static struct buf *find_held(struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct block_key k = {dev, block, size};
	struct buf *b;

	waitq_sleep_while(&filled_wq, filling, &k);
	b = lookup(dev, block, size);
	if (b)
		hold(b);
	return b;
}

static int get(struct blkdev *dev, uint64_t block, uint32_t size, bool read, struct buf **out)
{
	struct buf *b;
	uint64_t sector;
	int err = 0;

	*out = NULL;
	if (!dev || (size != 1024 && size != 2048 && size != 4096))
		return -EINVAL;
	if (!sector_range(dev, block, size, &sector))
		return -EINVAL;
	b = find_held(dev, block, size);
	if (b) {
		*out = b;
		return 0;
	}
	make_room(size); /* may sleep: look again after it */
	b = find_held(dev, block, size);
	if (b) {
		*out = b;
		return 0;
	}
	b = kzalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->data = kmalloc(size);
	if (!b->data) {
		kfree(b);
		return -ENOMEM;
	}
	b->dev = dev;
	b->block = block;
	b->size = size;
	b->refs = 1;
	b->filling = read;
	b->hnext = hash[hash_of(dev, block)];
	hash[hash_of(dev, block)] = b;
	cached_bytes += size;
	nbufs++;
	if (read) {
		err = blkdev_rw(dev, BLK_READ, sector, b->data, size / BLK_SECTOR_SIZE);
		b->filling = false;
		waitq_wake_all(&filled_wq, 0);
	} else {
		memset(b->data, 0, size);
	}
	if (err) {
		printk("isle: bcache: %s: read of block %llu failed (%d)\n", dev->name,
		       (unsigned long long)block, err);
		if (lookup(dev, block, size) == b) { /* else forgotten: release frees it */
			hash_remove(b);
			nbufs--;
		}
		release(b);
		return err == -EINVAL ? -EINVAL : -EIO;
	}
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
	if (release(b) && cached_bytes > BCACHE_MAX_BYTES)
		make_room(0);
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

	/* Each dirty buffer once: a write sleeps, so each chain is walked again from its
	 * head after one, skipping the buffers this pass has seen. */
	sync_pass++;
	for (i = 0; i < BCACHE_HASH; i++) {
		b = hash[i];
		while (b) {
			if (!b->dirty || (dev && b->dev != dev) || b->synced == sync_pass) {
				b = b->hnext;
				continue;
			}
			struct blkdev *d = b->dev;
			b->synced = sync_pass;
			hold(b);
			err = write_back(b);
			release(b);
			if (err && !first)
				first = err;
			for (j = 0; j < nwritten && written[j] != d; j++)
				;
			if (j == nwritten && nwritten < 8)
				written[nwritten++] = d;
			b = hash[i];
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
	else {
		hash_remove(b); /* bcache_put frees it */
		nbufs--;
	}
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
