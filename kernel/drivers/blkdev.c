/* blkdev.c: the registry of block devices and the synchronous request path (see
 * blkdev.h). The waiter halts with interrupts enabled only inside
 * arch_wait_for_interrupt, and checks r.done with them off, so a completion between the
 * check and the halt cannot be missed. */
#include "drivers/blkdev.h"
#include <stddef.h>
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"

#define BLKDEV_MAX 8

static struct blkdev *devices[BLKDEV_MAX];
static int ndevices;

void blkdev_register(struct blkdev *dev)
{
	if (ndevices == BLKDEV_MAX) {
		printk("isle: blkdev: too many disks, %s ignored\n", dev->name);
		return;
	}
	devices[ndevices++] = dev;
}

struct blkdev *blkdev_get(int n)
{
	return n >= 0 && n < ndevices ? devices[n] : NULL;
}

int blkdev_rw(struct blkdev *dev, int op, uint64_t sector, void *buf, uint32_t count)
{
	if (op == BLK_READ || op == BLK_WRITE) {
		if (count == 0 || buf == NULL || sector > dev->sectors ||
		    count > dev->sectors - sector)
			return -EINVAL;
		if (op == BLK_WRITE && dev->read_only)
			return -EROFS;
	} else if (op != BLK_FLUSH) {
		return -EINVAL;
	}
	struct blk_request r = {.op = op, .sector = sector, .count = count, .buf = buf};
	unsigned long flags = arch_irq_save();
	int err;
	while ((err = dev->ops->submit(dev->priv, &r)) == -EAGAIN)
		arch_wait_for_interrupt(); /* the queue is full: wait for a completion */
	if (err == 0)
		while (!r.done)
			arch_wait_for_interrupt();
	arch_irq_restore(flags);
	return err < 0 ? err : r.status;
}
