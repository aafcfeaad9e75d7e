/* ring.h: the split virtqueue of virtio 1.x (spec section 2.7): a descriptor table, the
 * available ring the driver fills and the used ring the device fills. Pure logic over
 * memory the caller provides, so it also builds on the host for unit tests.
 *
 * Free descriptors form a list threaded through desc[].next. A request is a chain of
 * descriptors; its head index identifies it in both rings and keys the caller's token.
 * Several requests may be in flight; completions may come back in any order.
 *
 * Locking: none inside. The driver calls vring_add from normal code with interrupts off
 * and vring_get_used from its interrupt handler (or with interrupts off), single CPU. */
#ifndef ISLE_DRIVERS_VIRTIO_RING_H
#define ISLE_DRIVERS_VIRTIO_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRING_MAX_SIZE 256 /* largest queue we use; the device may offer more */

/* Descriptor flags (2.7.5). */
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
/* Used ring flags (2.7.10): the device does not want notifications. */
#define VRING_USED_F_NO_NOTIFY 1

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];
};

/* One buffer of a request: physical address, length, and whether the device writes it
 * (device-writable buffers must follow every device-readable one). */
struct vring_buf {
	uint64_t pa;
	uint32_t len;
	bool device_writes;
};

struct vring {
	uint16_t size; /* power of two, <= VRING_MAX_SIZE */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_pa, avail_pa, used_pa; /* for the transport's queue setup */
	uint16_t free_head;		     /* first free descriptor */
	uint16_t num_free;
	uint16_t avail_idx;	     /* our copy of avail->idx (free running) */
	uint16_t last_used;	     /* next used->ring entry to consume (free running) */
	void *token[VRING_MAX_SIZE]; /* per head descriptor; NULL when free */
};

/* Bytes of ring memory for a queue of size entries (descriptor table, then the available
 * ring, then the used ring at the next 4-byte boundary). */
size_t vring_mem_size(uint16_t size);

/* Lay out a ring of size entries (a power of two, 1..VRING_MAX_SIZE) in mem, which is
 * vring_mem_size(size) bytes at physical address mem_pa, 16-byte aligned; zeroes it and
 * puts every descriptor on the free list. -EINVAL for a bad size. */
int vring_init(struct vring *vr, uint16_t size, void *mem, uint64_t mem_pa);

/* Queue a request of n buffers with token (not NULL) and make it available to the
 * device. Returns the head descriptor index (>= 0), -EAGAIN when fewer than n
 * descriptors are free, -EINVAL when n is 0, larger than the ring, or token is NULL.
 * The caller notifies the device afterwards when vring_needs_notify says so. */
int vring_add(struct vring *vr, const struct vring_buf *bufs, unsigned n, void *token);

/* Whether the device asked to be notified of new available buffers. */
bool vring_needs_notify(const struct vring *vr);

/* Take the next completed request: returns its token and frees its descriptors, with
 * *len the bytes the device wrote (when len is not NULL); NULL when none is pending.
 * A used entry naming a descriptor that is not in flight is skipped (a broken device
 * cannot make us free a descriptor twice). */
void *vring_get_used(struct vring *vr, uint32_t *len);

/* Requests completed by the device and not yet taken. */
bool vring_has_used(const struct vring *vr);

#endif
