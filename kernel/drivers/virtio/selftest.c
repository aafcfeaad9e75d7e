/* selftest.c: selftest=blk, a boot-time check of disk 0 for the e2e tests. It prints,
 * on the kernel log,
 *     isle: blk selftest: vda N sectors, first sector checksum XXXXXXXX
 * (FNV-1a 32-bit of sector 0; the last sector is read too), then writes a pattern to
 * the last 8 sectors with 8 requests in flight at once, reads them back the same way,
 * compares, and reads all 8 again in one request. On a read-only disk it checks instead
 * that writes fail:
 *     isle: blk selftest: read-only, write refused with -EROFS
 * It ends with "isle: blk selftest: PASS" or a line starting "isle: blk selftest: FAIL",
 * then boot goes on. Byte j of the i-th of the last 8 sectors is (0x5a ^ (i*29 + j)). */
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "drivers/blkdev.h"
#include "drivers/virtio/virtio.h"
#include "lib/string.h"
#include "mm/heap.h"

#define ST_SECTORS 8

static volatile int st_pending;

static void st_complete(struct blk_request *r)
{
	st_pending--;
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* One request per sector, all submitted before any completes (interrupts stay off until
 * the wait). Returns 0 or the first error; *in_flight tells the most outstanding. */
static int st_batch(struct blkdev *d, int op, uint64_t first, uint8_t *buf, int *in_flight)
{
	static struct blk_request rq[ST_SECTORS];
	unsigned long flags = arch_irq_save();
	st_pending = 0;
	*in_flight = 0;
	int err = 0;
	for (int i = 0; i < ST_SECTORS && err == 0; i++) {
		rq[i] = (struct blk_request){.op = op,
					     .sector = first + (uint64_t)i,
					     .count = 1,
					     .buf = buf + i * BLK_SECTOR_SIZE,
					     .complete = st_complete};
		st_pending++;
		while ((err = d->ops->submit(d->priv, &rq[i])) == -EAGAIN)
			arch_wait_for_interrupt();
		if (err < 0)
			st_pending--;
		if (st_pending > *in_flight)
			*in_flight = st_pending;
	}
	while (st_pending > 0)
		arch_wait_for_interrupt();
	arch_irq_restore(flags);
	for (int i = 0; i < ST_SECTORS && err == 0; i++)
		if (rq[i].done && rq[i].status < 0)
			err = rq[i].status;
	return err;
}

static void st_fail(const char *what, int err)
{
	printk("isle: blk selftest: FAIL: %s (error %d)\n", what, err);
}

void virtio_selftest_blk(void)
{
	struct blkdev *d = blkdev_get(0);
	if (d == NULL) {
		printk("isle: blk selftest: FAIL: no disk\n");
		return;
	}
	uint8_t *buf = kzalloc(ST_SECTORS * BLK_SECTOR_SIZE);
	uint8_t *back = kzalloc(ST_SECTORS * BLK_SECTOR_SIZE);
	if (buf == NULL || back == NULL) {
		st_fail("out of memory", -ENOMEM);
		goto out;
	}
	int err = blkdev_rw(d, BLK_READ, 0, buf, 1);
	if (err < 0) {
		st_fail("read sector 0", err);
		goto out;
	}
	uint32_t sum = fnv1a(buf, BLK_SECTOR_SIZE);
	err = blkdev_rw(d, BLK_READ, d->sectors - 1, back, 1);
	if (err < 0) {
		st_fail("read the last sector", err);
		goto out;
	}
	printk("isle: blk selftest: %s %lu sectors, first sector checksum %08x\n", d->name,
	       (unsigned long)d->sectors, sum);
	if (d->sectors < ST_SECTORS) {
		st_fail("disk too small", -EINVAL);
		goto out;
	}
	uint64_t first = d->sectors - ST_SECTORS;

	if (d->read_only) {
		err = blkdev_rw(d, BLK_WRITE, first, buf, 1);
		int direct;
		int err2 = st_batch(d, BLK_WRITE, first, buf, &direct);
		if (err != -EROFS || err2 != -EROFS) {
			printk("isle: blk selftest: FAIL: write to a read-only disk gave %d, %d\n",
			       err, err2);
			goto out;
		}
		printk("isle: blk selftest: read-only, write refused with -EROFS\n");
		printk("isle: blk selftest: PASS\n");
		goto out;
	}

	for (int i = 0; i < ST_SECTORS; i++)
		for (int j = 0; j < BLK_SECTOR_SIZE; j++)
			buf[i * BLK_SECTOR_SIZE + j] = (uint8_t)(0x5a ^ (i * 29 + j));
	int wmax, rmax;
	err = st_batch(d, BLK_WRITE, first, buf, &wmax);
	if (err < 0) {
		st_fail("write", err);
		goto out;
	}
	err = blkdev_rw(d, BLK_FLUSH, 0, NULL, 0);
	if (err < 0) {
		st_fail("flush", err);
		goto out;
	}
	memset(back, 0, ST_SECTORS * BLK_SECTOR_SIZE);
	err = st_batch(d, BLK_READ, first, back, &rmax);
	if (err < 0) {
		st_fail("read back", err);
		goto out;
	}
	printk("isle: blk selftest: %d writes and %d reads in flight at once\n", wmax, rmax);
	if (memcmp(buf, back, ST_SECTORS * BLK_SECTOR_SIZE) != 0) {
		st_fail("data read back differs from data written", -EIO);
		goto out;
	}
	/* The same sectors again as one 4 KiB request (one multi-sector data descriptor). */
	memset(back, 0, ST_SECTORS * BLK_SECTOR_SIZE);
	err = blkdev_rw(d, BLK_READ, first, back, ST_SECTORS);
	if (err < 0) {
		st_fail("read back in one request", err);
		goto out;
	}
	if (memcmp(buf, back, ST_SECTORS * BLK_SECTOR_SIZE) != 0) {
		st_fail("data read back in one request differs", -EIO);
		goto out;
	}
	printk("isle: blk selftest: PASS\n");
out:
	kfree(buf);
	kfree(back);
}
