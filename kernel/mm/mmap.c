/* mmap.c: mmap, munmap, mprotect and brk with Linux's semantics (vm.h). */

/*
 * Design. Each call validates its arguments in the order Linux (6.x) does, so that a
 * call with several problems gets the same errno, then works on the VMA array and the
 * page tables through the helpers in vm.c. Where Linux applies a change piecewise and
 * stops at a hole (mprotect), so do we: the part before the hole is changed and the call
 * returns -ENOMEM. Room in the VMA array is reserved before anything changes. VMA flags
 * follow Linux's (VM_ACCOUNT included) so that VMAs split and merge as Linux's do.
 *
 * File mappings are checked here in Linux's order (vm_file_mmap_check) and faulted in
 * by filemap.c; /dev/zero maps anonymous memory. MAP_SHARED anonymous memory behaves as
 * private memory (one process), except where madvise tells them apart (madvise.c).
 *
 * Exec protection (execprot.h) is decided by vm_execprot_check alone: mmap asks it once
 * the mapping is fully validated, mprotect for each VMA in turn (like Linux's per-VMA
 * VM_MAY* checks), vm_map_fixed for the loader's segments. mremap moves VMAs with their
 * prot and flags unchanged, and brk memory is never executable, so neither asks.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "mm/execprot.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "mm/vma.h"

#define MAP_DROPPABLE 0x08 /* Linux 6.11: private memory the kernel may drop; we never do */
#define PROT_SEM 0x8
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#define PROT_RWX (PROT_READ | PROT_WRITE | PROT_EXEC)
#define MAP_32BIT_LO 0x40000000UL /* where x86-64 Linux puts MAP_32BIT mappings */
#define MAP_32BIT_HI 0x80000000UL

/* PAGE_ALIGN_UP that reports overflow as 0, like Linux's PAGE_ALIGN on a huge length. */
static uintptr_t align_len(uintptr_t len)
{
	return (len + PAGE_SIZE - 1) & PAGE_MASK;
}

long vm_get_area(uintptr_t addr, uintptr_t len, int flags)
{
	struct vm_space *vm = &vm_current;
	if (len > USER_TOP)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		/* checked below, in Linux's order */
	} else if (flags & MAP_32BIT) {
		uintptr_t hint = PAGE_ALIGN_UP(addr);
		if (hint && hint >= USER_MIN && hint <= MAP_32BIT_HI - len &&
		    vma_range_free(hint, hint + len))
			addr = hint;
		else
			addr = vma_gap_bottomup(len, MAP_32BIT_LO, MAP_32BIT_HI);
		if (!addr)
			return -ENOMEM;
	} else {
		addr &= PAGE_MASK;
		if (!addr || addr > USER_TOP - len || !vma_range_free_gap(addr, addr + len)) {
			/* Top-down below mmap_base; like Linux, fall back to anywhere. */
			addr = vma_gap_topdown(len, USER_MIN, vm->mmap_base);
			if (!addr)
				addr = vma_gap_topdown(len, USER_MIN, USER_TOP);
			if (!addr)
				return -ENOMEM;
		}
	}
	if (addr > USER_TOP - len)
		return -ENOMEM;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (addr < USER_MIN)
		return -EPERM; /* Linux: below mmap_min_addr without CAP_SYS_RAWIO */
	return (long)addr;
}

long vm_mmap(uintptr_t addr, size_t len, int prot, int flags, struct file *file, long offset)
{
	int kind = VMA_ANON, vflags = 0;
	uint64_t pgoff = (unsigned long)offset >> PAGE_SHIFT;
	if ((unsigned long)offset & (PAGE_SIZE - 1))
		return -EINVAL;
	if (flags & MAP_ANONYMOUS)
		file = NULL;
	else if (!vm_file_mappable(file))
		return -EBADF;
	if (flags & MAP_HUGETLB)
		return -ENOMEM; /* like Linux with no huge pages reserved */
	if (!len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED)) {
		addr &= PAGE_MASK;
		if (addr && addr < USER_MIN)
			addr = USER_MIN;
	}
	len = align_len(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (vm_current.n > VM_MAX_MAP_COUNT)
		return -ENOMEM;
	long a = vm_get_area(addr, len, flags);
	if (a < 0)
		return a;
	addr = (uintptr_t)a;
	if ((flags & MAP_FIXED_NOREPLACE) && !vma_range_free(addr, addr + len))
		return -EEXIST;
	if (flags & MAP_GROWSDOWN)
		vflags |= VMA_GROWSDOWN;
	if (flags & MAP_LOCKED)
		vflags |= VMA_LOCKED;
	if (flags & MAP_NORESERVE)
		vflags |= VMA_NORESERVE;
	if (flags & MAP_STACK)
		vflags |= VMA_NOHUGEPAGE;
	if (file) {
		int r = vm_file_mmap_check(file, len, pgoff, prot, flags, &vflags);
		if (r < 0)
			return r;
		if (r > 0)
			file = NULL; /* /dev/zero: anonymous memory */
		else
			kind = VMA_FILE;
	} else {
		switch (flags & MAP_TYPE) {
		case MAP_SHARED:
			if (flags & MAP_GROWSDOWN)
				return -EINVAL;
			vflags |= VMA_SHARED;
			break;
		case MAP_DROPPABLE:
			if (flags & (MAP_LOCKED | MAP_GROWSDOWN))
				return -EINVAL;
			vflags |= VMA_DROPPABLE | VMA_NORESERVE | VMA_WIPEONFORK | VMA_DONTDUMP;
			break;
		case MAP_PRIVATE:
			break;
		default:
			return -EINVAL;
		}
	}
	if (kind == VMA_FILE && vm_exec_protection() && vm_file_executable(file))
		vflags |= VMA_EXECOK;
	{
		unsigned ef = (unsigned)vflags;
		long err = vm_execprot_check(prot, 0, &ef);
		if (err)
			return err;
		vflags = (int)ef;
	}
	if ((prot & PROT_WRITE) && !(vflags & (VMA_SHARED | VMA_NORESERVE)))
		vflags |= VMA_ACCOUNT;
	if (kind == VMA_ANON && (flags & (MAP_STACK | MAP_GROWSDOWN)))
		kind = VMA_STACK;

	if (vma_reserve(1))
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		long err = vm_unmap_range(addr, addr + len);
		if (err)
			return err;
	}
	if (file) {
		struct vma t = {
			.start = addr,
			.end = addr + len,
			.file = file,
			.pgoff = pgoff,
			.prot = (uint8_t)(prot & PROT_RWX),
			.kind = (uint8_t)kind,
			.flags = (uint16_t)vflags,
		};
		vm_insert_vma(&t);
	} else {
		vm_insert_mapping(addr, addr + len, prot, kind, vflags);
	}
	if ((flags & (MAP_POPULATE | MAP_LOCKED)) && !(flags & MAP_NONBLOCK) && (prot & PROT_RWX))
		(void)vm_populate(vma_lookup(addr), addr, addr + len,
				  (prot & PROT_WRITE) && !(vflags & VMA_SHARED)); /* best effort */
	return (long)addr;
}

long vm_map_fixed(uintptr_t addr, size_t len, int prot)
{
	unsigned vflags = prot & PROT_WRITE ? VMA_ACCOUNT : 0;
	if (!len || (len & (PAGE_SIZE - 1)))
		return -EINVAL;
	if ((prot & PROT_EXEC) && vm_exec_protection())
		vflags |= VMA_EXECOK; /* the program's code or the vDSO */
	long err = vm_execprot_check(prot, 0, &vflags);
	if (err)
		return err;
	long a = vm_get_area(addr, len, MAP_FIXED);
	if (a < 0)
		return a;
	if (!vma_range_free(addr, addr + len))
		return -EEXIST;
	if (vma_reserve(1))
		return -ENOMEM;
	vm_insert_mapping(addr, addr + len, prot, VMA_PROGRAM, (int)vflags);
	return 0;
}

long vm_munmap(uintptr_t addr, size_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || addr > USER_TOP || len > USER_TOP - addr)
		return -EINVAL;
	len = align_len(len);
	if (!len)
		return -EINVAL;
	return vm_unmap_range(addr, addr + len);
}

long vm_mprotect(uintptr_t addr, size_t len, int prot)
{
	struct vm_space *vm = &vm_current;
	int grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!len)
		return 0;
	len = align_len(len);
	uintptr_t end = addr + len;
	if (end <= addr)
		return -ENOMEM;
	if (prot & ~(PROT_RWX | PROT_SEM))
		return -EINVAL;
	prot &= PROT_RWX;

	size_t i = vma_find(addr);
	if (i == vm->n || vm->v[i].start >= end)
		return -ENOMEM;
	if (grows & PROT_GROWSDOWN) {
		if (!(vm->v[i].flags & VMA_GROWSDOWN))
			return -EINVAL;
		addr = vm->v[i].start;
	} else {
		if (vm->v[i].start > addr)
			return -ENOMEM;
		if (grows & PROT_GROWSUP)
			return -EINVAL; /* x86 has no upward-growing areas */
	}
	uintptr_t at = addr;
	while (at < end) {
		i = vma_find(at);
		if (i == vm->n || vm->v[i].start > at)
			return -ENOMEM; /* a hole: the part before it stays changed, as in Linux */
		uintptr_t to = vm->v[i].end < end ? vm->v[i].end : end;
		unsigned flags = vm->v[i].flags;
		/* Linux charges a private mapping when it becomes writable and uncharges it when
		 * it stops being writable only if it was never written (no anon_vma); a VMA
		 * whose prot does not change is left alone. */
		if ((prot & PROT_WRITE) && (flags & VMA_NOWRITE))
			return -EACCES; /* a shared mapping of a file not open for writing */
		long err = vm_execprot_check(prot, vm->v[i].prot, &flags);
		if (err)
			return err;
		if (prot != vm->v[i].prot) {
			if ((prot & PROT_WRITE) && !(flags & (VMA_SHARED | VMA_NORESERVE)))
				flags |= VMA_ACCOUNT;
			else if (!(prot & PROT_WRITE) && !vm->v[i].anon)
				flags &= ~VMA_ACCOUNT;
		}
		err = vma_modify(i, at, to, prot, flags);
		if (err)
			return err;
		at = to;
	}
	return 0;
}

long vm_brk(uintptr_t new_brk)
{
	struct vm_space *vm = &vm_current;
	uintptr_t old = vm->brk;
	if (!vm->brk_start || new_brk < vm->brk_start || new_brk > USER_TOP)
		return (long)old;
	uintptr_t newtop = PAGE_ALIGN_UP(new_brk), oldtop = PAGE_ALIGN_UP(old);
	if (newtop == oldtop) {
		vm->brk = new_brk;
		return (long)new_brk;
	}
	if (new_brk <= old) {
		if (vm_unmap_range(newtop, oldtop))
			return (long)old;
		vm->brk = new_brk;
		return (long)new_brk;
	}
	/* Growing: the next mapping must start at least a page above the new break. */
	size_t i = vma_find(oldtop);
	if (i < vm->n) {
		const struct vma *next = &vm->v[i];
		uintptr_t gap_start = next->start;
		if (next->flags & VMA_GROWSDOWN)
			gap_start = gap_start > STACK_GUARD_GAP ? gap_start - STACK_GUARD_GAP : 0;
		if (newtop + PAGE_SIZE > gap_start)
			return (long)old;
	}
	if (vm->n > VM_MAX_MAP_COUNT || vma_reserve(1))
		return (long)old;
	vm_insert_mapping(oldtop, newtop, PROT_READ | PROT_WRITE, VMA_HEAP, VMA_ACCOUNT);
	vm->brk = new_brk;
	return (long)new_brk;
}
