/* vma.h (private to kernel/mm): the address space's VMA set and the helpers the vm_*
 * files share. Not for use outside kernel/mm; the public contract is vm.h. */
#ifndef ISLE_MM_VMA_H
#define ISLE_MM_VMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_MAX_MAP_COUNT 65530 /* Linux's default vm.max_map_count */

/* What a VMA is, for vm_describe and merging (different kinds never merge). */
#define VMA_ANON 0
#define VMA_PROGRAM 1
#define VMA_HEAP 2
#define VMA_STACK 3
#define VMA_FILE 4 /* a mapping of a regular file (vma.file set) */
#define VMA_VDSO 5 /* the vDSO's code (exec/vdso.c): anonymous memory, named [vdso] */
#define VMA_VVAR 6 /* the vDSO's data page, named [vvar] */

/* vma.flags: Linux's VM_ flags that change behaviour here or decide merging (Linux
 * never merges VMAs whose flags differ, so neither do we). */
#define VMA_SHARED 0x1	      /* MAP_SHARED: private memory of one process, except madvise */
#define VMA_GROWSDOWN 0x2     /* MAP_GROWSDOWN, the main stack: a guard gap below (no growth yet) */
#define VMA_ACCOUNT 0x4	      /* private and writable once: counted for overcommit */
#define VMA_NORESERVE 0x8     /* MAP_NORESERVE, MAP_DROPPABLE */
#define VMA_LOCKED 0x10	      /* MAP_LOCKED: populated at mmap; MADV_DONTNEED refused */
#define VMA_SEQ_READ 0x20     /* MADV_SEQUENTIAL */
#define VMA_RAND_READ 0x40    /* MADV_RANDOM */
#define VMA_DONTCOPY 0x80     /* MADV_DONTFORK */
#define VMA_DONTDUMP 0x100    /* MADV_DONTDUMP */
#define VMA_HUGEPAGE 0x200    /* MADV_HUGEPAGE */
#define VMA_NOHUGEPAGE 0x400  /* MADV_NOHUGEPAGE, MAP_STACK */
#define VMA_MERGEABLE 0x800   /* MADV_MERGEABLE */
#define VMA_WIPEONFORK 0x1000 /* MADV_WIPEONFORK */
#define VMA_DROPPABLE 0x2000  /* MAP_DROPPABLE */
#define VMA_NOWRITE                                                                                \
	0x4000 /* MAP_SHARED of a file not open for writing (Linux: no                             \
		* VM_MAYWRITE, no VM_SHARED): PROT_WRITE is refused */
/* 0x8000 is VMA_EXECOK (execprot.h). */

/* [start, end) page aligned, start < end. Every page ever populated in the VMA lies in
 * [tlo, thi) (empty when tlo >= thi): walks over page tables are clipped to it, so huge
 * untouched reservations cost nothing to unmap or protect.
 *
 * pgoff and anon exist so that VMAs merge exactly when Linux's would (the VMA count is
 * visible through the map-count limit and mremap's "one VMA" rule): pgoff is the page
 * offset Linux gives the area (start >> PAGE_SHIFT when created), anon stands for its
 * anon_vma (0 until the first write fault of a private VMA; a shared VMA's object id
 * from creation). Two neighbours merge when pgoffs are contiguous and anon ids do not
 * conflict.
 *
 * File mappings (kind VMA_FILE): file is held (one reference per VMA: a split takes one
 * more, a merge or removal drops one) and pgoff is the file page mapped at start, as in
 * Linux. Their page-table entries map either a page-cache page (PG_FILE, counted by the
 * page cache, never freed here) or, in a private VMA, a private copy made on the first
 * write (filemap.c). A shared file VMA has anon 0. */
struct file;
struct vma {
	uintptr_t start, end;
	uintptr_t tlo, thi;
	struct file *file;
	uint64_t pgoff;
	uint32_t anon;
	uint8_t prot; /* PROT_READ | PROT_WRITE | PROT_EXEC */
	uint8_t kind;
	uint16_t flags;
};

/* The one address space. v[0..n) is sorted by start, non-overlapping. */
struct vm_space {
	uint64_t root;	     /* page-table root (physical) */
	uintptr_t mmap_base; /* top of the top-down mmap area */
	uintptr_t brk_start; /* 0 until vm_set_brk_start */
	uintptr_t brk;	     /* exact value last set (Linux keeps it unaligned) */
	uint32_t last_anon;  /* last anon id handed out */
	struct vma *v;
	size_t n, cap;
};
extern struct vm_space vm_current;

/* vma.c: the sorted array. Indexes are invalidated by insert/remove/split/merge. */
/* Index of the first VMA with end > addr (n when none). */
size_t vma_find(uintptr_t addr);
/* The VMA containing addr, or NULL. */
struct vma *vma_lookup(uintptr_t addr);
/* true when no VMA intersects [start, end). */
bool vma_range_free(uintptr_t start, uintptr_t end);
/* Make room for `extra` more entries; -ENOMEM. Insert and split never fail after it. */
int vma_reserve(size_t extra);
void vma_insert(size_t i, const struct vma *v);
void vma_remove(size_t i, size_t count);
/* Split v[i] at addr (start < addr < end, page aligned): v[i] keeps [start, addr),
 * v[i+1] gets [addr, end). Needs one reserved entry. */
void vma_split(size_t i, uintptr_t addr);
/* Merge v[i] with compatible, adjacent neighbours; returns the index of the VMA that now
 * holds v[i]'s range. */
size_t vma_merge(size_t i);
/* Give [start, end) (inside v[i]) prot and flags, splitting v[i] as needed (each split
 * refused with -ENOMEM at the map-count limit, as Linux's split_vma) and merging after.
 * Populated pages are re-flagged when prot changes. */
long vma_modify(size_t i, uintptr_t start, uintptr_t end, int prot, unsigned flags);
/* Highest (topdown) or lowest page-aligned a with [a, a+len) free and inside [lo, hi);
 * 0 when there is none. */
/* Linux's stack_guard_gap: no mapping is placed (without MAP_FIXED) within this distance
 * below a VMA_GROWSDOWN area, and brk stops short of it. */
#define STACK_GUARD_GAP (256 * 4096UL)
/* [start, end) is free and ends at or below the guard gap of the VMA above it. */
bool vma_range_free_gap(uintptr_t start, uintptr_t end);
uintptr_t vma_gap_topdown(uintptr_t len, uintptr_t lo, uintptr_t hi);
uintptr_t vma_gap_bottomup(uintptr_t len, uintptr_t lo, uintptr_t hi);
/* Free the array (vm_init of a second address space). */
void vma_release_all(void);

/* vm.c: page-level work on the current root. */
/* Page-table flags for v's pages: from its prot (PROT_NONE pages are mapped kernel-only),
 * without PG_WRITE until the VMA is first written (anon id assigned). */
unsigned vm_pte_flags(const struct vma *v);
/* Unmap and free every page of v inside [start, end). Flushes the TLB. */
void vm_zap_pages(struct vma *v, uintptr_t start, uintptr_t end);
/* Re-flag every populated page of v inside [start, end) for v->prot. Flushes the TLB. */
void vm_reprotect_pages(struct vma *v, uintptr_t start, uintptr_t end);
/* Ensure the page holding va (inside v) is present; its physical address in *pa. write:
 * the page is populated for writing (gives a private VMA its anon id). -ENOMEM. */
int vm_populate_page(struct vma *v, uintptr_t va, uint64_t *pa, bool write);
/* First write to private v: give it an anon id, a compatible neighbour's when there is
 * one (Linux's anon_vma_prepare), so that the two can merge later. */
void vm_assign_anon(struct vma *v);
/* The first page of [va, end) with a page-table entry, end when none (va page aligned):
 * walks over touched ranges use it to skip missing tables, so their cost follows what is
 * mapped, not the size of the range. */
uintptr_t vm_next_mapped(uintptr_t va, uintptr_t end);
/* Widen v's touched bounds to cover [lo, hi). */
void vm_mark_touched(struct vma *v, uintptr_t lo, uintptr_t hi);
/* Move the populated pages of [start, end) (inside src) to the same offsets from dst,
 * which must be unmapped; [*dlo, *dhi) receives the moved touched range. -ENOMEM (a
 * page-table page) leaves everything as it was. Flushes the TLB. */
int vm_move_pages(const struct vma *src, uintptr_t start, uintptr_t end, uintptr_t dst,
		  uintptr_t *dlo, uintptr_t *dhi);
/* Populate [start, end) of v; -ENOMEM at the first page that cannot be allocated. */
int vm_populate(struct vma *v, uintptr_t start, uintptr_t end, bool write);
/* munmap's core: remove [start, end) (page aligned) from the address space, splitting
 * VMAs at the ends and freeing pages. -ENOMEM when a split would exceed the map count or
 * the array cannot grow; nothing changes then. */
long vm_unmap_range(uintptr_t start, uintptr_t end);
/* Insert a new mapping for [start, end) (free, room reserved) and merge it. */
void vm_insert_mapping(uintptr_t start, uintptr_t end, int prot, int kind, int vflags);
/* The same for a VMA described by t (touched bounds are ignored; the new VMA takes its
 * own reference to t->file); returns its index. */
size_t vm_insert_vma(const struct vma *t);

/* filemap.c: file-backed VMAs (v->file set). */
/* true when f may be mapped at all (an open file, not O_PATH): else -EBADF. */
bool vm_file_mappable(const struct file *f);
/* mmap's checks of a file mapping, in Linux's order after the address is chosen:
 * -EOVERFLOW (offset + len past the largest file), -EOPNOTSUPP (MAP_SHARED_VALIDATE with
 * unknown flags), -EACCES (not open for reading; MAP_SHARED with PROT_WRITE and not open
 * for writing), -ENODEV (no page cache: devices other than /dev/zero, directories,
 * procfs), -EINVAL (bad type, MAP_GROWSDOWN). Adds VMA_SHARED or VMA_NOWRITE to *vflags.
 * Returns 0 to map the file, 1 to map anonymous memory instead (/dev/zero). */
int vm_file_mmap_check(struct file *f, uintptr_t len, uint64_t pgoff, int prot, int flags,
		       int *vflags);
/* true when f is a regular file with an x bit in its mode (exec protection: it may be
 * mapped executable). */
bool vm_file_executable(const struct file *f);
/* Register with the page cache so that truncation unmaps pages past the new end. */
void vm_file_setup(void);
/* The fault at page (inside v, access already allowed by v->prot): maps the page-cache
 * page, or a private copy on a write to a private VMA. 0, -ENOMEM, -EIO (past the end
 * of the file, or unreadable: SIGBUS), -EFAULT (a kernel access the entry allows). */
int vm_file_fault(struct vma *v, uintptr_t page, uint64_t err);
/* vm_populate_page for a file VMA. */
int vm_file_populate_page(struct vma *v, uintptr_t va, uint64_t *pa, bool write);
/* Unmap the populated pages of v inside [start, end) (touched part only): page-cache
 * pages are released to the cache, private copies freed. Flushes the TLB. */
void vm_file_zap_pages(struct vma *v, uintptr_t start, uintptr_t end);
/* Re-flag the populated pages of v inside [start, end) for v->prot: page-cache pages
 * lose PG_WRITE (the next store faults and dirties the page again). */
void vm_file_reprotect_pages(struct vma *v, uintptr_t start, uintptr_t end);
/* The file page that va (inside v) maps. */
uint64_t vm_file_index(const struct vma *v, uintptr_t va);
/* Take and drop VMA references to files (NULL is ignored). */
void vm_file_hold(struct file *f);
void vm_file_release(struct file *f);

/* mmap.c */
/* Pick an address for a new mapping of len bytes (page aligned, non-zero): MAP_FIXED
 * takes addr as is; otherwise addr is a hint, else top-down below mmap_base (MAP_32BIT:
 * bottom-up in [1 GiB, 2 GiB)). Returns the address or -ENOMEM, -EINVAL, -EPERM as
 * Linux's get_unmapped_area. */
long vm_get_area(uintptr_t addr, uintptr_t len, int flags);

#endif
