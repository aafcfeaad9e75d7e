/* paging.h: 4-level page tables. Maps 4 KiB pages in any root; page-table pages come
 * from the physical page allocator and are reached through the direct map. The kernel
 * half (DIRECT_BASE and up) is shared by every root. No locking: single CPU for now;
 * callers that change a live root flush the TLB themselves. */
#ifndef ISLE_ARCH_PAGING_H
#define ISLE_ARCH_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/* Portable protection flags (translated to PTE bits inside paging.c). Readable is implied. */
#define PG_WRITE 0x1u
#define PG_EXEC 0x2u
#define PG_USER 0x4u
#define PG_NOCACHE 0x8u
/* Software bit (ignored by the MMU): the page belongs to the page cache, not to the
 * mapping, so unmapping it must not free it (mm/filemap.c). */
#define PG_FILE 0x10u

extern uint64_t kernel_root; /* physical address of the kernel's PML4 */

/* Before the page allocator exists, page-table pages come from [pa, pa+size) (direct-
 * mapped by the boot tables). paging_early_end() tells how far it was used, so that range
 * is kept out of the page allocator. */
void paging_early_pool(uint64_t pa, uint64_t size);
uint64_t paging_early_end(void);
/* From now on page-table pages come from the page allocator (pmm). */
void paging_enable_allocator(void);

/* Build the kernel page tables (direct map of [0, max_phys) with per-section permissions
 * for the kernel image) and switch to them. Called once at boot. */
void paging_init(uint64_t max_phys);

/* A new root for a user address space: kernel half shared, user half empty.
 * Returns its physical address, 0 when out of memory. */
uint64_t paging_new_root(void);

/* Map the 4 KiB page at va to pa with flags. -ENOMEM when a table page cannot be
 * allocated, -EEXIST when va is already mapped (use paging_unmap first). */
int paging_map(uint64_t root, uintptr_t va, uint64_t pa, unsigned flags);
/* Unmap va; returns the physical page it mapped, 0 if none. Does not free it, does not
 * flush the TLB. */
uint64_t paging_unmap(uint64_t root, uintptr_t va);
/* Change flags of a mapped page; -ENOENT when va is not mapped. No TLB flush. */
int paging_protect(uint64_t root, uintptr_t va, unsigned flags);
/* true when va is mapped; fills *pa and *flags when they are non-NULL. */
bool paging_lookup(uint64_t root, uintptr_t va, uint64_t *pa, unsigned *flags);
/* The first mapped 4 KiB page at or above va (page aligned) and below end, or end when
 * there is none. Missing tables are skipped whole, so a walk over a sparse range costs
 * what is mapped (plus one step per missing table), not one step per page of the range. */
uintptr_t paging_next_mapped(uint64_t root, uintptr_t va, uintptr_t end);

/* The W^X audit of a whole root (wxaudit.c): counts mapped 4 KiB units (a large page
 * counts as the 4 KiB pages it covers) by whether the program can reach them, and how
 * many of each are writable and executable at once, with the first such address. A
 * page is W+X when every level allows writes and no level sets NX. */
struct wx_audit {
	uint64_t kernel_pages, kernel_wx, first_kernel_wx;
	uint64_t user_pages, user_wx, first_user_wx;
};
void paging_audit_wx(uint64_t root, struct wx_audit *a);

/* Map device registers at physical pa (uncached, kernel only, no execute) into the MMIO
 * window; returns the virtual address. Panics when the window is full. */
void *paging_map_mmio(uint64_t pa, uint64_t size);

#endif
