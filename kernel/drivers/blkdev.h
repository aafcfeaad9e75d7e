/* blkdev.h: block devices, as the file systems see them. A driver (virtio-blk) registers
 * one struct blkdev per disk; file systems never know the transport. Sectors are 512
 * bytes. Buffers are kernel memory from the direct map (kmalloc or pmm pages), so drivers
 * can take their physical address with virt_to_phys; a buffer may cross pages only when
 * its pages are physically contiguous (kmalloc large blocks and pmm_alloc_contig are).
 *
 * Requests complete by interrupt; blkdev_rw waits for its own request by halting the CPU
 * (no scheduler yet), so it must be called with interrupts enabled or from syscall
 * context (it enables them while waiting). */
#ifndef ISLE_DRIVERS_BLKDEV_H
#define ISLE_DRIVERS_BLKDEV_H

#include <stdbool.h>
#include <stdint.h>

#define BLK_SECTOR_SIZE 512

struct blk_request;

struct blkdev_ops {
	/* Queue r; returns 0 (completion comes later through r->complete) or -EAGAIN when
	 * the device queue is full, -EINVAL/-EIO on a bad request. */
	int (*submit)(void *priv, struct blk_request *r);
};

struct blkdev {
	char name[16];	  /* "vda" */
	uint64_t sectors; /* capacity */
	bool read_only;
	bool flush; /* the device has a volatile write cache: FLUSH is meaningful */
	const struct blkdev_ops *ops;
	void *priv;
};

#define BLK_READ 0
#define BLK_WRITE 1
#define BLK_FLUSH 2

struct blk_request {
	int op; /* BLK_READ, BLK_WRITE, BLK_FLUSH */
	uint64_t sector;
	uint32_t count; /* sectors; 0 for FLUSH */
	void *buf;
	/* Set by the driver on completion (interrupt context): status is 0 or -EIO. */
	volatile int status;
	volatile bool done;
	void (*complete)(struct blk_request *r); /* may be NULL; runs in interrupt context */
	void *arg;
};

/* Register a disk (drivers, at boot). The first one registered is the root disk. */
void blkdev_register(struct blkdev *dev);
/* The n-th registered disk, or NULL. */
struct blkdev *blkdev_get(int n);
/* Submit and wait. 0, -EIO, -EINVAL (beyond capacity, count 0 for a transfer),
 * -EROFS (write to a read-only disk). */
int blkdev_rw(struct blkdev *dev, int op, uint64_t sector, void *buf, uint32_t count);

#endif
