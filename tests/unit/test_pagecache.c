/* test_pagecache.c: the page cache (fs/pagecache.c) over a fake disk-backed file system
 * (readpage/writepage on a host buffer) and tmpfs, in 1 MiB of fake RAM: reads fill from
 * the disk, partial writes read-modify-write, truncate drops pages and zeroes the tail,
 * writeback reaches the disk, and a file four times the size of RAM can be written and
 * read back because clean and written-back pages of the disk file are reclaimed, while
 * tmpfs pages never are. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "fs/file.h"
#include "fs/pagecache.h"
#include "fs/tmpfs.h"
#include "mm/pmm.h"
#include "mm_fakes.h"

#define DISK_SIZE (8u << 20)

static unsigned char *disk;
static unsigned long reads, writes;

static int d_readpage(struct inode *inode, uint64_t index, void *page)
{
	uint64_t off = index * 4096;
	reads++;
	memset(page, 0, 4096);
	if (off < inode->size) {
		uint64_t n = inode->size - off < 4096 ? inode->size - off : 4096;
		memcpy(page, disk + off, n);
	}
	return 0;
}

static int d_writepage(struct inode *inode, uint64_t index, const void *page)
{
	uint64_t off = index * 4096;
	writes++;
	assert_true(off < inode->size); /* never beyond the size */
	assert_true(off + 4096 <= DISK_SIZE);
	memcpy(disk + off, page, 4096);
	return 0;
}

static const struct inode_ops disk_ops = {.readpage = d_readpage, .writepage = d_writepage};
static struct super_block disk_sb = {.block_size = 4096};

static struct inode *disk_file(uint64_t ino, uint64_t size)
{
	bool fresh;
	struct inode *in = vfs_iget(&disk_sb, ino, &fresh);
	assert_non_null(in);
	assert_true(fresh);
	in->mode = S_IFREG | 0644;
	in->nlink = 1;
	in->size = size;
	in->ops = &disk_ops;
	return in;
}

static int setup(void **state)
{
	fake_ram_init(0x100000, 1 << 20);
	disk = calloc(1, DISK_SIZE);
	reads = writes = 0;
	return 0;
}

static int teardown(void **state)
{
	free(disk);
	return 0;
}

static void test_read_write(void **state)
{
	char buf[8192];
	struct inode *in;

	for (unsigned i = 0; i < 3 * 4096; i++)
		disk[i] = (unsigned char)(i * 7);
	in = disk_file(1, 3 * 4096);
	assert_int_equal(pagecache_read(in, buf, 100, 4000), 100);
	assert_int_equal(reads, 2); /* pages 0 and 1 */
	assert_int_equal((unsigned char)buf[0], (unsigned char)(4000 * 7));
	assert_int_equal(pagecache_read(in, buf, 100, 4000), 100);
	assert_int_equal(reads, 2);					   /* cached */
	assert_int_equal(pagecache_read(in, buf, 100, 3 * 4096 - 10), 10); /* stops at size */
	assert_int_equal(pagecache_read(in, buf, 100, 3 * 4096), 0);
	/* A partial write of an uncached page reads it first. */
	pagecache_drop(in, 2); /* clean: nothing lost */
	assert_false(pagecache_cached(in, 2));
	reads = 0;
	assert_int_equal(pagecache_write(in, "XY", 2, 2 * 4096 + 5), 2);
	assert_int_equal(reads, 1);
	assert_int_equal(pagecache_read(in, buf, 8, 2 * 4096 + 3), 8);
	assert_int_equal((unsigned char)buf[0], (unsigned char)((2 * 4096 + 3) * 7));
	assert_memory_equal(buf + 2, "XY", 2);
	assert_int_equal((unsigned char)buf[4], (unsigned char)((2 * 4096 + 7) * 7));
	/* Writing past the end extends; a whole page needs no read. */
	memset(buf, 'w', 4096);
	reads = 0;
	assert_int_equal(pagecache_write(in, buf, 4096, 5 * 4096), 4096);
	assert_int_equal(reads, 0);
	assert_int_equal(in->size, 6 * 4096);
	assert_true(in->dirty);
	assert_int_equal(pagecache_read(in, buf, 4096, 4 * 4096), 4096); /* the hole */
	for (int i = 0; i < 4096; i++)
		assert_int_equal(buf[i], 0);
	/* Writeback reaches the disk. */
	writes = 0;
	assert_int_equal(pagecache_writeback(in), 0);
	assert_true(writes >= 2);
	assert_memory_equal(disk + 2 * 4096 + 5, "XY", 2);
	assert_int_equal(disk[5 * 4096], 'w');
	writes = 0;
	assert_int_equal(pagecache_writeback(in), 0);
	assert_int_equal(writes, 0); /* all clean now */
	/* Truncate: pages past the end go, the tail of the last one is zeroed. */
	pagecache_truncate(in, 2 * 4096 + 6);
	in->size = 2 * 4096 + 6;
	assert_false(pagecache_cached(in, 5));
	in->size = 3 * 4096;
	assert_int_equal(pagecache_read(in, buf, 4, 2 * 4096 + 4), 4);
	assert_int_equal(buf[1], 'X');
	assert_int_equal(buf[2], 0);
	assert_int_equal(buf[3], 0);
	vfs_iput(in);
	assert_int_equal(pagecache_pages(), 0);
}

/* A 4 MiB file through 1 MiB of RAM. */
static void test_bigger_than_ram(void **state)
{
	const size_t total = 4u << 20;
	static unsigned char chunk[65536];
	struct super_block *tsb = tmpfs_create(0755);
	struct inode *tf, *in;
	struct file *f;

	/* A small tmpfs file that must survive the pressure. */
	vfs_mount_root(tsb);
	vfs_namei_init();
	assert_int_equal(vfs_open(NULL, "/keep", O_RDWR | O_CREAT, 0600, &f), 0);
	tf = f->inode;
	assert_int_equal(vfs_write(f, "precious", 8, 0, NULL), 8);

	in = disk_file(2, 0);
	for (size_t off = 0; off < total; off += sizeof(chunk)) {
		for (size_t i = 0; i < sizeof(chunk); i++)
			chunk[i] = (unsigned char)((off + i) / 4096 + i);
		assert_int_equal(pagecache_write(in, chunk, sizeof(chunk), off), sizeof(chunk));
	}
	assert_int_equal(in->size, total);
	assert_true(pagecache_pages() < 256);
	assert_true(writes > 0);
	for (size_t off = 0; off < total; off += sizeof(chunk)) {
		assert_int_equal(pagecache_read(in, chunk, sizeof(chunk), off), sizeof(chunk));
		for (size_t i = 0; i < sizeof(chunk); i += 511)
			assert_int_equal(chunk[i], (unsigned char)((off + i) / 4096 + i));
	}
	assert_int_equal(vfs_read(f, chunk, 64, 0), 8);
	assert_memory_equal(chunk, "precious", 8);
	assert_true(pagecache_cached(tf, 0));
	/* Reclaim on request frees disk pages only. */
	size_t before = pagecache_pages();
	assert_true(pagecache_reclaim(1000) > 0);
	assert_true(pagecache_pages() < before);
	assert_true(pagecache_cached(tf, 0));
	vfs_iput(in);
	vfs_file_put(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_bigger_than_ram),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
