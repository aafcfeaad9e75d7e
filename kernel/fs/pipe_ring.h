/* pipe_ring.h: the byte ring under a pipe: a power-of-two buffer with free-running head
 * and tail counters (used = head - tail, so full and empty differ without a spare slot).
 * Pure logic, no allocation and no locking (the caller's), so it is unit-tested on the
 * host (tests/unit/test_pipe_ring.c). */
#ifndef ISLE_FS_PIPE_RING_H
#define ISLE_FS_PIPE_RING_H

#include <stddef.h>
#include <stdint.h>

struct pipe_ring {
	uint8_t *buf;
	uint32_t cap;	     /* power of two */
	uint32_t head, tail; /* free running: bytes ever written / read */
};

/* Start empty on buf (cap bytes, a power of two). */
void pipe_ring_init(struct pipe_ring *r, uint8_t *buf, uint32_t cap);
static inline uint32_t pipe_ring_used(const struct pipe_ring *r)
{
	return r->head - r->tail;
}
static inline uint32_t pipe_ring_space(const struct pipe_ring *r)
{
	return r->cap - pipe_ring_used(r);
}
/* Copy up to n bytes in (as many as fit); returns the count. */
size_t pipe_ring_put(struct pipe_ring *r, const void *src, size_t n);
/* Copy up to n bytes out (as many as are there); returns the count. */
size_t pipe_ring_get(struct pipe_ring *r, void *dst, size_t n);
/* Move the contents to buf of cap bytes (a power of two); the old buffer is returned in
 * *old for the caller to free. -EBUSY (and nothing changes) when they do not fit. */
int pipe_ring_move(struct pipe_ring *r, uint8_t *buf, uint32_t cap, uint8_t **old);

#endif
