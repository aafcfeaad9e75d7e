/* blkdev.c: the registry of block devices and the synchronous request path (see
 * blkdev.h). The submitter sleeps on a wait queue (other threads run meanwhile; the
 * completion interrupt may arrive on another CPU) and is on it before submitting, so a
 * completion cannot be missed. A full device queue is waited out the same way. */
#include "drivers/blkdev.h"
#include <stddef.h>
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "sched/sched.h"
#include "sched/wait.h"

#define BLKDEV_MAX 8

static struct blkdev *devices[BLKDEV_MAX];
static struct wait_queue completions = WAIT_QUEUE_INIT; /* every synchronous submitter */

/* Interrupt context: some request finished (ours or another's; each re-checks). */
static void completed(struct blk_request *r)
{
	waitq_wake_all(&completions, 0);
}
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
	struct blk_request r = {
		.op = op, .sector = sector, .count = count, .buf = buf, .complete = completed};
	struct waiter w;
	int err;
	waiter_init(&w, sched_started() ? current : NULL);
	waitq_add(&completions, &w);
	for (;;) {
		unsigned long flags = arch_irq_save();
		err = dev->ops->submit(dev->priv, &r);
		arch_irq_restore(flags);
		if (err != -EAGAIN)
			break;
		waiter_sleep(&w, 0, 0); /* the queue is full: wait for a completion */
	}
	if (err == 0)
		while (!r.done)
			waiter_sleep(&w, 0, 0);
	waitq_remove(&w);
	return err < 0 ? err : r.status;
}
