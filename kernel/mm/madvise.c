/* madvise.c: madvise with Linux's (6.x) semantics (vm.h). */

/*
 * Design. Advice is of three sorts, as in Linux:
 *   - page work: DONTNEED and FREE drop private pages (later reads see zeros; FREE may
 *     drop at once), REMOVE frees shared pages; POPULATE_* fault pages in;
 *   - VMA flags: SEQUENTIAL, RANDOM, DONTFORK, WIPEONFORK, DONTDUMP, HUGEPAGE, MERGEABLE
 *     and their opposites change flags, which splits and merges VMAs exactly as Linux
 *     does (the flags have no other effect here: there is no fork, dump or THP);
 *   - hints with no use here (WILLNEED, COLD, PAGEOUT): accepted.
 * The range is walked VMA by VMA; holes are skipped and reported as -ENOMEM at the end,
 * POPULATE stops at the first hole. A split refused at the map-count limit is -EAGAIN.
 * Not supported (rejected with -EINVAL like kernels without them): MADV_COLLAPSE,
 * MADV_GUARD_INSTALL/REMOVE, MADV_HWPOISON, MADV_SOFT_OFFLINE.
 *
 * MAP_SHARED memory keeps its contents on DONTNEED (Linux drops only the page-table
 * entries; shmem keeps the pages), so DONTNEED does nothing to anonymous shared memory
 * here; file mappings lose their entries (a private one then reads the file again, a
 * shared one finds its dirty pages in the page cache). FREE is for anonymous memory
 * only; REMOVE (hole punching) is not supported on files (-EOPNOTSUPP).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "mm/vma.h"

#define PROT_RWX (PROT_READ | PROT_WRITE | PROT_EXEC)

enum {
	MADV_NORMAL = 0,
	MADV_RANDOM = 1,
	MADV_SEQUENTIAL = 2,
	MADV_WILLNEED = 3,
	MADV_DONTNEED = 4,
	MADV_FREE = 8,
	MADV_REMOVE = 9,
	MADV_DONTFORK = 10,
	MADV_DOFORK = 11,
	MADV_MERGEABLE = 12,
	MADV_UNMERGEABLE = 13,
	MADV_HUGEPAGE = 14,
	MADV_NOHUGEPAGE = 15,
	MADV_DONTDUMP = 16,
	MADV_DODUMP = 17,
	MADV_WIPEONFORK = 18,
	MADV_KEEPONFORK = 19,
	MADV_COLD = 20,
	MADV_PAGEOUT = 21,
	MADV_POPULATE_READ = 22,
	MADV_POPULATE_WRITE = 23,
	MADV_DONTNEED_LOCKED = 24,
};

static uintptr_t align_len(uintptr_t len)
{
	return (len + PAGE_SIZE - 1) & PAGE_MASK;
}

static bool advice_valid(int advice)
{
	return (advice >= MADV_NORMAL && advice <= MADV_DONTNEED) ||
	       (advice >= MADV_FREE && advice <= MADV_DONTNEED_LOCKED);
}

/* The flags advice gives a VMA that has flags f; -EINVAL when it does not apply. */
static long advised_flags(int advice, unsigned f)
{
	switch (advice) {
	case MADV_NORMAL:
		return f & ~(VMA_SEQ_READ | VMA_RAND_READ);
	case MADV_RANDOM:
		return (f & ~VMA_SEQ_READ) | VMA_RAND_READ;
	case MADV_SEQUENTIAL:
		return (f & ~VMA_RAND_READ) | VMA_SEQ_READ;
	case MADV_DONTFORK:
		return f | VMA_DONTCOPY;
	case MADV_DOFORK:
		return f & ~VMA_DONTCOPY;
	case MADV_WIPEONFORK:
		return f & VMA_SHARED ? -EINVAL : (long)(f | VMA_WIPEONFORK);
	case MADV_KEEPONFORK:
		return f & VMA_DROPPABLE ? -EINVAL : (long)(f & ~VMA_WIPEONFORK);
	case MADV_DONTDUMP:
		return f | VMA_DONTDUMP;
	case MADV_DODUMP:
		return f & VMA_DROPPABLE ? -EINVAL : (long)(f & ~VMA_DONTDUMP);
	case MADV_HUGEPAGE:
		return (f & ~VMA_NOHUGEPAGE) | VMA_HUGEPAGE;
	case MADV_NOHUGEPAGE:
		return (f & ~VMA_HUGEPAGE) | VMA_NOHUGEPAGE;
	case MADV_MERGEABLE:
		return f & VMA_SHARED ? f : (f | VMA_MERGEABLE); /* KSM skips shared memory */
	case MADV_UNMERGEABLE:
		return f & ~VMA_MERGEABLE;
	default:
		return f;
	}
}

/* Apply advice to [start, end) of v[i]. */
static long advise_vma(size_t i, uintptr_t start, uintptr_t end, int advice)
{
	struct vma *v = &vm_current.v[i];
	bool shared = v->flags & VMA_SHARED;
	switch (advice) {
	case MADV_FREE:
		if (shared || v->file)
			return -EINVAL;
		__attribute__((fallthrough)); /* dropping at once is a valid MADV_FREE */
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
		if ((v->flags & VMA_LOCKED) && advice != MADV_DONTNEED_LOCKED)
			return -EINVAL;
		if (!shared || v->file) /* anonymous shared memory keeps its contents */
			vm_zap_pages(v, start, end);
		return 0;
	case MADV_REMOVE:
		if (!shared)
			return -EINVAL;
		if (v->file)
			return -EOPNOTSUPP;
		vm_zap_pages(v, start, end);
		return 0;
	default: {
		long f = advised_flags(advice, v->flags);
		if (f < 0)
			return f;
		long err = vma_modify(i, start, end, v->prot, (unsigned)f);
		return err == -ENOMEM ? -EAGAIN : err; /* Linux: resources short, try again */
	}
	}
}

/* MADV_POPULATE_*: fault pages in, in address order; a hole is -ENOMEM at once and a
 * mapping the access is not allowed in -EINVAL (Linux's madvise_populate). */
static long populate(uintptr_t addr, uintptr_t end, bool write)
{
	while (addr < end) {
		struct vma *v = vma_lookup(addr);
		if (!v)
			return -ENOMEM;
		if (!(v->prot & PROT_RWX) || (write && !(v->prot & PROT_WRITE)))
			return -EINVAL;
		uintptr_t to = v->end < end ? v->end : end;
		long err = vm_populate(v, addr, to, write);
		if (err)
			return err == -EIO ? -EFAULT : -ENOMEM; /* -EIO: past the end of a file */
		addr = to;
	}
	return 0;
}

long vm_madvise(uintptr_t addr, size_t len, int advice)
{
	struct vm_space *vm = &vm_current;
	if (!advice_valid(advice))
		return -EINVAL;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	uintptr_t alen = align_len(len);
	if (len && !alen)
		return -EINVAL;
	uintptr_t end = addr + alen;
	if (end < addr)
		return -EINVAL;
	if (advice == MADV_POPULATE_READ || advice == MADV_POPULATE_WRITE)
		return populate(addr, end, advice == MADV_POPULATE_WRITE);
	long unmapped = 0;
	while (addr < end) {
		size_t i = vma_find(addr);
		if (i == vm->n)
			return -ENOMEM;
		if (addr < vm->v[i].start) {
			unmapped = -ENOMEM;
			addr = vm->v[i].start;
			if (addr >= end)
				break;
		}
		uintptr_t to = vm->v[i].end < end ? vm->v[i].end : end;
		long err = advise_vma(i, addr, to, advice);
		if (err)
			return err;
		addr = to;
	}
	return unmapped;
}
