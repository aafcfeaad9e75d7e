/* msync.c: msync and mincore with Linux's (6.x) semantics (vm.h). */

/*
 * Design. Shared file mappings store straight into page-cache pages that filemap.c has
 * marked dirty, so msync only has to start writeback: MS_ASYNC does nothing (the pages
 * are already in the cache, written back at fsync, sync, eviction or exit) and MS_SYNC
 * writes back the whole file and its inode (vfs_fsync; Linux writes the range only).
 * MS_INVALIDATE does nothing beyond its check, as in Linux. The range walk, its holes
 * and its errors follow Linux's msync exactly.
 *
 * mincore reports a page as resident when its entry is present or, for a file mapping,
 * when the page cache holds the file page (Linux's mincore_page).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "fs/file.h"
#include "fs/pagecache.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "mm/vma.h"

long vm_msync(uintptr_t addr, size_t len, int flags)
{
	struct vm_space *vm = &vm_current;
	long unmapped = 0;
	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	uintptr_t end = addr + len;
	if (end < addr)
		return -ENOMEM;
	if (end == addr)
		return 0;
	while (addr < end) {
		size_t i = vma_find(addr);
		if (i == vm->n)
			return -ENOMEM;
		struct vma *v = &vm->v[i];
		if (addr < v->start) {
			if (flags == MS_ASYNC)
				return -ENOMEM;
			addr = v->start;
			if (addr >= end)
				return -ENOMEM;
			unmapped = -ENOMEM;
		}
		if ((flags & MS_INVALIDATE) && (v->flags & VMA_LOCKED))
			return -EBUSY;
		addr = v->end;
		if ((flags & MS_SYNC) && v->file && (v->flags & VMA_SHARED)) {
			int err = vfs_fsync(v->file->inode);
			if (err)
				return err;
		}
	}
	return unmapped;
}

long vm_mincore(uintptr_t addr, size_t npages, unsigned char *vec)
{
	const struct vma *v = vma_lookup(addr);
	if (!v)
		return -ENOMEM;
	size_t n = (v->end - addr) >> PAGE_SHIFT;
	if (n > npages)
		n = npages;
	for (size_t k = 0; k < n; k++) {
		uintptr_t va = addr + (k << PAGE_SHIFT);
		bool in = paging_lookup(vm_current.root, va, NULL, NULL);
		if (!in && v->file)
			in = pagecache_cached(v->file->inode, vm_file_index(v, va));
		vec[k] = in ? 1 : 0;
	}
	return (long)n;
}
