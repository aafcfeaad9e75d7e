/* pipe_ring.c: the byte ring under a pipe (pipe_ring.h). A copy that wraps is two
 * memcpys; counters wrap at 2^32, which the subtraction in pipe_ring_used absorbs. */
#include "fs/pipe_ring.h"
#include "core/errno.h"
#include "lib/string.h"

void pipe_ring_init(struct pipe_ring *r, uint8_t *buf, uint32_t cap)
{
	r->buf = buf;
	r->cap = cap;
	r->head = r->tail = 0;
}

size_t pipe_ring_put(struct pipe_ring *r, const void *src, size_t n)
{
	uint32_t space = pipe_ring_space(r);
	uint32_t at = r->head & (r->cap - 1);

	if (n > space)
		n = space;
	size_t first = n < r->cap - at ? n : r->cap - at;
	memcpy(r->buf + at, src, first);
	memcpy(r->buf, (const uint8_t *)src + first, n - first);
	r->head += (uint32_t)n;
	return n;
}

size_t pipe_ring_get(struct pipe_ring *r, void *dst, size_t n)
{
	uint32_t used = pipe_ring_used(r);
	uint32_t at = r->tail & (r->cap - 1);

	if (n > used)
		n = used;
	size_t first = n < r->cap - at ? n : r->cap - at;
	memcpy(dst, r->buf + at, first);
	memcpy((uint8_t *)dst + first, r->buf, n - first);
	r->tail += (uint32_t)n;
	return n;
}

int pipe_ring_move(struct pipe_ring *r, uint8_t *buf, uint32_t cap, uint8_t **old)
{
	uint32_t used = pipe_ring_used(r);

	if (used > cap)
		return -EBUSY;
	pipe_ring_get(r, buf, used);
	*old = r->buf;
	r->buf = buf;
	r->cap = cap;
	r->tail = 0;
	r->head = used;
	return 0;
}
