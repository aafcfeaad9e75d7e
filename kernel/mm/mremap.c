/* mremap.c: mremap with Linux's (6.x) semantics (vm.h). */

/*
 * Design. mremap shrinks in place (a munmap of the tail), grows in place when the pages
 * after the VMA are free, and otherwise moves: page-table entries are moved to the new
 * range, never the data. With MREMAP_FIXED and equal lengths the source may span several
 * VMAs with holes between them (Linux 6.17); each piece keeps its offset. Error checks
 * follow Linux's order so that each failing call returns the same errno.
 *
 * Not supported: old_len == 0 on a MAP_SHARED mapping, which Linux turns into a second
 * mapping of the same pages (pages have no reference counts here). Every check before
 * that point is Linux's; the duplication itself returns -EINVAL, as Linux does for
 * private mappings.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "mm/vma.h"

static uintptr_t align_len(uintptr_t len)
{
	return (len + PAGE_SIZE - 1) & PAGE_MASK;
}

/* Move [old, old+old_len) (inside one VMA) to the free range [dst, dst+new_len). */
static long move_vma(uintptr_t old, uintptr_t old_len, uintptr_t dst, uintptr_t new_len,
		     bool dontunmap)
{
	struct vm_space *vm = &vm_current;
	if (!old_len)
		return -EINVAL; /* would duplicate a shared mapping: unsupported */
	if (vm->n >= VM_MAX_MAP_COUNT - 3 || vma_reserve(3))
		return -ENOMEM;
	struct vma src = *vma_lookup(old);
	uintptr_t tlo, thi;
	int err = vm_move_pages(&src, old, old + old_len, dst, &tlo, &thi);
	if (err)
		return err;
	struct vma t = src;
	t.start = dst;
	t.end = dst + new_len;
	/* Linux keeps the page offset of a file mapping and of memory that was written (or
	 * is shared), and gives a never-written private area a fresh one at its new
	 * address. The new VMA takes its own reference to the file. */
	if (src.anon || src.file)
		t.pgoff = src.pgoff + ((old - src.start) >> PAGE_SHIFT);
	else
		t.pgoff = dst >> PAGE_SHIFT;
	size_t i = vm_insert_vma(&t);
	vm_mark_touched(&vm->v[i], tlo, thi);
	if (!dontunmap) {
		vm_unmap_range(old, old + old_len); /* room reserved, count checked: no failure */
	} else {
		/* Linux unlocks the whole old VMA and, when all of it moved, drops its anon_vma;
		 * it does not split or merge it. */
		struct vma *o = vma_lookup(old);
		o->flags &= ~VMA_LOCKED;
		if (o->start == old && o->end == old + old_len)
			o->anon = 0;
	}
	return (long)dst;
}

/* Grow v by delta in place when the pages after it are free. */
static bool expand_in_place(uintptr_t addr, uintptr_t delta)
{
	size_t i = vma_find(addr);
	struct vma *v = &vm_current.v[i];
	uintptr_t end = v->end + delta;
	if (end < v->end || end > USER_TOP || !vma_range_free(v->end, end))
		return false;
	v->end = end;
	vma_merge(i);
	return true;
}

/* MREMAP_FIXED with old_len == new_len: move every VMA piece in [old, old+len). */
static long remap_move(uintptr_t old, uintptr_t len, uintptr_t new_addr, bool dontunmap)
{
	struct vm_space *vm = &vm_current;
	uintptr_t end = old + len;
	if (end < old || !vma_lookup(old))
		return -EFAULT; /* no VMA, or a hole at the start of the range */
	if (new_addr < USER_MIN)
		return -EPERM;
	long res = -EFAULT;
	for (uintptr_t at = old; at < end;) {
		size_t i = vma_find(at);
		if (i == vm->n || vm->v[i].start >= end)
			break;
		uintptr_t ps = vm->v[i].start > at ? vm->v[i].start : at;
		uintptr_t pe = vm->v[i].end < end ? vm->v[i].end : end;
		uintptr_t dst = new_addr + (ps - old);
		long err = vm_unmap_range(dst, dst + (pe - ps));
		if (err)
			return err;
		long r = move_vma(ps, pe - ps, dst, pe - ps, dontunmap);
		if (r < 0)
			return r;
		if (at == old)
			res = r;
		at = pe;
	}
	return res;
}

/* MREMAP_FIXED or MREMAP_DONTUNMAP: always a move, to new_addr (a hint without FIXED). */
static long mremap_to(uintptr_t old, uintptr_t old_len, uintptr_t new_len, int flags,
		      uintptr_t new_addr)
{
	long err;
	if (flags & MREMAP_FIXED) {
		/* Linux finds this after unmapping the target; failing first changes nothing. */
		if (new_addr < USER_MIN)
			return -EPERM;
		err = vm_unmap_range(new_addr, new_addr + new_len);
		if (err)
			return err;
	}
	if (old_len > new_len) {
		err = vm_munmap(old + new_len, old_len - new_len);
		if (err)
			return err;
		old_len = new_len;
	}
	long dst = (flags & MREMAP_FIXED) ? (long)new_addr : vm_get_area(new_addr, new_len, 0);
	if (dst < 0)
		return dst;
	return move_vma(old, old_len, (uintptr_t)dst, new_len, flags & MREMAP_DONTUNMAP);
}

long vm_mremap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr)
{
	struct vm_space *vm = &vm_current;
	bool to_new = flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);
	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (old & (PAGE_SIZE - 1))
		return -EINVAL;
	old_len = align_len(old_len);
	new_len = align_len(new_len);
	if (!new_len || new_len > USER_TOP)
		return -EINVAL;
	if (to_new) {
		if (new_addr > USER_TOP - new_len || (new_addr & (PAGE_SIZE - 1)))
			return -EINVAL;
		if (!(flags & MREMAP_MAYMOVE))
			return -EINVAL;
		if ((flags & MREMAP_DONTUNMAP) && old_len != new_len)
			return -EINVAL;
		if (old + old_len > new_addr && new_addr + new_len > old)
			return -EINVAL; /* source and target overlap */
		if (vm->n + 2 >= VM_MAX_MAP_COUNT - 3)
			return -ENOMEM;
		if ((flags & MREMAP_FIXED) && old_len == new_len)
			return remap_move(old, old_len, new_addr, flags & MREMAP_DONTUNMAP);
	}

	const struct vma *v = vma_lookup(old);
	if (!v)
		return -EFAULT;
	if (to_new || new_len > old_len) {
		if (!old_len && !(v->flags & VMA_SHARED))
			return -EINVAL;
		/* A move that shrinks first only needs the part it keeps inside the VMA. */
		uintptr_t kept = to_new && new_len < old_len ? new_len : old_len;
		if (kept > v->end - old)
			return -EFAULT; /* crosses the end of the VMA */
	}
	if (to_new)
		return mremap_to(old, old_len, new_len, flags, new_addr);
	if (new_len == old_len)
		return (long)old;
	if (new_len < old_len) {
		long err = vm_munmap(old + new_len, old_len - new_len);
		return err ? err : (long)old;
	}
	if (old + old_len == v->end && expand_in_place(old, new_len - old_len))
		return (long)old;
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	long dst = vm_get_area(0, new_len, 0);
	if (dst < 0)
		return dst;
	return move_vma(old, old_len, (uintptr_t)dst, new_len, false);
}
