/* pkt.c: packet buffers (contract in pkt.h): one kmalloc'd block, the struct followed by
 * the data area. */
#include "net/pkt.h"

#include "lib/string.h"
#include "mm/heap.h"

struct pkt *pkt_alloc(uint32_t headroom, uint32_t len)
{
	if (headroom > 65536 || len > 65536 * 2)
		return NULL;
	uint32_t cap = headroom + len;
	struct pkt *p = kmalloc(sizeof(*p) + cap);
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->buf = (uint8_t *)(p + 1);
	p->cap = cap;
	p->data = p->buf + headroom;
	return p;
}

void pkt_free(struct pkt *p)
{
	kfree(p);
}

uint8_t *pkt_push(struct pkt *p, uint32_t n)
{
	if ((uint32_t)(p->data - p->buf) < n)
		return NULL;
	p->data -= n;
	p->len += n;
	return p->data;
}

uint8_t *pkt_put(struct pkt *p, uint32_t n)
{
	uint32_t end = (uint32_t)(p->data - p->buf) + p->len;
	if (p->cap - end < n)
		return NULL;
	p->len += n;
	return p->data + p->len - n;
}

uint8_t *pkt_pull(struct pkt *p, uint32_t n)
{
	if (p->len < n)
		return NULL;
	p->data += n;
	p->len -= n;
	return p->data;
}

void pkt_trim(struct pkt *p, uint32_t len)
{
	if (len < p->len)
		p->len = len;
}
