/* test_ext2.c: the block cache and ext2 over images made by the real mke2fs -d from a
 * staged tree: reading back (contents byte for byte, readdir, symlinks, holes, indirect
 * blocks), writing (every namespace operation, truncate, extend), then e2fsck -fn and
 * debugfs from the host side; ENOSPC; corrupted images (each an error and a log line,
 * never a crash: the test runs under ASan/UBSan). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ext2_fakes.h"
#include "ext2_util.h"
#include "fs/bcache.h"
#include "fs/ext2/ext2.h"
#include "fs/vfs.h"

/* ---- reading ---- */

static void read_tree(unsigned bsize)
{
	struct mnt m;
	struct inode *root, *out;

	stage();
	mkimg(bsize, 8192, "");
	assert_int_equal(mnt_open(&m, true), 0);
	assert_true(m.sb->read_only);
	assert_int_equal(m.sb->block_size, bsize);
	check_tree(&m);
	root = m.sb->root;
	assert_int_equal(root->ops->create(root, "x", 1, S_IFREG | 0644, 0, &out), -EROFS);
	assert_int_equal(root->ops->mkdir(root, "x", 1, 0755, &out), -EROFS);
	mnt_close(&m);
	assert_int_equal(fsck(), 0);
}

static void test_read_4k(void **state)
{
	read_tree(4096);
}

static void test_read_1k(void **state)
{
	read_tree(1024); /* big.bin reaches the double-indirect block */
}

/* Readahead returns exactly what page-by-page reads return: across holes (sparse.bin),
 * indirect blocks (big.bin), window sizes and starts, and the EOF tail (hello.txt). */
static void readpages_match(unsigned bsize)
{
	static const char *const files[] = {"big.bin", "sparse.bin", "hello.txt"};
	static const unsigned windows[] = {1, 2, 3, 7, 32};
	struct mnt m;
	struct inode *in;

	stage();
	mkimg(bsize, 8192, "");
	assert_int_equal(mnt_open(&m, true), 0);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		assert_int_equal(walk(&m, files[f], &in), 0);
		uint64_t pages = (in->size + 4095) / 4096 + 1; /* one page past EOF too */
		for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
			unsigned n = windows[w];
			for (uint64_t start = 0; start < pages; start += n + 1) {
				static unsigned char got[32][4096], want[4096];
				void *ptrs[32];
				for (unsigned k = 0; k < n; k++) {
					memset(got[k], 0x5a, sizeof(got[k]));
					ptrs[k] = got[k];
				}
				assert_int_equal(in->ops->readpages(in, start, n, ptrs), 0);
				for (unsigned k = 0; k < n; k++) {
					assert_int_equal(in->ops->readpage(in, start + k, want), 0);
					assert_memory_equal(got[k], want, sizeof(want));
				}
			}
		}
		vfs_iput(in);
	}
	mnt_close(&m);
}

static void test_readpages_4k(void **state)
{
	readpages_match(4096);
}

static void test_readpages_1k(void **state)
{
	readpages_match(1024);
}

/* ---- writing ---- */

/* The write sequence on an image made with opts (NULL: the pinned options). With other
 * options, hello.txt carries an extended attribute too big for the inode: its block
 * must be released when the file goes. */
#define FAR ((70ull << 20) + 5) /* past 64 MiB: triple indirect with 1 KiB blocks */

static void write_ops(unsigned bsize, size_t large, const char *opts)
{
	unsigned char *data = malloc(large), *zeros;
	struct listing l;
	struct mnt m;
	struct inode *in;
	char name[128];
	size_t i;

	for (i = 0; i < large; i++)
		data[i] = pattern(i * 3);
	stage();
	if (opts)
		assert_int_equal(sh("/usr/bin/python3 -c \"import os; os.setxattr('%s/hello.txt', "
				    "'user.big', b'v' * 1500)\"",
				    tree),
				 0);
	mkfs_opts = opts ? opts : MKE2FS_OPTS;
	mkimg(bsize, 16384, "");
	mkfs_opts = MKE2FS_OPTS;
	assert_int_equal(mnt_open(&m, false), 0);
	assert_false(m.sb->read_only);

	/* New files: small, and large across the indirect boundaries. */
	in = create(&m, "new.txt", S_IFREG | 0644);
	assert_int_equal(file_write(in, 0, "fresh data\n", 11), 0);
	vfs_iput(in);
	in = create(&m, "large.bin", S_IFREG | 0600);
	assert_int_equal(file_write(in, 0, data, large), 0);
	vfs_iput(in);
	expect_content(&m, "large.bin", data, large);
	in = create(&m, "holey.bin", S_IFREG | 0600);
	assert_int_equal(file_write(in, 3 * 1024 * 1024, "end", 3), 0);
	vfs_iput(in);

	/* Directories and the namespace. */
	assert_int_equal(do_op(&m, "mkdir", "d1", NULL), 0);
	assert_int_equal(do_op(&m, "mkdir", "d1/d2", NULL), 0);
	assert_int_equal(do_op(&m, "mkdir", "d1", NULL), -EEXIST);
	in = create(&m, "d1/d2/f", S_IFREG | 0644);
	assert_int_equal(file_write(in, 0, "in d2\n", 6), 0);
	vfs_iput(in);
	assert_int_equal(do_op(&m, "rename", "new.txt", "d1/renamed.txt"), 0);
	assert_int_equal(walk(&m, "new.txt", &in), -ENOENT);
	assert_int_equal(do_op(&m, "rename", "d1/d2", "moved"), 0); /* directory move */
	expect_content(&m, "moved/f", "in d2\n", 6);
	assert_int_equal(do_op(&m, "rename", "a/b/c/deep.txt", "hello.txt"), 0); /* replaces */
	expect_content(&m, "hello.txt", "deep\n", 5);
	assert_int_equal(do_op(&m, "rmdir", "a", NULL), -ENOTEMPTY);
	assert_int_equal(do_op(&m, "rename", "empty", "a/b"), -ENOTEMPTY);
	assert_int_equal(do_op(&m, "rename", "a/b/c", "empty"), 0); /* over an empty dir */
	{ /* exchange a directory and a file in different directories */
		struct inode *o = m.sb->root, *n;

		assert_int_equal(walk(&m, "d1", &n), 0);
		assert_int_equal(
			o->ops->rename(o, "empty", 5, n, "renamed.txt", 11, RENAME_EXCHANGE), 0);
		assert_int_equal(
			o->ops->rename(o, "empty", 5, n, "renamed.txt", 11, RENAME_EXCHANGE), 0);
		assert_int_equal(
			o->ops->rename(o, "nothere", 7, n, "renamed.txt", 11, RENAME_EXCHANGE),
			-ENOENT);
		vfs_iput(n);
	}
	assert_int_equal(do_op(&m, "rename", "d1/renamed.txt", "swap1"), 0);
	assert_int_equal(do_op(&m, "mkdir", "d1/swap2", NULL), 0);
	{ /* and leave them swapped: the file in d1, the directory at the top */
		struct inode *o = m.sb->root, *n;

		assert_int_equal(walk(&m, "d1", &n), 0);
		assert_int_equal(o->ops->rename(o, "swap1", 5, n, "swap2", 5, RENAME_EXCHANGE), 0);
		vfs_iput(n);
	}
	assert_int_equal(do_op(&m, "rename", "d1/swap2", "d1/renamed.txt"), 0);
	assert_int_equal(do_op(&m, "rmdir", "swap1", NULL), 0);
	assert_int_equal(do_op(&m, "rmdir", "empty", NULL), 0);
	assert_int_equal(do_op(&m, "rmdir", "a/b", NULL), 0);
	assert_int_equal(do_op(&m, "unlink", "a", NULL), -EISDIR);
	assert_int_equal(do_op(&m, "rmdir", "hello.txt", NULL), -ENOTDIR);
	assert_int_equal(do_op(&m, "symlink", "s1", "moved/f"), 0);
	assert_int_equal(do_op(&m, "symlink", "s2", LONG_TARGET LONG_TARGET), 0);
	assert_int_equal(do_op(&m, "link", "d1/hard", "hello.txt"), 0);
	assert_int_equal(do_op(&m, "unlink", "hello.txt", NULL), 0);
	expect_content(&m, "d1/hard", "deep\n", 5);
	assert_int_equal(do_op(&m, "unlink", "link", NULL), 0);
	assert_int_equal(do_op(&m, "unlink", "longlink", NULL), 0);

	/* Many entries: the directory grows by blocks; then holes in it. */
	assert_int_equal(do_op(&m, "mkdir", "many", NULL), 0);
	for (i = 0; i < 150; i++) {
		snprintf(name, sizeof(name), "many/file-with-a-longish-name-%03zu", i);
		vfs_iput(create(&m, name, S_IFREG | 0644));
	}
	for (i = 0; i < 150; i += 2) {
		snprintf(name, sizeof(name), "many/file-with-a-longish-name-%03zu", i);
		assert_int_equal(do_op(&m, "unlink", name, NULL), 0);
	}
	vfs_iput(create(&m, "many/after", S_IFREG | 0644));

	/* Truncate and extend. */
	assert_int_equal(walk(&m, "big.bin", &in), 0);
	assert_int_equal(truncate_to(in, 20000), 0);
	assert_int_equal(truncate_to(in, 30000), 0); /* the tail reads as zeros */
	vfs_iput(in);
	assert_int_equal(walk(&m, "sparse.bin", &in), 0);
	assert_int_equal(truncate_to(in, 3 * 1024 * 1024), 0);
	vfs_iput(in);
	assert_int_equal(walk(&m, "large.bin", &in), 0);
	assert_int_equal(truncate_to(in, large / 2 + 5), 0);
	vfs_iput(in);
	/* Far out: the triple-indirect map with 1 KiB blocks; then partly cut back. */
	in = create(&m, "far.bin", S_IFREG | 0600);
	assert_int_equal(file_write(in, FAR, "far", 3), 0);
	assert_int_equal(file_write(in, FAR + (8 << 20), "farther", 7), 0);
	assert_int_equal(truncate_to(in, FAR + (1 << 20)), 0);
	{
		unsigned char page[4096];

		assert_int_equal(in->ops->readpage(in, FAR / 4096, page), 0);
		assert_memory_equal(page + FAR % 4096, "far", 3);
		assert_int_equal(in->ops->readpage(in, FAR / 4096 + 1, page), 0);
		assert_int_equal(page[0], 0);
	}
	vfs_iput(in);
	mnt_close(&m);
	assert_true(fake_flushes > 0);

	assert_int_equal(fsck(), 0);
	expect_host_content("/d1/renamed.txt", "fresh data\n", 11);
	expect_host_content("/d1/hard", "deep\n", 5);
	expect_host_content("/large.bin", data, large / 2 + 5);
	expect_host_content("/moved/f", "in d2\n", 6);
	zeros = calloc(1, 3 * 1024 * 1024 + 3);
	memcpy(zeros + 3 * 1024 * 1024, "end", 3);
	expect_host_content("/holey.bin", zeros, 3 * 1024 * 1024 + 3);
	memset(zeros, 0, 30000);
	for (i = 0; i < 20000; i++)
		zeros[i] = pattern(i);
	expect_host_content("/big.bin", zeros, 30000);
	free(zeros);

	/* Mount again: our own view agrees. */
	assert_int_equal(mnt_open(&m, false), 0);
	expect_content(&m, "d1/renamed.txt", "fresh data\n", 11);
	assert_int_equal(walk(&m, "s2", &in), 0);
	assert_int_equal(in->size, 2 * strlen(LONG_TARGET));
	vfs_iput(in);
	assert_int_equal(list(&m, "many", &l), 0);
	assert_int_equal(l.n, 64); /* stopped at 64 by the collector: more are there */
	assert_int_equal(list(&m, "/", &l), 0);
	assert_int_equal(type_of(&l, "moved"), DT_DIR);
	assert_int_equal(type_of(&l, "empty"), 999);
	/* Remove everything we made; e2fsck is still clean. */
	assert_int_equal(do_op(&m, "unlink", "large.bin", NULL), 0);
	assert_int_equal(do_op(&m, "unlink", "moved/f", NULL), 0);
	assert_int_equal(do_op(&m, "rmdir", "moved", NULL), 0);
	mnt_close(&m);
	assert_int_equal(fsck(), 0);
	free(data);
}

static void test_write_4k(void **state)
{
	write_ops(4096, (4 << 20) + (512 << 10), NULL); /* into the double-indirect range */
}

static void test_write_2k(void **state)
{
	write_ops(2048, (700 << 10) + 1, NULL);
}

/* mke2fs's own ext2 defaults: resize_inode, dir_index, ext_attr. */
static void test_write_defaults(void **state)
{
	write_ops(4096, 100000, "-q -F -t ext2");
}

static int stop_after_3(struct dir_emit *ctx, const char *name, size_t len, uint64_t ino,
			unsigned dtype, uint64_t next)
{
	struct listing *l = (struct listing *)ctx;

	if (l->n == 3)
		return 1;
	memcpy(l->names[l->n], name, len);
	l->names[l->n++][len] = 0;
	return 0;
}

/* readdir stopped by emit resumes at the entry it refused; no entry twice or missed. */
static void test_readdir_resume(void **state)
{
	struct listing whole, part, all;
	struct mnt m;
	uint64_t pos = 0;
	int i, j, rounds = 0;

	stage();
	mkimg(1024, 4096, "");
	assert_int_equal(mnt_open(&m, true), 0);
	assert_int_equal(list(&m, "/", &whole), 0);
	memset(&all, 0, sizeof(all));
	do {
		memset(&part, 0, sizeof(part));
		part.emit.emit = stop_after_3;
		assert_int_equal(m.sb->root->ops->readdir(m.sb->root, &pos, &part.emit), 0);
		for (i = 0; i < part.n; i++)
			strcpy(all.names[all.n++], part.names[i]);
	} while (part.n == 3 && ++rounds < 20);
	assert_int_equal(all.n, whole.n);
	for (i = 0; i < whole.n; i++)
		for (j = 0; j < whole.n; j++)
			if (j != i)
				assert_string_not_equal(all.names[i], all.names[j]);
	mnt_close(&m);
}

static void test_write_1k(void **state)
{
	write_ops(1024, (1 << 20) + 333, NULL);
}

static void test_enospc(void **state)
{
	unsigned char chunk[4096];
	struct mnt m;
	struct inode *in;
	char name[64];
	uint64_t off = 0;
	int err = 0, i;

	memset(chunk, 0x5a, sizeof(chunk));
	assert_int_equal(sh("rm -rf %s && mkdir -p %s", tree, tree), 0);
	mkimg(1024, 512, "-N 64");
	assert_int_equal(mnt_open(&m, false), 0);
	in = create(&m, "fill", S_IFREG | 0644);
	while (off < (1 << 20) && !(err = file_write(in, off, chunk, sizeof(chunk))))
		off += sizeof(chunk);
	assert_int_equal(err, -ENOSPC);
	/* The VFS keeps the size it grew to (the page cache writes back later). */
	vfs_iput(in);
	for (i = 0; i < 100 && !err; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		err = m.sb->root->ops->create(m.sb->root, name, strlen(name), S_IFREG | 0644, 0,
					      &in);
		if (!err)
			vfs_iput(in);
	}
	assert_true(err == -ENOSPC);
	mnt_close(&m);
	assert_int_equal(fsck(), 0);

	/* Freeing space makes room again. */
	assert_int_equal(mnt_open(&m, false), 0);
	assert_int_equal(do_op(&m, "unlink", "fill", NULL), 0);
	assert_int_equal(do_op(&m, "mkdir", "again", NULL), 0);
	mnt_close(&m);
	assert_int_equal(fsck(), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_read_4k),	       cmocka_unit_test(test_read_1k),
	cmocka_unit_test(test_readpages_4k),   cmocka_unit_test(test_readpages_1k),
	cmocka_unit_test(test_write_4k),       cmocka_unit_test(test_write_1k),
	cmocka_unit_test(test_enospc),	       cmocka_unit_test(test_write_2k),
	cmocka_unit_test(test_write_defaults), cmocka_unit_test(test_readdir_resume),
};

int main(void)
{
	return cmocka_run_group_tests(tests, setup, teardown);
}
