/* filemap.c: file-backed VMAs: faults that map page-cache pages, copy-on-write for
 * private mappings, unmapping and re-protecting such pages, and unmapping on truncate
 * (vma.h). */

/*
 * Design. A page-table entry of a file VMA maps one of two things:
 *   - the page-cache page itself (flag PG_FILE): the page cache counts the mapping
 *     (pagecache_map_page), so the page is neither reclaimed nor dropped while mapped;
 *     unmapping it gives the count back and never frees the page;
 *   - in a private VMA, a private anonymous copy made on the first write to the page
 *     (copy-on-write), owned by the mapping like any anonymous page.
 * Cache pages are mapped read-only in private VMAs (always) and in shared VMAs until
 * the first write: that write fault marks the page dirty and makes the entry writable,
 * and the page cache keeps a page dirty while a writable entry maps it (so writeback
 * never loses a store made without a fault). Removing the entry (munmap, mprotect,
 * MADV_DONTNEED) leaves the page dirty for the next writeback.
 *
 * A page wholly past the end of the file cannot be mapped: the fault returns -EIO and
 * the program gets SIGBUS, as on Linux. The partial last page shows zeros past the end
 * (readpage fills them). When a file shrinks, the page cache calls truncated() first,
 * which unmaps every page at or past the new end (private copies too, as Linux's
 * truncate does), so later accesses there raise SIGBUS.
 *
 * Known gap: stores through a shared mapping into the partial last page past the end of
 * the file stay in the cache page; a later extension of the file by write(2) may show
 * them instead of zeros (Linux zeroes that tail at writeback).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/arch.h"
#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "fs/devfs.h"
#include "fs/file.h"
#include "fs/pagecache.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "mm/vma.h"

#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_FETCH 0x10
#define MAP_DROPPABLE 0x08
#define MAP_UNINITIALIZED 0x4000000
#define MAP_ABOVE4G 0x80
#define MAP_HUGE_2MB (21 << 26)
#define MAP_HUGE_1GB (30 << 26)
/* Linux's LEGACY_MAP_MASK: what MAP_SHARED_VALIDATE accepts (no MAP_SYNC here). */
#define LEGACY_MAP_MASK                                                                            \
	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE |   \
	 MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |           \
	 MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | MAP_ABOVE4G | MAP_HUGE_2MB |         \
	 MAP_HUGE_1GB)
#define MAX_FILE_PAGES ((uint64_t)INT64_MAX >> PAGE_SHIFT) /* Linux's MAX_LFS_FILESIZE */

void vm_file_hold(struct file *f)
{
	if (f)
		vfs_file_get(f);
}

void vm_file_release(struct file *f)
{
	if (f)
		vfs_file_put(f);
}

bool vm_file_mappable(const struct file *f)
{
	return f && !(f->flags & O_PATH);
}

bool vm_file_executable(const struct file *f)
{
	return (f->inode->mode & S_IFMT) == S_IFREG && (f->inode->mode & 0111);
}

/* 0: page-cached (a regular file of a file system without its own read), 1: /dev/zero,
 * -ENODEV: anything else. */
static int file_backing(const struct file *f)
{
	const struct inode *inode = f->inode;
	if (f->dev)
		return f->dev->rdev == MKDEV(1, 5) ? 1 : -ENODEV;
	if (!S_ISTYPE(inode->mode, S_IFREG) || (inode->ops && inode->ops->read))
		return -ENODEV;
	return 0;
}

int vm_file_mmap_check(struct file *f, uintptr_t len, uint64_t pgoff, int prot, int flags,
		       int *vflags)
{
	if (pgoff > MAX_FILE_PAGES - (len >> PAGE_SHIFT))
		return -EOVERFLOW;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_SHARED_VALIDATE:
		if ((flags & MAP_TYPE) == MAP_SHARED_VALIDATE && (flags & ~LEGACY_MAP_MASK))
			return -EOPNOTSUPP;
		if ((prot & PROT_WRITE) && !vfs_file_writable(f))
			return -EACCES;
		/* Linux: a shared mapping of a file not open for writing is not VM_SHARED and
		 * can never become writable. */
		*vflags |= vfs_file_writable(f) ? VMA_SHARED : VMA_NOWRITE;
		__attribute__((fallthrough));
	case MAP_PRIVATE:
		if (!vfs_file_readable(f))
			return -EACCES;
		break;
	default:
		return -EINVAL;
	}
	int backing = file_backing(f);
	if (backing < 0)
		return backing;
	if (flags & MAP_GROWSDOWN)
		return -EINVAL;
	return backing;
}

uint64_t vm_file_index(const struct vma *v, uintptr_t va)
{
	return v->pgoff + ((va - v->start) >> PAGE_SHIFT);
}

/* Flags for a page-cache page in v: read-only unless writable (a shared VMA's page after
 * a write fault). */
static unsigned cache_flags(const struct vma *v, bool writable)
{
	unsigned f = PG_FILE;
	if (v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		f |= PG_USER;
	if (v->prot & PROT_EXEC)
		f |= PG_EXEC;
	if (writable && (v->prot & PROT_WRITE))
		f |= PG_WRITE;
	return f;
}

/* Drop the entry at va, whatever it maps; true when there was one. */
static bool drop_entry(struct vma *v, uintptr_t va)
{
	uint64_t pa;
	unsigned flags;
	struct inode *inode = v->file->inode;
	if (!paging_lookup(vm_current.root, va, &pa, &flags))
		return false;
	paging_unmap(vm_current.root, va);
	if (flags & PG_FILE) {
		uint64_t index = vm_file_index(v, va);
		if (flags & PG_WRITE)
			pagecache_map_writable(inode, index, false);
		pagecache_unmap_page(inode, index);
	} else {
		pmm_free_page(pa);
	}
	return true;
}

/* A private copy of the file page `index` at va (not mapped yet) for a write. */
static int map_copy(struct vma *v, uintptr_t va, uint64_t index, uint64_t *out)
{
	struct inode *inode = v->file->inode;
	uint64_t cache, page = pmm_alloc_page();
	if (!page)
		return -ENOMEM;
	int err = pagecache_map_page(inode, index, &cache);
	if (err) {
		pmm_free_page(page);
		return err == -ENXIO ? -EIO : err;
	}
	memcpy(MM_VIRT(page), MM_VIRT(cache), PAGE_SIZE);
	pagecache_unmap_page(inode, index);
	if (paging_map(vm_current.root, va, page, vm_pte_flags(v)) < 0) {
		pmm_free_page(page);
		return -ENOMEM;
	}
	*out = page;
	return 0;
}

/* Map page va (not mapped) of v for a read, or for a write. */
static int map_new(struct vma *v, uintptr_t va, bool write, uint64_t *pa)
{
	struct inode *inode = v->file->inode;
	uint64_t index = vm_file_index(v, va);
	bool shared = v->flags & VMA_SHARED;
	int err;
	if (write && !shared) {
		if (!v->anon)
			vm_assign_anon(v);
		err = map_copy(v, va, index, pa);
	} else {
		err = pagecache_map_page(inode, index, pa);
		if (err == -ENXIO)
			err = -EIO;
		if (!err && paging_map(vm_current.root, va, *pa, cache_flags(v, write)) < 0) {
			pagecache_unmap_page(inode, index);
			err = -ENOMEM;
		}
		if (!err && write)
			pagecache_map_writable(inode, index, true);
	}
	if (!err)
		vm_mark_touched(v, va, va + PAGE_SIZE);
	return err;
}

/* A write to va whose entry maps the cache page read-only. */
static int write_upgrade(struct vma *v, uintptr_t va)
{
	uint64_t index = vm_file_index(v, va), pa;
	if (v->flags & VMA_SHARED) {
		paging_protect(vm_current.root, va, cache_flags(v, true));
		pagecache_map_writable(v->file->inode, index, true);
		vm_flush_tlb_page(va);
		return 0;
	}
	/* Copy-on-write: the copy replaces the cache page's entry. */
	if (!v->anon)
		vm_assign_anon(v);
	drop_entry(v, va);
	vm_flush_tlb_page(va);
	return map_copy(v, va, index, &pa);
}

int vm_file_fault(struct vma *v, uintptr_t page, uint64_t err)
{
	uint64_t pa;
	unsigned have;
	bool write = err & PF_WRITE;
	if (!paging_lookup(vm_current.root, page, &pa, &have))
		return map_new(v, page, write, &pa);
	bool pte_ok = (have & PG_USER) && (!write || (have & PG_WRITE)) &&
		      (!(err & PF_FETCH) || (have & PG_EXEC));
	if (pte_ok && !(err & PF_USER))
		return -EFAULT; /* a kernel access the entry already allows: SMAP or a bug */
	if (!pte_ok && write && !(have & PG_WRITE) && (have & PG_FILE))
		return write_upgrade(v, page);
	if (!pte_ok) /* a private copy read-only until now, or stale flags */
		paging_protect(vm_current.root, page,
			       have & PG_FILE ? cache_flags(v, have & PG_WRITE) : vm_pte_flags(v));
	vm_flush_tlb_page(page);
	return 0;
}

int vm_file_populate_page(struct vma *v, uintptr_t va, uint64_t *pa, bool write)
{
	unsigned have;
	va = PAGE_ALIGN_DOWN(va);
	if (!paging_lookup(vm_current.root, va, pa, &have))
		return map_new(v, va, write, pa);
	if (write && !(have & PG_WRITE) && (have & PG_FILE)) {
		int err = write_upgrade(v, va);
		if (!err)
			paging_lookup(vm_current.root, va, pa, NULL);
		return err;
	}
	return 0;
}

void vm_file_zap_pages(struct vma *v, uintptr_t start, uintptr_t end)
{
	if (start < v->tlo)
		start = v->tlo;
	if (end > v->thi)
		end = v->thi;
	for (uintptr_t va = vm_next_mapped(start, end); va < end;
	     va = vm_next_mapped(va + PAGE_SIZE, end))
		if (drop_entry(v, va))
			vm_flush_tlb_page(va);
}

void vm_file_reprotect_pages(struct vma *v, uintptr_t start, uintptr_t end)
{
	struct inode *inode = v->file->inode;
	if (start < v->tlo)
		start = v->tlo;
	if (end > v->thi)
		end = v->thi;
	for (uintptr_t va = vm_next_mapped(start, end); va < end;
	     va = vm_next_mapped(va + PAGE_SIZE, end)) {
		uint64_t pa;
		unsigned have;
		if (!paging_lookup(vm_current.root, va, &pa, &have))
			continue;
		if (have & PG_FILE) {
			if (have & PG_WRITE)
				pagecache_map_writable(inode, vm_file_index(v, va), false);
			paging_protect(vm_current.root, va, cache_flags(v, false));
		} else {
			paging_protect(vm_current.root, va, vm_pte_flags(v));
		}
		vm_flush_tlb_page(va);
	}
}

/* The page cache drops inode's pages from `first` on: unmap them everywhere. */
static void truncated(struct inode *inode, uint64_t first)
{
	struct vm_space *vm = &vm_current;
	for (size_t i = 0; i < vm->n; i++) {
		struct vma *v = &vm->v[i];
		if (!v->file || v->file->inode != inode)
			continue;
		uint64_t npages = (v->end - v->start) >> PAGE_SHIFT;
		if (v->pgoff + npages <= first)
			continue;
		uintptr_t from =
			first > v->pgoff ? v->start + ((first - v->pgoff) << PAGE_SHIFT) : v->start;
		vm_file_zap_pages(v, from, v->end);
	}
}

void vm_file_setup(void)
{
	pagecache_set_unmap_hook(truncated);
}
