/* ring.c: split virtqueue bookkeeping (see ring.h). The device reads avail->idx and the
 * descriptors it covers, and writes used->ring then used->idx; the fences below keep our
 * stores and loads in that order as the device sees them (x86: a compiler barrier plus
 * one full fence where a store must precede a later load). */
#include "drivers/virtio/ring.h"
#include "core/errno.h"
#include "lib/string.h"

static inline void ring_store_fence(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void ring_load_fence(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static size_t avail_size(uint16_t size)
{
	return 4 + 2 * (size_t)size + 2; /* flags, idx, ring, used_event */
}

static size_t used_offset(uint16_t size)
{
	size_t end = 16 * (size_t)size + avail_size(size);
	return (end + 3) & ~(size_t)3;
}

size_t vring_mem_size(uint16_t size)
{
	return used_offset(size) + 4 + 8 * (size_t)size + 2; /* flags, idx, ring, avail_event */
}

int vring_init(struct vring *vr, uint16_t size, void *mem, uint64_t mem_pa)
{
	if (size == 0 || size > VRING_MAX_SIZE || (size & (size - 1)))
		return -EINVAL;
	memset(vr, 0, sizeof(*vr));
	memset(mem, 0, vring_mem_size(size));
	vr->size = size;
	vr->desc = mem;
	vr->avail = (struct vring_avail *)((uint8_t *)mem + 16 * (size_t)size);
	vr->used = (struct vring_used *)((uint8_t *)mem + used_offset(size));
	vr->desc_pa = mem_pa;
	vr->avail_pa = mem_pa + 16 * (uint64_t)size;
	vr->used_pa = mem_pa + used_offset(size);
	for (uint16_t i = 0; i < size; i++)
		vr->desc[i].next = (uint16_t)(i + 1 < size ? i + 1 : 0);
	vr->free_head = 0;
	vr->num_free = size;
	return 0;
}

int vring_add(struct vring *vr, const struct vring_buf *bufs, unsigned n, void *token)
{
	if (n == 0 || n > vr->size || token == NULL)
		return -EINVAL;
	if (n > vr->num_free)
		return -EAGAIN;
	uint16_t head = vr->free_head, i = head, last = head;
	for (unsigned k = 0; k < n; k++) {
		struct vring_desc *d = &vr->desc[i];
		d->addr = bufs[k].pa;
		d->len = bufs[k].len;
		d->flags = (uint16_t)((bufs[k].device_writes ? VRING_DESC_F_WRITE : 0) |
				      (k + 1 < n ? VRING_DESC_F_NEXT : 0));
		last = i;
		i = d->next;
	}
	vr->free_head = vr->desc[last].next;
	vr->num_free = (uint16_t)(vr->num_free - n);
	vr->token[head] = token;

	vr->avail->ring[vr->avail_idx % vr->size] = head;
	ring_store_fence(); /* descriptors and ring entry before the index */
	vr->avail_idx++;
	__atomic_store_n(&vr->avail->idx, vr->avail_idx, __ATOMIC_RELEASE);
	return head;
}

bool vring_needs_notify(const struct vring *vr)
{
	/* Our avail->idx store must be visible before we read the device's flag. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(__atomic_load_n(&vr->used->flags, __ATOMIC_RELAXED) & VRING_USED_F_NO_NOTIFY);
}

bool vring_has_used(const struct vring *vr)
{
	return __atomic_load_n(&vr->used->idx, __ATOMIC_ACQUIRE) != vr->last_used;
}

/* Return the chain starting at head to the free list. */
static void free_chain(struct vring *vr, uint16_t head)
{
	uint16_t i = head, n = 1;
	while ((vr->desc[i].flags & VRING_DESC_F_NEXT) && n < vr->size) {
		i = vr->desc[i].next;
		n++;
	}
	vr->desc[i].next = vr->free_head;
	vr->free_head = head;
	vr->num_free = (uint16_t)(vr->num_free + n);
	vr->token[head] = NULL;
}

void *vring_get_used(struct vring *vr, uint32_t *len)
{
	while (vring_has_used(vr)) {
		ring_load_fence(); /* the entry after the index that covers it */
		struct vring_used_elem e = vr->used->ring[vr->last_used % vr->size];
		vr->last_used++;
		if (e.id >= vr->size || vr->token[e.id] == NULL)
			continue;
		void *token = vr->token[e.id];
		free_chain(vr, (uint16_t)e.id);
		if (len)
			*len = e.len;
		return token;
	}
	return NULL;
}
