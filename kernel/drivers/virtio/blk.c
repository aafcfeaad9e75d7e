/* blk.c: the virtio-blk driver (spec 5.2) behind struct blkdev. One request queue; a
 * request is a chain of a 16-byte header (device reads), the data (split into segments
 * of at most size_max bytes, at most seg_max of them) and a status byte (device
 * writes). Headers and status bytes live in a slot array, one slot per request in
 * flight; slots and ring are shared between submit (interrupts off) and the interrupt
 * handler, single CPU.
 *
 * Completion: the interrupt handler takes every used chain, sets r->status (0, or -EIO
 * for any device error) and r->done, frees the slot, then calls r->complete.
 *
 * submit refuses, before touching the queue: -EINVAL (unknown op, count 0, beyond the
 * capacity, more segments than seg_max allows), -EROFS (write to a read-only disk,
 * VIRTIO_BLK_F_RO), -EAGAIN (every slot or descriptor in use: retry after a completion).
 * A FLUSH on a disk without a volatile write cache (no VIRTIO_BLK_F_FLUSH) completes at
 * once with status 0. */
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "drivers/blkdev.h"
#include "drivers/virtio/virtio.h"
#include "lib/format.h"
#include "mm/heap.h"
#include "mm/layout.h"

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_FLUSH 9

/* Configuration offsets (5.2.4). */
#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_SEG_MAX 12

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0

#define VBLK_QUEUE_SIZE 128
#define VBLK_MAX_SEGS 32	  /* data descriptors per request */
#define VBLK_MAX_BYTES (1u << 30) /* one request moves at most 1 GiB */
#define VBLK_STATUS_PENDING 0xff

struct vblk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct vblk_slot {
	struct vblk_hdr hdr; /* 16-byte aligned: never crosses a page */
	struct blk_request *r;
	volatile uint8_t status;
};

struct vblk {
	struct blkdev bd;
	struct virtio_dev *vdev;
	struct vring vq;
	uint32_t seg_max, size_max;
	struct vblk_slot *slots;
	uint16_t nslots, nfree;
	uint16_t *free_slot; /* stack of free slot indexes */
};

static int disks;

static void vblk_irq(void *arg)
{
	struct vblk *b = arg;
	struct vblk_slot *s;
	while ((s = vring_get_used(&b->vq, NULL)) != NULL) {
		struct blk_request *r = s->r;
		uint8_t status = s->status;
		s->r = NULL;
		b->free_slot[b->nfree++] = (uint16_t)(s - b->slots);
		r->status = status == VIRTIO_BLK_S_OK ? 0 : -EIO;
		r->done = true;
		if (r->complete)
			r->complete(r);
	}
}

/* Check r against the disk; 0 or a negative errno. */
static int vblk_check(const struct vblk *b, const struct blk_request *r)
{
	if (r->op == BLK_FLUSH)
		return 0;
	if (r->op != BLK_READ && r->op != BLK_WRITE)
		return -EINVAL;
	if (r->count == 0 || r->buf == NULL || r->count > VBLK_MAX_BYTES / BLK_SECTOR_SIZE ||
	    r->sector > b->bd.sectors || r->count > b->bd.sectors - r->sector)
		return -EINVAL;
	if (r->op == BLK_WRITE && b->bd.read_only)
		return -EROFS;
	return 0;
}

/* Complete r without the device, as the interrupt handler would (interrupts off). */
static void complete_now(struct blk_request *r, int status)
{
	unsigned long flags = arch_irq_save();
	r->status = status;
	r->done = true;
	if (r->complete)
		r->complete(r);
	arch_irq_restore(flags);
}

static int vblk_submit(void *priv, struct blk_request *r)
{
	struct vblk *b = priv;
	int err = vblk_check(b, r);
	if (err < 0)
		return err;
	r->done = false;
	if (r->op == BLK_FLUSH && !b->bd.flush) {
		complete_now(r, 0); /* no volatile cache: nothing to flush */
		return 0;
	}
	struct vring_buf bufs[VBLK_MAX_SEGS + 2];
	unsigned n = 1;
	if (r->op != BLK_FLUSH) {
		uint64_t pa = virt_to_phys(r->buf), left = (uint64_t)r->count * BLK_SECTOR_SIZE;
		while (left) {
			if (n - 1 == b->seg_max)
				return -EINVAL; /* more segments than the device takes */
			uint32_t len = left < b->size_max ? (uint32_t)left : b->size_max;
			bufs[n++] = (struct vring_buf){pa, len, r->op == BLK_READ};
			pa += len;
			left -= len;
		}
	}

	unsigned long flags = arch_irq_save();
	if (b->nfree == 0) {
		arch_irq_restore(flags);
		return -EAGAIN;
	}
	uint16_t i = b->free_slot[--b->nfree];
	struct vblk_slot *s = &b->slots[i];
	s->hdr.type = r->op == BLK_READ	   ? VIRTIO_BLK_T_IN
		      : r->op == BLK_WRITE ? VIRTIO_BLK_T_OUT
					   : VIRTIO_BLK_T_FLUSH;
	s->hdr.reserved = 0;
	s->hdr.sector = r->op == BLK_FLUSH ? 0 : r->sector;
	s->status = VBLK_STATUS_PENDING;
	s->r = r;
	bufs[0] = (struct vring_buf){virt_to_phys(&s->hdr), sizeof(s->hdr), false};
	bufs[n++] = (struct vring_buf){virt_to_phys((const void *)&s->status), 1, true};
	int head = vring_add(&b->vq, bufs, n, s);
	if (head < 0) {
		s->r = NULL;
		b->free_slot[b->nfree++] = i;
		arch_irq_restore(flags);
		return head;
	}
	virtio_kick(b->vdev, 0, &b->vq);
	arch_irq_restore(flags);
	return 0;
}

static const struct blkdev_ops vblk_ops = {.submit = vblk_submit};

int virtio_blk_attach(struct virtio_dev *d)
{
	virtio_begin(d);
	int r = virtio_negotiate(d, 1ULL << VIRTIO_BLK_F_SIZE_MAX | 1ULL << VIRTIO_BLK_F_SEG_MAX |
					    1ULL << VIRTIO_BLK_F_RO | 1ULL << VIRTIO_BLK_F_FLUSH);
	if (r < 0)
		return r;
	struct vblk *b = kzalloc(sizeof(*b));
	if (b == NULL)
		return -ENOMEM;
	b->vdev = d;
	b->bd.sectors = virtio_read_config64(d, CFG_CAPACITY);
	b->bd.read_only = virtio_has(d, VIRTIO_BLK_F_RO);
	b->bd.flush = virtio_has(d, VIRTIO_BLK_F_FLUSH);
	b->size_max = virtio_has(d, VIRTIO_BLK_F_SIZE_MAX) ? virtio_read_config32(d, CFG_SIZE_MAX)
							   : VBLK_MAX_BYTES;
	if (b->size_max < BLK_SECTOR_SIZE || b->size_max > VBLK_MAX_BYTES)
		b->size_max = b->size_max < BLK_SECTOR_SIZE ? BLK_SECTOR_SIZE : VBLK_MAX_BYTES;
	b->seg_max = virtio_has(d, VIRTIO_BLK_F_SEG_MAX) ? virtio_read_config32(d, CFG_SEG_MAX)
							 : VBLK_MAX_SEGS;
	if (b->seg_max == 0 || b->seg_max > VBLK_MAX_SEGS)
		b->seg_max = b->seg_max == 0 ? 1 : VBLK_MAX_SEGS;

	r = virtio_set_irq(d, vblk_irq, b);
	if (r == 0)
		r = virtio_queue_create(d, 0, VBLK_QUEUE_SIZE, &b->vq);
	if (r < 0) {
		kfree(b);
		return r;
	}
	b->nslots = b->vq.size >= 4 ? b->vq.size / 2 : 1; /* a request takes >= 2 descriptors */
	b->slots = kzalloc(b->nslots * sizeof(*b->slots));
	b->free_slot = kzalloc(b->nslots * sizeof(*b->free_slot));
	if (b->slots == NULL || b->free_slot == NULL)
		return -ENOMEM; /* the device is marked failed; memory stays with it */
	for (uint16_t i = 0; i < b->nslots; i++)
		b->free_slot[b->nfree++] = (uint16_t)(b->nslots - 1 - i);

	fmt_snprintf(b->bd.name, sizeof(b->bd.name), "vd%c", 'a' + (disks < 26 ? disks : 25));
	disks++;
	b->bd.ops = &vblk_ops;
	b->bd.priv = b;
	virtio_driver_ok(d);
	pr_info("isle: virtio: %s: %s, %lu sectors%s%s, queue %u\n", d->where, b->bd.name,
		(unsigned long)b->bd.sectors, b->bd.read_only ? ", read-only" : "",
		b->bd.flush ? ", write cache" : "", b->vq.size);
	blkdev_register(&b->bd);
	return 0;
}
