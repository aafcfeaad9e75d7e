/* test_vm_file.c: file mappings (kernel/mm/filemap.c, msync.c): shared mappings store
 * into the page cache and dirty it, private ones copy on write, pages past the end of
 * the file fault with -EIO (SIGBUS), mapped pages are pinned in the cache, VMAs hold
 * file references through split, merge, mremap and munmap, truncate unmaps, msync and
 * mincore. Over the real VFS core: tmpfs files and a fake disk file system whose
 * readpage/writepage use a host buffer, on fake RAM and the fake page tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/pagecache.h"
#include "fs/tmpfs.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "mm/vma.h"
#include "mm_fakes.h"
#include "vm_test.h"

#define DISK_SIZE (64 * P)

static unsigned char *disk;
static unsigned long disk_writes;
static uint64_t next_ino = 100;

static int d_readpage(struct inode *inode, uint64_t index, void *page)
{
	uint64_t off = index * P;
	memset(page, 0, P);
	if (off < inode->size) {
		uint64_t n = inode->size - off < P ? inode->size - off : P;
		memcpy(page, disk + off, n);
	}
	return 0;
}

static int d_writepage(struct inode *inode, uint64_t index, const void *page)
{
	uint64_t off = index * P;
	assert_true(off < inode->size);
	disk_writes++;
	memcpy(disk + off, page, P);
	return 0;
}

static const struct inode_ops disk_ops = {.readpage = d_readpage, .writepage = d_writepage};
static struct super_block disk_sb = {.block_size = 4096};

/* An open file on the fake disk, of size bytes, holding disk[i] = i * 7 + 1. */
static struct file *disk_file(uint64_t size, unsigned flags)
{
	bool fresh;
	struct inode *in = vfs_iget(&disk_sb, next_ino++, &fresh);
	assert_non_null(in);
	in->mode = S_IFREG | 0644;
	in->nlink = 1;
	in->size = size;
	in->ops = &disk_ops;
	for (size_t i = 0; i < DISK_SIZE; i++)
		disk[i] = (unsigned char)(i * 7 + 1);
	struct file *f = kzalloc(sizeof(*f));
	assert_non_null(f);
	f->inode = in; /* takes the iget reference */
	f->flags = flags;
	f->refs = 1;
	return f;
}

static struct file *tmp_file(const char *path, uint64_t size)
{
	struct file *f;
	assert_int_equal(vfs_open(NULL, path, O_RDWR | O_CREAT | O_TRUNC, 0600, &f), 0);
	char buf[P];
	for (uint64_t off = 0; off < size; off += P) {
		size_t n = size - off < P ? size - off : P;
		memset(buf, (int)('a' + off / P), n);
		assert_int_equal(vfs_write(f, buf, n, off, NULL), (long)n);
	}
	return f;
}

static int group_setup(void **state)
{
	fake_paging_reset();
	fake_ram_init(BASE, 16 * MIB);
	struct super_block *sb = tmpfs_create(0755);
	assert_non_null(sb);
	vfs_mount_root(sb);
	vfs_namei_init();
	disk = calloc(1, DISK_SIZE);
	return 0;
}

static int group_teardown(void **state)
{
	free(disk);
	return 0;
}

/* Each test starts with an empty address space (the previous one's references dropped). */
static int setup(void **state)
{
	vm_init(MMAP_BASE);
	disk_writes = 0;
	return 0;
}

static void t_shared(void **state)
{
	struct file *f = disk_file(3 * P + 100, O_RDWR);
	struct inode *in = f->inode;
	long a = vm_mmap(0, 4 * P, RW, MAP_SHARED, f, 0);
	assert_true(a > 0);
	assert_int_equal(f->refs, 2);
	assert_int_equal(vm_current.v[0].kind, VMA_FILE);
	assert_int_equal(rd(a + 5), 5 * 7 + 1);
	uint64_t pa;
	unsigned fl;
	assert_true(mmu_pte(a, &pa, &fl));
	assert_true(fl & PG_FILE);
	assert_false(fl & PG_WRITE); /* read-only until the first store */
	assert_int_equal(pagecache_mapcount(in, 0), 1);
	assert_false(pagecache_dirty(in, 0));
	wr(a + 5, 0xee);
	assert_true(mmu_pte(a, &pa, &fl));
	assert_true((fl & PG_WRITE) && (fl & PG_FILE));
	assert_true(pagecache_dirty(in, 0));
	char c;
	assert_int_equal(vfs_read(f, &c, 1, 5), 1); /* read(2) sees the store */
	assert_int_equal((unsigned char)c, 0xee);
	/* write(2) is seen through the mapping. */
	c = 0x42;
	assert_int_equal(vfs_write(f, &c, 1, P + 3, NULL), 1);
	assert_int_equal(rd(a + P + 3), 0x42);
	/* The partial last page shows zeros past the end; the next page is SIGBUS. */
	assert_int_equal(rd(a + 3 * P + 99), (unsigned char)((3 * P + 99) * 7 + 1));
	assert_int_equal(rd(a + 3 * P + 100), 0);
	assert_int_equal(rd(a + 4 * P - 1), 0);
	uint8_t b;
	assert_int_equal(mmu_read(a + 4 * P - 1 + 1, &b), -EFAULT); /* outside the VMA */
	/* Writeback keeps a writable-mapped page dirty: the next store needs no fault. */
	assert_int_equal(vfs_fsync(in), 0);
	assert_int_equal(disk[5], 0xee);
	assert_true(pagecache_dirty(in, 0));
	wr(a + 6, 0xdd);
	assert_int_equal(vm_munmap(a, 4 * P), 0);
	assert_int_equal(pagecache_mapcount(in, 0), 0);
	assert_int_equal(fake_paging_count(), 0);
	assert_true(pagecache_dirty(in, 0)); /* left for writeback */
	assert_int_equal(f->refs, 1);
	assert_int_equal(vfs_fsync(in), 0);
	assert_int_equal(disk[6], 0xdd);
	assert_false(pagecache_dirty(in, 0));
	vfs_file_put(f);
}

static void t_private_cow(void **state)
{
	struct file *f = disk_file(2 * P, O_RDONLY);
	struct inode *in = f->inode;
	long a = vm_mmap(0, 2 * P, RW, MAP_PRIVATE, f, P); /* file page 1 at a */
	assert_true(a > 0);
	assert_int_equal(vm_current.v[0].pgoff, 1);
	assert_int_equal(rd(a), (unsigned char)(P * 7 + 1));
	uint64_t pa, pa2;
	unsigned fl;
	assert_true(mmu_pte(a, &pa, &fl));
	assert_true(fl & PG_FILE);
	assert_false(fl & PG_WRITE);
	assert_int_equal(mmu_read(a + P, &(uint8_t){0}), -EIO); /* file page 2: past the end */
	uint64_t free1 = pmm_free_pages();
	wr(a + 1, 0x55);
	assert_int_equal(pmm_free_pages(), free1 - 1);
	assert_true(mmu_pte(a, &pa2, &fl));
	assert_false(fl & PG_FILE);
	assert_true(fl & PG_WRITE);
	assert_true(pa2 != pa);
	assert_int_equal(rd(a), (unsigned char)(P * 7 + 1)); /* the copy kept the rest */
	assert_int_equal(pagecache_mapcount(in, 1), 0);
	char c;
	assert_int_equal(vfs_read(f, &c, 1, P + 1), 1);
	assert_int_equal((unsigned char)c, (unsigned char)((P + 1) * 7 + 1)); /* not visible */
	assert_false(pagecache_dirty(in, 1));
	/* MADV_DONTNEED drops the copy: the file shows through again. */
	assert_int_equal(vm_madvise(a, P, 4), 0);
	assert_int_equal(pmm_free_pages(), free1);
	assert_int_equal(rd(a + 1), (unsigned char)((P + 1) * 7 + 1));
	wr(a + 2, 0x66);
	assert_int_equal(vm_munmap(a, 2 * P), 0);
	assert_int_equal(pmm_free_pages(), free1); /* the copy is freed */
	vfs_fsync(in);
	assert_int_equal(disk_writes, 0);
	vfs_file_put(f);
}

static void t_errors(void **state)
{
	struct file *ro = disk_file(P, O_RDONLY), *wo = disk_file(P, O_WRONLY);
	struct file *dir;
	assert_int_equal(vfs_open(NULL, "/", O_RDONLY | O_DIRECTORY, 0, &dir), 0);
	assert_int_equal(vm_mmap(0, P, PROT_READ, MAP_PRIVATE, ro, 100), -EINVAL);
	assert_int_equal(vm_mmap(0, P, PROT_READ, MAP_PRIVATE, NULL, 0), -EBADF);
	assert_int_equal(vm_mmap(0, P, PROT_READ, MAP_PRIVATE, wo, 0), -EACCES);
	assert_int_equal(vm_mmap(0, P, PROT_READ, MAP_SHARED, wo, 0), -EACCES);
	assert_int_equal(vm_mmap(0, P, RW, MAP_SHARED, ro, 0), -EACCES);
	assert_int_equal(vm_mmap(0, P, RW, MAP_SHARED_VALIDATE, ro, 0), -EACCES);
	assert_int_equal(vm_mmap(0, P, PROT_READ, MAP_SHARED_VALIDATE | 0x80000, ro, 0),
			 -EOPNOTSUPP); /* MAP_SYNC */
	assert_int_equal(vm_mmap(0, P, PROT_READ, MAP_PRIVATE, dir, 0), -ENODEV);
	assert_int_equal(vm_mmap(0, P, PROT_READ, MAP_SHARED | MAP_GROWSDOWN, ro, 0), -EINVAL);
	assert_int_equal(vm_mmap(0, P, PROT_READ, MAP_PRIVATE, ro, 0x7ffffffffffff000L),
			 -EOVERFLOW);
	assert_int_equal(vm_mmap(0, P, PROT_READ, 0, ro, 0), -EINVAL);
	/* Shared read-only: never writable. Private read-only: writable copies are fine. */
	long a = vm_mmap(A, P, PROT_READ, MAP_SHARED_VALIDATE, ro, 0);
	assert_int_equal(a, (long)A);
	assert_int_equal(vm_mprotect(A, P, RW), -EACCES);
	assert_int_equal(mmu_write(A, 1), -EFAULT);
	long b = vm_mmap(A + P, P, PROT_READ, MAP_PRIVATE, ro, 0);
	assert_int_equal(b, (long)(A + P));
	assert_int_equal(vm_mprotect(A + P, P, RW), 0);
	wr(A + P, 9);
	assert_int_equal(rd(A), 1); /* the shared one still sees the file */
	assert_int_equal(vm_munmap(A, 2 * P), 0);
	vfs_file_put(ro);
	vfs_file_put(wo);
	vfs_file_put(dir);
}

static void t_refs_split_merge_move(void **state)
{
	struct file *f = tmp_file("/refs", 8 * P);
	assert_int_equal(vm_mmap(A, 8 * P, RW, MAP_SHARED, f, 0), (long)A);
	assert_int_equal(f->refs, 2);
	assert_int_equal(vm_munmap(A + 2 * P, P), 0); /* split in two */
	assert_int_equal(vm_current.n, 2);
	assert_int_equal(f->refs, 3);
	assert_int_equal(vm_current.v[1].pgoff, 3);
	assert_int_equal(rd(A + 3 * P), 'd');
	/* Mapping the hole again with the right offset merges all three. */
	assert_int_equal(vm_mmap(A + 2 * P, P, RW, MAP_SHARED | MAP_FIXED, f, 2 * P),
			 (long)(A + 2 * P));
	assert_int_equal(vm_current.n, 1);
	assert_int_equal(f->refs, 2);
	/* A wrong offset does not merge. */
	assert_int_equal(vm_mmap(A + 8 * P, P, RW, MAP_SHARED | MAP_FIXED, f, 0),
			 (long)(A + 8 * P));
	assert_int_equal(vm_current.n, 2);
	assert_int_equal(f->refs, 3);
	/* mprotect splits; each piece keeps its reference. */
	assert_int_equal(vm_mprotect(A + P, P, PROT_READ), 0);
	assert_int_equal(vm_current.n, 4);
	assert_int_equal(f->refs, 5);
	assert_int_equal(vm_mprotect(A + P, P, RW), 0);
	assert_int_equal(vm_current.n, 2);
	assert_int_equal(f->refs, 3);
	/* mremap moves the file and its offset along, with the pages. */
	wr(A + 5 * P, 'Z');
	uint64_t pa0, pa1;
	unsigned fl;
	assert_true(mmu_pte(A + 5 * P, &pa0, &fl));
	long m = vm_mremap(A + 4 * P, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, A + 64 * P);
	assert_int_equal(m, (long)(A + 64 * P));
	assert_true(mmu_pte(A + 65 * P, &pa1, &fl));
	assert_int_equal(pa0, pa1);
	assert_true(fl & PG_FILE);
	struct vma *v = vma_lookup(A + 64 * P);
	assert_non_null(v);
	assert_ptr_equal(v->file, f);
	assert_int_equal(v->pgoff, 4);
	assert_int_equal(rd(A + 65 * P), 'Z');
	assert_int_equal(rd(A + 64 * P), 'e');
	assert_int_equal(pagecache_mapcount(f->inode, 5), 1);
	assert_int_equal(f->refs, 5); /* [A,+4P) [A+6P,+2P) [A+8P,+P) [A+64P,+2P) */
	vm_init(MMAP_BASE);
	assert_int_equal(f->refs, 1);
	assert_int_equal(pagecache_mapcount(f->inode, 5), 0);
	char c;
	assert_int_equal(vfs_read(f, &c, 1, 5 * P), 1);
	assert_int_equal(c, 'Z');
	vfs_file_put(f);
}

static void t_truncate_unmaps(void **state)
{
	struct file *f = tmp_file("/trunc", 3 * P);
	long s = vm_mmap(0, 3 * P, RW, MAP_SHARED, f, 0);
	long p = vm_mmap(0, 3 * P, RW, MAP_PRIVATE, f, 0);
	assert_true(s > 0 && p > 0);
	for (int i = 0; i < 3; i++) {
		wr(s + i * P, 'S');
		wr(p + i * P + 1, 'p'); /* private copies */
	}
	assert_int_equal(pagecache_mapcount(f->inode, 2), 1);
	assert_int_equal(vfs_truncate(f->inode, P + 10), 0);
	uint64_t pa;
	unsigned fl;
	assert_true(mmu_pte(s + P, &pa, &fl)); /* the page holding the new end stays */
	assert_false(mmu_pte(s + 2 * P, &pa, &fl));
	assert_false(mmu_pte(p + 2 * P, &pa, &fl));
	uint8_t b;
	assert_int_equal(mmu_read(s + 2 * P, &b), -EIO);
	assert_int_equal(mmu_write(p + 2 * P, 1), -EIO);
	assert_int_equal(rd(s + P + 10), 0); /* zeroed past the new end */
	assert_int_equal(rd(p + 1), 'p');
	vm_init(MMAP_BASE);
	vfs_file_put(f);
}

static void t_pinned_while_mapped(void **state)
{
	struct file *f = disk_file(8 * P, O_RDWR);
	long a = vm_mmap(0, 8 * P, PROT_READ, MAP_SHARED, f, 0);
	assert_true(a > 0);
	assert_int_equal(rd(a + 2 * P), (unsigned char)(2 * P * 7 + 1));
	char buf[16];
	assert_int_equal(vfs_read(f, buf, 16, 5 * P), 16); /* cached, not mapped */
	pagecache_reclaim(1000);
	assert_true(pagecache_cached(f->inode, 2));
	assert_false(pagecache_cached(f->inode, 5));
	assert_int_equal(vm_munmap(a, 8 * P), 0);
	pagecache_reclaim(1000);
	assert_false(pagecache_cached(f->inode, 2));
	vfs_file_put(f);
}

static void t_msync_mincore(void **state)
{
	struct file *f = disk_file(4 * P, O_RDWR);
	long a = vm_mmap(A, 4 * P, RW, MAP_SHARED, f, 0);
	assert_int_equal(a, (long)A);
	assert_int_equal(vm_mmap(A + 5 * P, P, RW, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0),
			 (long)(A + 5 * P));
	assert_int_equal(vm_msync(A, P, 8), -EINVAL);
	assert_int_equal(vm_msync(A + 1, P, MS_SYNC), -EINVAL);
	assert_int_equal(vm_msync(A, P, MS_SYNC | MS_ASYNC), -EINVAL);
	assert_int_equal(vm_msync(A, 0, MS_SYNC), 0);
	assert_int_equal(vm_msync(A - P, 2 * P, MS_SYNC), -ENOMEM); /* hole first */
	assert_int_equal(vm_msync(A - P, 2 * P, MS_ASYNC), -ENOMEM);
	assert_int_equal(vm_msync(A + 6 * P, P, MS_SYNC), -ENOMEM);
	wr(A + 3 * P + 7, 0x77);
	assert_int_equal(disk_writes, 0);
	assert_int_equal(vm_msync(A, 4 * P, MS_ASYNC), 0);
	assert_int_equal(vm_msync(A, 4 * P, MS_INVALIDATE), 0);
	assert_int_equal(vm_msync(A, 6 * P, MS_SYNC), -ENOMEM); /* synced, then the hole */
	assert_int_equal(disk[3 * P + 7], 0x77);
	assert_int_equal(vm_msync(A, 4 * P, MS_SYNC), 0);

	unsigned char vec[6];
	char buf[8];
	assert_int_equal(vfs_read(f, buf, 8, P), 8); /* page 1 cached, not mapped */
	assert_int_equal(vm_mincore(A, 6, vec), 4);
	assert_int_equal(vec[0], 0);
	assert_int_equal(vec[1], 1);
	assert_int_equal(vec[2], 0);
	assert_int_equal(vec[3], 1);
	assert_int_equal(vm_mincore(A + 4 * P, 1, vec), -ENOMEM);
	assert_int_equal(vm_mincore(A + 5 * P, 1, vec), 1);
	assert_int_equal(vec[0], 0);
	wr(A + 5 * P, 1);
	assert_int_equal(vm_mincore(A + 5 * P, 1, vec), 1);
	assert_int_equal(vec[0], 1);
	vm_init(MMAP_BASE);
	vfs_file_put(f);
}

static void t_populate(void **state)
{
	struct file *f = disk_file(2 * P, O_RDWR);
	long a = vm_mmap(0, 3 * P, RW, MAP_SHARED | MAP_POPULATE, f, 0);
	assert_true(a > 0);
	assert_int_equal(pagecache_mapcount(f->inode, 1), 1);
	assert_int_equal(vm_madvise(a, 3 * P, 23), -EFAULT); /* POPULATE_WRITE past the end */
	assert_true(pagecache_dirty(f->inode, 0));
	assert_int_equal(vm_madvise(a, 2 * P, 9), -EOPNOTSUPP); /* REMOVE */
	assert_int_equal(vm_madvise(a, 2 * P, 8), -EINVAL);	/* FREE */
	vm_init(MMAP_BASE);
	vfs_file_put(f);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(t_shared),	      T(t_private_cow),
		T(t_errors),	      T(t_refs_split_merge_move),
		T(t_truncate_unmaps), T(t_pinned_while_mapped),
		T(t_msync_mincore),   T(t_populate),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
