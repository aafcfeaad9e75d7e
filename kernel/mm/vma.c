/* vma.c: the address space's VMAs as one sorted array (vma.h). */

/*
 * Design. A sorted array of struct vma: lookups are a binary search (the page-fault
 * path), inserts and removes a memmove. Programs hold tens to a few thousand VMAs, where
 * this beats a tree in code and in cache misses; at the 65530 limit a memmove is ~2.6 MB,
 * still bounded. The array grows by doubling through kmalloc. Callers reserve room
 * (vma_reserve) before changing anything, so an operation never fails half-way through
 * for want of an entry.
 *
 * Invariants: v[0..n) sorted by start, non-overlapping, every start < end, page aligned;
 * every entry holds one reference to its file (split takes one, remove drops one).
 * Adjacent VMAs are merged whenever an operation creates a pair Linux would merge (equal
 * prot, kind and flags, contiguous pgoff, compatible anon; see struct vma), so the count
 * matches Linux's.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/vma.h"

#define VMA_MIN_CAP 16

size_t vma_find(uintptr_t addr)
{
	size_t lo = 0, hi = vm_current.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (vm_current.v[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

struct vma *vma_lookup(uintptr_t addr)
{
	size_t i = vma_find(addr);
	if (i < vm_current.n && vm_current.v[i].start <= addr)
		return &vm_current.v[i];
	return NULL;
}

bool vma_range_free(uintptr_t start, uintptr_t end)
{
	size_t i = vma_find(start);
	return i == vm_current.n || vm_current.v[i].start >= end;
}

int vma_reserve(size_t extra)
{
	struct vm_space *vm = &vm_current;
	if (vm->cap - vm->n >= extra)
		return 0;
	size_t cap = vm->cap ? vm->cap : VMA_MIN_CAP;
	while (cap - vm->n < extra)
		cap *= 2;
	struct vma *nv = kmalloc(cap * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	if (vm->n)
		memcpy(nv, vm->v, vm->n * sizeof(*nv));
	kfree(vm->v);
	vm->v = nv;
	vm->cap = cap;
	return 0;
}

void vma_insert(size_t i, const struct vma *v)
{
	struct vm_space *vm = &vm_current;
	memmove(&vm->v[i + 1], &vm->v[i], (vm->n - i) * sizeof(*v));
	vm->v[i] = *v;
	vm->n++;
}

void vma_remove(size_t i, size_t count)
{
	struct vm_space *vm = &vm_current;
	for (size_t k = i; k < i + count; k++)
		vm_file_release(vm->v[k].file);
	memmove(&vm->v[i], &vm->v[i + count], (vm->n - i - count) * sizeof(*vm->v));
	vm->n -= count;
}

/* Clip touched bounds to [start, end). */
static void clip_touched(struct vma *v)
{
	if (v->tlo < v->start)
		v->tlo = v->start;
	if (v->thi > v->end)
		v->thi = v->end;
	if (v->tlo >= v->thi)
		v->tlo = v->thi = 0;
}

void vma_split(size_t i, uintptr_t addr)
{
	struct vma hi = vm_current.v[i];
	hi.start = addr;
	hi.pgoff += (addr - vm_current.v[i].start) >> PAGE_SHIFT;
	clip_touched(&hi);
	vm_file_hold(hi.file); /* each half holds the file */
	vm_current.v[i].end = addr;
	clip_touched(&vm_current.v[i]);
	vma_insert(i + 1, &hi);
}

static bool mergeable(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->kind != b->kind ||
	    a->flags != b->flags || a->file != b->file)
		return false;
	if (a->pgoff + ((a->end - a->start) >> PAGE_SHIFT) != b->pgoff)
		return false;
	return a->anon == b->anon || (!(a->flags & VMA_SHARED) && (!a->anon || !b->anon));
}

/* Fold v[i+1] into v[i]. */
static void merge_next(size_t i)
{
	struct vma *a = &vm_current.v[i], *b = &vm_current.v[i + 1];
	if (b->tlo < b->thi) {
		if (a->tlo >= a->thi) {
			a->tlo = b->tlo;
			a->thi = b->thi;
		} else {
			a->thi = b->thi; /* b lies above a */
		}
	}
	a->end = b->end;
	if (!a->anon)
		a->anon = b->anon;
	vma_remove(i + 1, 1); /* drops b's file reference; a holds the same file */
}

size_t vma_merge(size_t i)
{
	/* The previous VMA first: Linux merges with the next one as well only when all three
	 * are compatible. */
	if (i > 0 && mergeable(&vm_current.v[i - 1], &vm_current.v[i])) {
		merge_next(i - 1);
		i--;
	}
	if (i + 1 < vm_current.n && mergeable(&vm_current.v[i], &vm_current.v[i + 1]))
		merge_next(i);
	return i;
}

long vma_modify(size_t i, uintptr_t start, uintptr_t end, int prot, unsigned flags)
{
	struct vm_space *vm = &vm_current;
	if (vm->v[i].prot == prot && vm->v[i].flags == flags)
		return 0;
	if (vm->v[i].start < start) {
		if (vm->n >= VM_MAX_MAP_COUNT || vma_reserve(1))
			return -ENOMEM;
		vma_split(i++, start);
	}
	if (vm->v[i].end > end) {
		if (vm->n >= VM_MAX_MAP_COUNT || vma_reserve(1))
			return -ENOMEM;
		vma_split(i, end);
	}
	bool reprotect = vm->v[i].prot != prot;
	vm->v[i].prot = (uint8_t)prot;
	vm->v[i].flags = (uint16_t)flags;
	if (reprotect)
		vm_reprotect_pages(&vm->v[i], start, end);
	vma_merge(i);
	return 0;
}

/* Where the room below v ends: Linux's vm_start_gap (the stack guard gap below an area
 * that grows down). */
static uintptr_t start_gap(const struct vma *v)
{
	if (!(v->flags & VMA_GROWSDOWN))
		return v->start;
	return v->start > STACK_GUARD_GAP ? v->start - STACK_GUARD_GAP : 0;
}

bool vma_range_free_gap(uintptr_t start, uintptr_t end)
{
	if (!vma_range_free(start, end))
		return false;
	size_t i = vma_find(end); /* the first VMA ending above end starts at or above it */
	return i == vm_current.n || start_gap(&vm_current.v[i]) >= end;
}

uintptr_t vma_gap_topdown(uintptr_t len, uintptr_t lo, uintptr_t hi)
{
	const struct vma *v = vm_current.v;
	size_t i = vma_find(hi); /* v[0..i) end at or below hi */
	uintptr_t top = hi;
	if (i < vm_current.n && start_gap(&v[i]) < top)
		top = start_gap(&v[i]);
	for (;;) {
		uintptr_t bottom = i > 0 ? v[i - 1].end : lo;
		if (bottom < lo)
			bottom = lo;
		if (top > bottom && top - bottom >= len)
			return top - len;
		if (i == 0)
			return 0;
		i--;
		top = start_gap(&v[i]);
		if (top <= lo)
			return 0;
	}
}

uintptr_t vma_gap_bottomup(uintptr_t len, uintptr_t lo, uintptr_t hi)
{
	const struct vma *v = vm_current.v;
	size_t i = vma_find(lo); /* first VMA that may block [lo, ...) */
	uintptr_t bottom = lo;
	while (bottom < hi && hi - bottom >= len) {
		uintptr_t top = i < vm_current.n && start_gap(&v[i]) < hi ? start_gap(&v[i]) : hi;
		if (top > bottom && top - bottom >= len)
			return bottom;
		if (i == vm_current.n)
			return 0;
		if (v[i].end > bottom)
			bottom = v[i].end;
		i++;
	}
	return 0;
}

void vma_release_all(void)
{
	for (size_t i = 0; i < vm_current.n; i++)
		vm_file_release(vm_current.v[i].file);
	kfree(vm_current.v);
	vm_current.v = NULL;
	vm_current.n = vm_current.cap = 0;
}
