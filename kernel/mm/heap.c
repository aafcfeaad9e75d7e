/* heap.c: the kernel heap (heap.h): size-class slabs in single pages, large blocks from
 * contiguous pages. */

/*
 * Design. Every block is found from its page: kfree looks at the 4 KiB page that holds
 * the pointer.
 *   - A slab page starts with struct slab (32 bytes) and holds equal objects of one size
 *     class after it. Free objects are threaded into the slab's free list; slabs with at
 *     least one free object are on their class's partial list. Classes are chosen so that
 *     pages are well filled: 2032 is the largest size two objects fit in beside the
 *     header, 1344 three, 1008 four, 672 six.
 *   - A large block (over 2032 bytes) is pmm_alloc_contig pages with struct large (32
 *     bytes) at the start; the caller's pointer is 32 bytes in. Page-sized buffers that
 *     must not waste a page should come from pmm directly.
 * So any pointer into a page starting with SLAB_MAGIC is a slab object; a pointer 32
 * bytes into a page whose struct large says LARGE_MAGIC is a large block (its first word
 * is zero, never SLAB_MAGIC); anything else is not ours and kfree panics.
 *
 * Double frees: a free object carries FREE_COOKIE in its second word; kfree of an object
 * with the cookie walks the slab's free list (at most 254 entries) to confirm, then
 * panics. A freed large block's header says LARGE_FREED until the page is reused (the
 * magic sits past the 16 bytes pmm threads its free list through).
 *
 * A slab that becomes empty goes back to pmm unless it is its class's only partial slab
 * (kept to avoid page ping-pong). No locking (single CPU, never from interrupt handlers).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/printk.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/heap.h"
#include "arch/x86_64/arch.h"
#include "mm/layout.h"
#include "mm/pmm.h"

#define SLAB_MAGIC 0x51ab0b1eu
#define LARGE_MAGIC 0x1a46eb10u
#define LARGE_FREED 0xf4eeb10cu
#define FREE_COOKIE 0xdeadf4eedeadf4eeULL
#define SLAB_HDR 32
#define LARGE_HDR 32

struct slab {
	uint32_t magic;
	uint16_t cls;
	uint16_t inuse;
	struct free_obj *free;
	struct slab *next, *prev; /* partial list of the class; both NULL when not on it */
};

struct free_obj {
	struct free_obj *next;
	uint64_t cookie;
};

struct large {
	uint64_t link[2]; /* zero; pmm's free-list links land here once the pages are freed */
	uint32_t magic;	  /* so it survives the free, for double-free detection */
	uint32_t unused;
	uint64_t npages;
};

_Static_assert(sizeof(struct slab) == SLAB_HDR, "slab header size");
_Static_assert(sizeof(struct large) == LARGE_HDR, "large header size");

static const uint16_t class_size[] = {16,  32,	48,  64,  96,	128,  192,
				      256, 384, 512, 672, 1008, 1344, 2032};
#define NCLASSES (sizeof(class_size) / sizeof(class_size[0]))
#define SMALL_MAX 2032

static struct slab *partial[NCLASSES];

static unsigned class_of(size_t size)
{
	unsigned c = 0;
	while (class_size[c] < size)
		c++;
	return c;
}

static unsigned slab_capacity(unsigned cls)
{
	return (PAGE_SIZE - SLAB_HDR) / class_size[cls];
}

static void partial_add(struct slab *s)
{
	s->prev = NULL;
	s->next = partial[s->cls];
	if (s->next)
		s->next->prev = s;
	partial[s->cls] = s;
}

static void partial_remove(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static struct slab *slab_new(unsigned cls)
{
	uint64_t pa = pmm_alloc_page();
	if (!pa)
		return NULL;
	struct slab *s = MM_VIRT(pa);
	s->magic = SLAB_MAGIC;
	s->cls = (uint16_t)cls;
	s->inuse = 0;
	s->free = NULL;
	char *base = (char *)s + SLAB_HDR;
	for (unsigned i = slab_capacity(cls); i-- > 0;) {
		struct free_obj *o = (struct free_obj *)(base + (size_t)i * class_size[cls]);
		o->next = s->free;
		o->cookie = FREE_COOKIE;
		s->free = o;
	}
	partial_add(s);
	return s;
}

static void *large_alloc(size_t size)
{
	if (size > SIZE_MAX - LARGE_HDR - PAGE_SIZE)
		return NULL;
	uint64_t npages = (size + LARGE_HDR + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t pa = pmm_alloc_contig(npages);
	if (!pa)
		return NULL;
	struct large *l = MM_VIRT(pa);
	l->link[0] = l->link[1] = 0;
	l->magic = LARGE_MAGIC;
	l->npages = npages;
	return (char *)l + LARGE_HDR;
}

static void *kmalloc_irqs_off(size_t size)
{
	if (size > SMALL_MAX)
		return large_alloc(size);
	unsigned cls = class_of(size ? size : 1);
	struct slab *s = partial[cls];
	if (!s && !(s = slab_new(cls)))
		return NULL;
	struct free_obj *o = s->free;
	s->free = o->next;
	s->inuse++;
	if (!s->free)
		partial_remove(s);
	o->cookie = 0;
	return o;
}

/* Interrupt handlers allocate too (network receive): every entry point runs with
 * interrupts off on this CPU (other CPUs are kept out by the BKL). */
void *kmalloc(size_t size)
{
	unsigned long fl = arch_irq_save();
	void *p = kmalloc_irqs_off(size);
	arch_irq_restore(fl);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void *kmalloc_or_panic(size_t size)
{
	void *p = kmalloc(size);
	if (!p)
		panic("out of memory: kmalloc(%zu)", size);
	return p;
}

static bool on_free_list(const struct slab *s, const struct free_obj *o)
{
	for (const struct free_obj *f = s->free; f; f = f->next)
		if (f == o)
			return true;
	return false;
}

static void slab_free(struct slab *s, void *p)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)s;
	unsigned size = class_size[s->cls];
	if (off < SLAB_HDR || (off - SLAB_HDR) % size ||
	    (off - SLAB_HDR) / size >= slab_capacity(s->cls))
		panic("kfree(%p): not the start of a %u-byte heap block", p, size);
	struct free_obj *o = p;
	if (o->cookie == FREE_COOKIE && on_free_list(s, o))
		panic("kfree(%p): double free", p);
	if (s->inuse == 0)
		panic("kfree(%p): slab accounting broken", p);
	bool was_full = !s->free;
	o->next = s->free;
	o->cookie = FREE_COOKIE;
	s->free = o;
	s->inuse--;
	if (was_full)
		partial_add(s);
	if (s->inuse == 0 && (partial[s->cls] != s || s->next)) {
		partial_remove(s);
		s->magic = 0;
		pmm_free_page(MM_PHYS(s));
	}
}

static void kfree_irqs_off(void *p)
{
	uintptr_t va = (uintptr_t)p;
	if (va & 15)
		panic("kfree(%p): not a heap pointer (misaligned)", p);
	void *page = (void *)(va & PAGE_MASK);
	struct large *l = page;
	if (*(const uint32_t *)page == SLAB_MAGIC) {
		slab_free(page, p);
		return;
	}
	if (va - (uintptr_t)page == LARGE_HDR && l->magic == LARGE_MAGIC) {
		l->magic = LARGE_FREED;
		pmm_free_contig(MM_PHYS(l), l->npages);
		return;
	}
	if (va - (uintptr_t)page == LARGE_HDR && l->magic == LARGE_FREED)
		panic("kfree(%p): double free of a large block", p);
	panic("kfree(%p): not a pointer from kmalloc", p);
}

#ifdef ISLE_UNIT_TEST
/* Forget every slab (unit tests reset the page allocator under the heap). */
void heap_test_reset(void);
void heap_test_reset(void)
{
	memset(partial, 0, sizeof(partial));
}
#endif

void kfree(void *p)
{
	if (!p)
		return;
	unsigned long fl = arch_irq_save();
	kfree_irqs_off(p);
	arch_irq_restore(fl);
}
