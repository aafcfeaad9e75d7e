/* pmm.c: the physical page allocator (pmm.h): per-range bitmaps plus a free list. */

/*
 * Design. Each RAM range given to pmm_add_range keeps its own bitmap (one bit per page,
 * set = allocated) in its first pages, so metadata is 32 KiB per GiB and lives in the
 * memory it describes. The bitmap is the truth about which pages are free: it catches
 * double frees and is what contiguous allocations search.
 *
 * A free page is in exactly one of two places:
 *   - the free list: a doubly linked list threaded through the free pages themselves
 *     (struct free_node at the start of the page), holding every page freed since boot.
 *     Single pages come from its head in O(1); contiguous allocations unlink pages from
 *     the middle in O(1) each, hence the back links.
 *   - a range's fresh window [fresh_lo, fresh_hi): pages never handed out. Boot touches no
 *     page but the bitmaps (the host does not have to back untouched guest RAM, and boot
 *     time does not grow with RAM size). Single pages are taken from fresh_lo, runs from
 *     fresh_hi, so the window stays one interval.
 *
 * Invariants: bit clear <=> page free; a free page is on the list iff it is outside its
 * range's fresh window; pmm.free counts both kinds. Physical page 0 is never managed (0
 * means "no page"). No locking (see pmm.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/printk.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "arch/x86_64/arch.h"

#define PMM_MAX_RANGES 32

struct pmm_range {
	uint64_t base;	   /* physical address of managed page 0 (just after the bitmap) */
	uint64_t npages;   /* managed pages */
	uint64_t *bitmap;  /* npages bits rounded up to 64; padding bits are set */
	uint64_t fresh_lo; /* [fresh_lo, fresh_hi): free, never allocated, not on the list */
	uint64_t fresh_hi;
};

struct free_node {
	struct free_node *next, *prev;
};

static struct {
	struct pmm_range range[PMM_MAX_RANGES];
	int nranges;
	struct free_node *head;
	uint64_t free, total;
} pmm;

static bool bit_test(const struct pmm_range *r, uint64_t i)
{
	return (r->bitmap[i / 64] >> (i % 64)) & 1;
}

static void bit_set(struct pmm_range *r, uint64_t i)
{
	r->bitmap[i / 64] |= 1ULL << (i % 64);
}

static void bit_clear(struct pmm_range *r, uint64_t i)
{
	r->bitmap[i / 64] &= ~(1ULL << (i % 64));
}

static uint64_t page_pa(const struct pmm_range *r, uint64_t i)
{
	return r->base + i * PAGE_SIZE;
}

static void list_push(uint64_t pa)
{
	struct free_node *n = MM_VIRT(pa);
	n->prev = NULL;
	n->next = pmm.head;
	if (pmm.head)
		pmm.head->prev = n;
	pmm.head = n;
}

static void list_unlink(struct free_node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		pmm.head = n->next;
	if (n->next)
		n->next->prev = n->prev;
}

static struct pmm_range *range_of(uint64_t pa)
{
	for (int i = 0; i < pmm.nranges; i++) {
		struct pmm_range *r = &pmm.range[i];
		if (pa >= r->base && (pa - r->base) / PAGE_SIZE < r->npages)
			return r;
	}
	return NULL;
}

void pmm_add_range(uint64_t base, uint64_t size)
{
	uint64_t end = base + size < base ? UINT64_MAX : base + size;
	uint64_t start = PAGE_ALIGN_UP(base);
	if (start < base) /* base within the last page of the address space */
		return;
	end = PAGE_ALIGN_DOWN(end);
	if (start == 0)
		start = PAGE_SIZE;
	if (end <= start)
		return;
	for (int i = 0; i < pmm.nranges; i++) {
		const struct pmm_range *r = &pmm.range[i];
		uint64_t rstart = PAGE_ALIGN_DOWN((uint64_t)(uintptr_t)MM_PHYS(r->bitmap));
		uint64_t rend = r->base + r->npages * PAGE_SIZE;
		if (start < rend && rstart < end)
			panic("pmm_add_range: [%#llx, %#llx) overlaps [%#llx, %#llx)",
			      (unsigned long long)start, (unsigned long long)end,
			      (unsigned long long)rstart, (unsigned long long)rend);
	}
	if (pmm.nranges == PMM_MAX_RANGES) {
		printk("isle: pmm: more than %d RAM ranges, ignoring [%#llx, %#llx)\n",
		       PMM_MAX_RANGES, (unsigned long long)start, (unsigned long long)end);
		return;
	}

	uint64_t all = (end - start) / PAGE_SIZE;
	uint64_t words = (all + 63) / 64;
	uint64_t bm_pages = (words * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
	if (all <= bm_pages)
		return; /* too small to hold its own bitmap and a page */

	struct pmm_range *r = &pmm.range[pmm.nranges++];
	r->bitmap = MM_VIRT(start);
	r->base = start + bm_pages * PAGE_SIZE;
	r->npages = all - bm_pages;
	words = (r->npages + 63) / 64;
	memset(r->bitmap, 0, words * 8);
	for (uint64_t i = r->npages; i < words * 64; i++)
		bit_set(r, i);
	r->fresh_lo = 0;
	r->fresh_hi = r->npages;
	pmm.free += r->npages;
	pmm.total += r->npages;
}

static uint64_t pmm_alloc_page_irqs_off(void)
{
	if (pmm.head) {
		struct free_node *n = pmm.head;
		list_unlink(n);
		uint64_t pa = MM_PHYS(n);
		struct pmm_range *r = range_of(pa);
		uint64_t i = (pa - r->base) / PAGE_SIZE;
		if (bit_test(r, i))
			panic("pmm: free list holds allocated page %#llx", (unsigned long long)pa);
		bit_set(r, i);
		pmm.free--;
		return pa;
	}
	for (int k = 0; k < pmm.nranges; k++) {
		struct pmm_range *r = &pmm.range[k];
		if (r->fresh_lo < r->fresh_hi) {
			uint64_t i = r->fresh_lo++;
			bit_set(r, i);
			pmm.free--;
			return page_pa(r, i);
		}
	}
	return 0;
}

static uint64_t pmm_alloc_zeroed_page_irqs_off(void)
{
	uint64_t pa = pmm_alloc_page();
	if (pa)
		memset(MM_VIRT(pa), 0, PAGE_SIZE);
	return pa;
}

/* First run of n clear bits in r, or UINT64_MAX. Skips full words whole. */
static uint64_t find_run(const struct pmm_range *r, uint64_t n)
{
	uint64_t run = 0;
	for (uint64_t i = 0; i < r->npages;) {
		uint64_t w = r->bitmap[i / 64];
		if (i % 64 == 0 && w == UINT64_MAX) {
			run = 0;
			i += 64;
			continue;
		}
		if (bit_test(r, i)) {
			run = 0;
		} else if (++run == n) {
			return i + 1 - n;
		}
		i++;
	}
	return UINT64_MAX;
}

/* Take pages [s, s+n) of r, all free: unlink listed ones, shrink the fresh window. */
static uint64_t take_run(struct pmm_range *r, uint64_t s, uint64_t n)
{
	for (uint64_t i = s; i < s + n; i++) {
		if (i < r->fresh_lo || i >= r->fresh_hi)
			list_unlink(MM_VIRT(page_pa(r, i)));
		bit_set(r, i);
	}
	/* The run is never strictly inside the window (callers try the window first), so
	 * what is left of the window is one interval. */
	if (s < r->fresh_hi && r->fresh_lo < s + n) {
		if (s <= r->fresh_lo)
			r->fresh_lo = s + n < r->fresh_hi ? s + n : r->fresh_hi;
		else
			r->fresh_hi = s;
	}
	pmm.free -= n;
	return page_pa(r, s);
}

static uint64_t pmm_alloc_contig_irqs_off(uint64_t npages)
{
	if (npages == 0 || npages > pmm.free)
		return 0;
	if (npages == 1)
		return pmm_alloc_page();
	for (int k = 0; k < pmm.nranges; k++) {
		struct pmm_range *r = &pmm.range[k];
		if (r->fresh_hi - r->fresh_lo >= npages) {
			uint64_t s = r->fresh_hi - npages;
			return take_run(r, s, npages);
		}
	}
	for (int k = 0; k < pmm.nranges; k++) {
		struct pmm_range *r = &pmm.range[k];
		uint64_t s = find_run(r, npages);
		if (s != UINT64_MAX)
			return take_run(r, s, npages);
	}
	return 0;
}

static void pmm_free_page_irqs_off(uint64_t pa)
{
	struct pmm_range *r = range_of(pa);
	if (!r || (pa & (PAGE_SIZE - 1)))
		panic("pmm_free_page(%#llx): not a managed page", (unsigned long long)pa);
	uint64_t i = (pa - r->base) / PAGE_SIZE;
	if (!bit_test(r, i))
		panic("pmm_free_page(%#llx): double free", (unsigned long long)pa);
	bit_clear(r, i);
	list_push(pa);
	pmm.free++;
}

static void pmm_free_contig_irqs_off(uint64_t pa, uint64_t npages)
{
	for (uint64_t i = 0; i < npages; i++)
		pmm_free_page(pa + i * PAGE_SIZE);
}

uint64_t pmm_free_pages(void)
{
	return pmm.free;
}

uint64_t pmm_total_pages(void)
{
	return pmm.total;
}

#ifdef ISLE_UNIT_TEST
/* Forget every range (unit tests start each case from an empty allocator). */
void pmm_test_reset(void);
void pmm_test_reset(void)
{
	memset(&pmm, 0, sizeof(pmm));
}
#endif

/* The allocator is used from interrupt handlers too (network receive): every entry
 * point runs with interrupts off on this CPU (other CPUs are kept out by the BKL). */
uint64_t pmm_alloc_page(void)
{
	unsigned long fl = arch_irq_save();
	uint64_t r = pmm_alloc_page_irqs_off();
	arch_irq_restore(fl);
	return r;
}

uint64_t pmm_alloc_zeroed_page(void)
{
	unsigned long fl = arch_irq_save();
	uint64_t r = pmm_alloc_zeroed_page_irqs_off();
	arch_irq_restore(fl);
	return r;
}

uint64_t pmm_alloc_contig(uint64_t npages)
{
	unsigned long fl = arch_irq_save();
	uint64_t r = pmm_alloc_contig_irqs_off(npages);
	arch_irq_restore(fl);
	return r;
}

void pmm_free_page(uint64_t pa)
{
	unsigned long fl = arch_irq_save();
	pmm_free_page_irqs_off(pa);
	arch_irq_restore(fl);
}

void pmm_free_contig(uint64_t pa, uint64_t npages)
{
	unsigned long fl = arch_irq_save();
	pmm_free_contig_irqs_off(pa, npages);
	arch_irq_restore(fl);
}
