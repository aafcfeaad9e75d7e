/* pmm.h: the physical page allocator. Owns every free 4 KiB page of RAM; pages are reached
 * through the direct map (phys_to_virt). Locking: the BKL; every function disables
 * interrupts while it runs, so interrupt handlers may allocate and free. */
#ifndef ISLE_MM_PMM_H
#define ISLE_MM_PMM_H

#include <stdint.h>

/* Give the free RAM range [base, base+size) to the allocator (boot only; ranges are page-
 * trimmed inward, must not overlap, may come in any order). */
void pmm_add_range(uint64_t base, uint64_t size);
/* One page; returns its physical address (never 0), or 0 when memory is exhausted. The
 * contents are undefined unless _zeroed. */
uint64_t pmm_alloc_page(void);
uint64_t pmm_alloc_zeroed_page(void);
/* npages physically contiguous pages, aligned to a page; 0 when none. */
uint64_t pmm_alloc_contig(uint64_t npages);
/* Return pages; freeing a page that is not allocated panics (double free). */
void pmm_free_page(uint64_t pa);
void pmm_free_contig(uint64_t pa, uint64_t npages);
/* Counters, in pages. */
uint64_t pmm_free_pages(void);
uint64_t pmm_total_pages(void);

#endif
