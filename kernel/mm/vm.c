/* vm.c: the program's address space: setup, page-level work, demand paging, the loader's
 * copy-in and crash descriptions (vm.h). The syscalls are in mmap.c, madvise.c and
 * mremap.c; the VMA array in vma.c. */

/*
 * Design. Memory is allocated on first touch: a VMA says what may be mapped, the page
 * table says what is. File VMAs (v->file) are faulted, unmapped and re-protected by
 * filemap.c, which maps page-cache pages; the rest of this note is about anonymous
 * memory. vm_handle_fault checks the access against the VMA's prot and maps a zeroed
 * page; nothing else allocates program pages except vm_copy_in, MAP_POPULATE and
 * MADV_POPULATE_*.
 *
 * Page-table flags follow the VMA (vm_pte_flags): PG_USER, plus PG_WRITE for PROT_WRITE
 * and PG_EXEC for PROT_EXEC (x86 cannot make a page writable or executable but
 * unreadable). A populated page whose VMA is PROT_NONE stays mapped without PG_USER, so
 * its contents survive mprotect(PROT_NONE) and back, while any user access faults and is
 * refused. Until a private VMA is first written, its pages are mapped read-only (Linux
 * maps the zero page there): the first write faults and gives the VMA its anon id, which
 * decides merging exactly as Linux's anon_vma does (vma.h). Only pages read before being
 * written pay that extra fault, as on Linux.
 *
 * TLB: every change that removes or restricts a mapping is flushed before the operation
 * returns (per page for a few pages, all at once beyond that). Freed pages may go back
 * to pmm before the flush: one CPU, and no user code runs in between.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/arch.h"
#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "sched/smp.h"
#include "mm/vma.h"

#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_FETCH 0x10
#define FLUSH_BATCH 16

struct vm_space vm_current;

struct tlb_batch {
	uintptr_t va[FLUSH_BATCH];
	unsigned n;
	bool all;
};

static void tlb_add(struct tlb_batch *b, uintptr_t va)
{
	if (b->n == FLUSH_BATCH)
		b->all = true;
	else
		b->va[b->n++] = va;
}

static void tlb_finish(struct tlb_batch *b)
{
	if (b->all) {
		arch_flush_tlb_all();
		smp_tlb_shootdown(0, USER_TOP);
		return;
	}
	if (b->n == 0)
		return;
	uintptr_t lo = b->va[0], hi = b->va[0];
	for (unsigned i = 0; i < b->n; i++) {
		arch_flush_tlb_page(b->va[i]);
		lo = b->va[i] < lo ? b->va[i] : lo;
		hi = b->va[i] > hi ? b->va[i] : hi;
	}
	smp_tlb_shootdown(lo, hi + PAGE_SIZE); /* one round of IPIs for the batch */
}

void vm_activate(void)
{
	uint64_t root = vm_current.root;
	if (root && arch_current_root() != root)
		arch_load_root(root);
}

void vm_flush_tlb_page(uintptr_t va)
{
	arch_flush_tlb_page(va);
	smp_tlb_shootdown(va, va + PAGE_SIZE);
}

void vm_init(uintptr_t mmap_base)
{
	struct vm_space *vm = &vm_current;
	if (vm->v) { /* a previous address space: give its pages back */
		for (size_t i = 0; i < vm->n; i++)
			vm_zap_pages(&vm->v[i], vm->v[i].start, vm->v[i].end);
		vma_release_all();
	}
	memset(vm, 0, sizeof(*vm));
	vm->root = paging_new_root();
	if (!vm->root)
		panic("out of memory: vm_init page-table root");
	mmap_base = PAGE_ALIGN_DOWN(mmap_base);
	if (mmap_base > USER_TOP || mmap_base < USER_MIN)
		panic("vm_init: mmap_base %#lx outside the user range", (unsigned long)mmap_base);
	vm->mmap_base = mmap_base;
	vm_file_setup();
	if (vma_reserve(1))
		panic("out of memory: vm_init VMA array");
	arch_load_root(vm->root);
}

void vm_set_brk_start(uintptr_t brk_start)
{
	vm_current.brk_start = PAGE_ALIGN_UP(brk_start);
	vm_current.brk = vm_current.brk_start;
}

unsigned vm_pte_flags(const struct vma *v)
{
	int prot = v->prot;
	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return 0;
	/* A private VMA never written to maps its pages read-only, as Linux maps the zero
	 * page: the first write faults, gives the VMA its anon id, and upgrades the entry. */
	if (!v->anon)
		prot &= ~PROT_WRITE;
	return PG_USER | (prot & PROT_WRITE ? PG_WRITE : 0) | (prot & PROT_EXEC ? PG_EXEC : 0);
}

uintptr_t vm_next_mapped(uintptr_t va, uintptr_t end)
{
	return paging_next_mapped(vm_current.root, va, end);
}

/* [start, end) clipped to the pages v may have populated; false when empty. */
static bool touched_part(const struct vma *v, uintptr_t *start, uintptr_t *end)
{
	if (*start < v->tlo)
		*start = v->tlo;
	if (*end > v->thi)
		*end = v->thi;
	return *start < *end;
}

void vm_zap_pages(struct vma *v, uintptr_t start, uintptr_t end)
{
	struct tlb_batch b = {.n = 0};
	if (v->file) {
		vm_file_zap_pages(v, start, end);
		return;
	}
	if (!touched_part(v, &start, &end))
		return;
	for (uintptr_t va = vm_next_mapped(start, end); va < end;
	     va = vm_next_mapped(va + PAGE_SIZE, end)) {
		uint64_t pa = paging_unmap(vm_current.root, va);
		if (pa) {
			pmm_free_page(pa);
			tlb_add(&b, va);
		}
	}
	tlb_finish(&b);
}

void vm_reprotect_pages(struct vma *v, uintptr_t start, uintptr_t end)
{
	struct tlb_batch b = {.n = 0};
	unsigned flags = vm_pte_flags(v);
	if (v->file) {
		vm_file_reprotect_pages(v, start, end);
		return;
	}
	if (!touched_part(v, &start, &end))
		return;
	for (uintptr_t va = vm_next_mapped(start, end); va < end;
	     va = vm_next_mapped(va + PAGE_SIZE, end))
		if (paging_protect(vm_current.root, va, flags) == 0)
			tlb_add(&b, va);
	tlb_finish(&b);
}

/* Linux's anon_vma_compatible: b could share a's anon_vma (prot may differ). */
static bool anon_compatible(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->flags == b->flags && a->kind == b->kind &&
	       a->file == b->file && b->pgoff == a->pgoff + ((b->start - a->start) >> PAGE_SHIFT);
}

/* First write to v: like Linux's anon_vma_prepare, reuse a compatible neighbour's anon id
 * (the next VMA's first) so that the two can merge later, else take a new one. */
void vm_assign_anon(struct vma *v)
{
	size_t i = (size_t)(v - vm_current.v);
	const struct vma *next = i + 1 < vm_current.n ? v + 1 : NULL;
	const struct vma *prev = i > 0 ? v - 1 : NULL;
	if (next && next->anon && anon_compatible(v, next))
		v->anon = next->anon;
	else if (prev && prev->anon && anon_compatible(prev, v))
		v->anon = prev->anon;
	else
		v->anon = ++vm_current.last_anon;
}

int vm_populate_page(struct vma *v, uintptr_t va, uint64_t *pa, bool write)
{
	unsigned have;
	if (v->file)
		return vm_file_populate_page(v, va, pa, write);
	va = PAGE_ALIGN_DOWN(va);
	if (write && !v->anon)
		vm_assign_anon(v);
	unsigned want = vm_pte_flags(v);
	if (paging_lookup(vm_current.root, va, pa, &have)) {
		if ((want & PG_WRITE) && !(have & PG_WRITE)) { /* first write to the page */
			paging_protect(vm_current.root, va, want);
			arch_flush_tlb_page(va); /* an upgrade: other CPUs fault and retry */
		}
		return 0;
	}
	uint64_t page = pmm_alloc_zeroed_page();
	if (!page)
		return -ENOMEM;
	if (paging_map(vm_current.root, va, page, want) < 0) {
		pmm_free_page(page);
		return -ENOMEM;
	}
	vm_mark_touched(v, va, va + PAGE_SIZE);
	*pa = page;
	return 0;
}

void vm_mark_touched(struct vma *v, uintptr_t lo, uintptr_t hi)
{
	if (lo >= hi)
		return;
	if (v->tlo >= v->thi) {
		v->tlo = lo;
		v->thi = hi;
		return;
	}
	if (lo < v->tlo)
		v->tlo = lo;
	if (hi > v->thi)
		v->thi = hi;
}

int vm_move_pages(const struct vma *src, uintptr_t start, uintptr_t end, uintptr_t dst,
		  uintptr_t *dlo, uintptr_t *dhi)
{
	struct tlb_batch b = {.n = 0};
	uint64_t root = vm_current.root;
	*dlo = *dhi = 0;
	dst -= start; /* dst + va for every va of the source */
	if (!touched_part(src, &start, &end))
		return 0;
	/* Map everything at dst first: a failure then only has to undo new entries. Each
	 * entry keeps its flags (a page-cache page stays PG_FILE, read-only or not). */
	for (uintptr_t va = vm_next_mapped(start, end); va < end;
	     va = vm_next_mapped(va + PAGE_SIZE, end)) {
		uint64_t pa;
		unsigned flags;
		if (!paging_lookup(root, va, &pa, &flags))
			continue;
		if (paging_map(root, dst + va, pa, flags) < 0) {
			for (uintptr_t u = vm_next_mapped(start, va); u < va;
			     u = vm_next_mapped(u + PAGE_SIZE, va))
				paging_unmap(root, dst + u);
			return -ENOMEM;
		}
	}
	for (uintptr_t va = vm_next_mapped(start, end); va < end;
	     va = vm_next_mapped(va + PAGE_SIZE, end))
		if (paging_unmap(root, va))
			tlb_add(&b, va);
	tlb_finish(&b);
	*dlo = dst + start;
	*dhi = dst + end;
	return 0;
}

int vm_populate(struct vma *v, uintptr_t start, uintptr_t end, bool write)
{
	uint64_t pa;
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		int err = vm_populate_page(v, va, &pa, write);
		if (err)
			return err;
	}
	return 0;
}

long vm_unmap_range(uintptr_t start, uintptr_t end)
{
	struct vm_space *vm = &vm_current;
	size_t i = vma_find(start);
	if (i == vm->n || vm->v[i].start >= end)
		return 0;
	/* Linux lets a munmap split one VMA in three only below the map-count limit. */
	if (vm->v[i].start < start && vm->v[i].end > end && vm->n >= VM_MAX_MAP_COUNT)
		return -ENOMEM;
	if (vma_reserve(2))
		return -ENOMEM;
	if (vm->v[i].start < start)
		vma_split(i++, start);
	size_t j = i;
	for (; j < vm->n && vm->v[j].start < end; j++) {
		if (vm->v[j].end > end)
			vma_split(j, end);
		vm_zap_pages(&vm->v[j], vm->v[j].start, vm->v[j].end);
	}
	vma_remove(i, j - i);
	return 0;
}

void vm_insert_mapping(uintptr_t start, uintptr_t end, int prot, int kind, int vflags)
{
	struct vma v = {
		.start = start,
		.end = end,
		.file = NULL,
		.pgoff = start >> PAGE_SHIFT,
		.anon = vflags & VMA_SHARED ? ++vm_current.last_anon : 0,
		.prot = (uint8_t)(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)),
		.kind = (uint8_t)kind,
		.flags = (uint16_t)vflags,
	};
	vm_insert_vma(&v);
}

size_t vm_insert_vma(const struct vma *t)
{
	struct vma v = *t;
	v.tlo = v.thi = 0;
	vm_file_hold(v.file); /* the new VMA's own reference */
	size_t i = vma_find(v.start);
	vma_insert(i, &v);
	return vma_merge(i);
}

int vm_handle_fault(uintptr_t addr, uint64_t err)
{
	struct vma *v = addr < USER_TOP ? vma_lookup(addr) : NULL;
	if (!v)
		return -EFAULT;
	bool allowed;
	if (err & PF_FETCH)
		allowed = (err & PF_USER) && (v->prot & PROT_EXEC); /* the kernel never runs it */
	else if (err & PF_WRITE)
		allowed = v->prot & PROT_WRITE;
	else
		allowed = v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
	if (!allowed)
		return -EFAULT;

	uintptr_t page = PAGE_ALIGN_DOWN(addr);
	if (v->file)
		return vm_file_fault(v, page, err);
	uint64_t pa;
	unsigned have;
	if ((err & PF_WRITE) && !v->anon)
		vm_assign_anon(v);
	if (paging_lookup(vm_current.root, page, &pa, &have)) {
		bool pte_ok = (have & PG_USER) && (!(err & PF_WRITE) || (have & PG_WRITE)) &&
			      (!(err & PF_FETCH) || (have & PG_EXEC));
		if (!pte_ok) {
			/* First write to a page mapped read-only until now (vm_pte_flags). */
			paging_protect(vm_current.root, page, vm_pte_flags(v));
		} else if (!(err & PF_USER)) {
			/* A kernel access the entry already allows faulted: SMAP or a bug. */
			return -EFAULT;
		}
		arch_flush_tlb_page(page);
		return 0;
	}
	return vm_populate_page(v, page, &pa, err & PF_WRITE);
}

long vm_copy_in(uintptr_t uaddr, const void *src, size_t len)
{
	if (len == 0)
		return 0;
	if (uaddr >= USER_TOP || len > USER_TOP - uaddr)
		return -EFAULT;
	uintptr_t end = uaddr + len;
	for (uintptr_t a = uaddr; a < end;) {
		const struct vma *v = vma_lookup(a);
		if (!v)
			return -EFAULT;
		a = v->end;
	}
	const char *s = src;
	for (uintptr_t a = uaddr; a < end;) {
		uintptr_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		if (chunk > end - a)
			chunk = end - a;
		uint64_t pa;
		int err = vm_populate_page(vma_lookup(a), a, &pa, true);
		if (err)
			return err;
		memcpy((char *)MM_VIRT(pa) + (a & (PAGE_SIZE - 1)), s, chunk);
		s += chunk;
		a += chunk;
	}
	return 0;
}

void vm_describe(uintptr_t addr, char *buf, size_t size)
{
	static const char *const kind_name[] = {
		[VMA_ANON] = "anonymous", [VMA_PROGRAM] = "program", [VMA_HEAP] = "[heap]",
		[VMA_STACK] = "[stack]",  [VMA_FILE] = "file",	     [VMA_VDSO] = "[vdso]",
		[VMA_VVAR] = "[vvar]",
	};
	const struct vma *v = addr < USER_TOP ? vma_lookup(addr) : NULL;
	if (!v) {
		fmt_snprintf(buf, size, "unmapped");
		return;
	}
	fmt_snprintf(buf, size, "%#lx-%#lx %c%c%c %s", (unsigned long)v->start,
		     (unsigned long)v->end, v->prot & PROT_READ ? 'r' : '-',
		     v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-',
		     kind_name[v->kind]);
}
