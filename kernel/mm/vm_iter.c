/* vm_iter.c: a read-only view of the address space for /proc (vm.h): the VMAs in address
 * order, and the resident set counted from the page tables; and the loader's label for
 * the stack it maps. Nothing here changes mappings or pages. The resident count walks only each
 * VMA's touched range (vma.h), skipping missing page tables: proportional to what is mapped. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/paging.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "mm/vma.h"

_Static_assert(VM_AREA_ANON == VMA_ANON && VM_AREA_PROGRAM == VMA_PROGRAM &&
		       VM_AREA_HEAP == VMA_HEAP && VM_AREA_STACK == VMA_STACK &&
		       VM_AREA_FILE == VMA_FILE && VM_AREA_VDSO == VMA_VDSO &&
		       VM_AREA_VVAR == VMA_VVAR,
	       "vm.h kinds follow vma.h");

int vm_for_each(int (*fn)(void *arg, const struct vm_area_info *area), void *arg)
{
	for (size_t i = 0; i < vm_current.n; i++) {
		const struct vma *v = &vm_current.v[i];
		struct vm_area_info a = {
			.start = v->start,
			.end = v->end,
			.prot = v->prot,
			.kind = v->kind,
			.shared = (v->flags & VMA_SHARED) != 0,
		};
		if (v->kind == VMA_FILE) {
			a.file = v->file;
			a.offset = v->pgoff * PAGE_SIZE;
		}
		int r = fn(arg, &a);
		if (r)
			return r;
	}
	return 0;
}

uint64_t vm_resident_pages(void)
{
	uint64_t n = 0;

	if (!vm_current.root)
		return 0;
	for (size_t i = 0; i < vm_current.n; i++) {
		const struct vma *v = &vm_current.v[i];
		uintptr_t lo = v->tlo > v->start ? v->tlo : v->start;
		uintptr_t hi = v->thi < v->end ? v->thi : v->end;

		for (uintptr_t va = vm_next_mapped(lo & PAGE_MASK, hi); va < hi;
		     va = vm_next_mapped(va + PAGE_SIZE, hi))
			n++;
	}
	return n;
}

void vm_mark_stack(uintptr_t addr)
{
	struct vma *v = vma_lookup(addr);

	if (v) {
		v->kind = VMA_STACK;	   /* its neighbours are gaps: nothing to merge */
		v->flags |= VMA_GROWSDOWN; /* Linux's main stack: the guard gap below it */
	}
}

bool vm_stack_guard_gap(uintptr_t addr, uintptr_t *lo, uintptr_t *hi)
{
	size_t i = vma_find(addr);
	if (i == vm_current.n)
		return false;
	const struct vma *v = &vm_current.v[i];
	if (!(v->flags & VMA_GROWSDOWN) || addr >= v->start || v->start - addr > STACK_GUARD_GAP)
		return false;
	*lo = v->start;
	*hi = v->end;
	return true;
}

void vm_mark_kind(uintptr_t addr, int kind)
{
	struct vma *v = vma_lookup(addr);

	if (v && (kind == VMA_VDSO || kind == VMA_VVAR))
		v->kind = (uint8_t)kind; /* mapped apart from everything: nothing to merge */
}
