/* test_ext2_bad.c: ext2 over damaged or foreign images: a bad superblock, group
 * descriptors, block numbers, directory entries, loops, unsupported features. Each must
 * give an error and a log line, never a crash or a hang (ASan/UBSan build). */
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

/* ---- corrupted images ---- */

static void expect_mount_fails(int err, const char *log_part)
{
	struct mnt m;

	assert_int_equal(mnt_open(&m, false), err);
	assert_null(m.sb);
	if (!strstr(fake_log, log_part))
		fprintf(stderr, "log was: %s\n", fake_log);
	assert_non_null(strstr(fake_log, log_part));
	mnt_close(&m);
}

static void small_image(void)
{
	stage();
	mkimg(4096, 4096, "");
}

static void test_bad_super(void **state)
{
	uint16_t zero = 0;
	uint32_t v = 20;

	small_image();
	poke(1024 + 56, &zero, 2);
	expect_mount_fails(-EINVAL, "magic");
	small_image();
	poke(1024 + 24, &v, 4);
	expect_mount_fails(-EINVAL, "block size");
	small_image();
	v = 0xfffffff0u;
	poke(1024 + 4, &v, 4); /* blocks count */
	expect_mount_fails(-EINVAL, "blocks count");
	small_image();
	v = 0;
	poke(1024 + 32, &v, 4); /* blocks per group */
	expect_mount_fails(-EINVAL, "blocks per group");
	small_image();
	v = 7;
	poke(1024 + 88, &v, 2); /* inode size */
	expect_mount_fails(-EINVAL, "inode size");
}

static void test_bad_group(void **state)
{
	small_image();
	assert_int_equal(
		sh("debugfs -w -R 'set_bg 0 inode_table 99999999' %s >/dev/null 2>&1", img), 0);
	expect_mount_fails(-EIO, "inode table");
	small_image();
	assert_int_equal(sh("debugfs -w -R 'set_bg 0 block_bitmap 0' %s >/dev/null 2>&1", img), 0);
	expect_mount_fails(-EIO, "block bitmap");
}

static void test_features(void **state)
{
	struct mnt m;

	stage();
	assert_int_equal(sh("rm -f %s && mke2fs -q -F -t ext4 -d %s %s 8192 >/dev/null 2>&1", img,
			    tree, img),
			 0);
	expect_mount_fails(-EINVAL, "extent");
	/* ext4 features without extents: readable, but mounted read-only. */
	assert_int_equal(
		sh("rm -f %s && mke2fs -q -F -t ext4 -O ^extent,^64bit,^has_journal,^flex_bg "
		   "-d %s %s 8192 >/dev/null 2>&1",
		   img, tree, img),
		0);
	assert_int_equal(mnt_open(&m, false), 0);
	assert_true(m.sb->read_only);
	assert_non_null(strstr(fake_log, "metadata_csum"));
	check_tree(&m);
	mnt_close(&m);
}

static void test_bad_inode_blocks(void **state)
{
	unsigned char *buf = malloc(BIG_SIZE + 4096);
	struct mnt m;
	struct inode *in;

	small_image();
	assert_int_equal(
		sh("debugfs -w -R 'sif /big.bin block[2] 99999999' %s >/dev/null 2>&1", img), 0);
	assert_int_equal(
		sh("debugfs -w -R 'sif /sparse.bin block[IND] 4000000000' %s >/dev/null 2>&1", img),
		0);
	assert_int_equal(mnt_open(&m, false), 0);
	assert_int_equal(walk(&m, "big.bin", &in), 0);
	assert_int_equal(read_all(in, buf, BIG_SIZE + 4096), -EIO);
	assert_non_null(strstr(fake_log, "outside the file system"));
	vfs_iput(in);
	assert_int_equal(walk(&m, "sparse.bin", &in), 0);
	assert_int_equal(truncate_to(in, 0), -EIO); /* freeing refuses the bad block */
	in->nlink = 1;
	vfs_iput(in);
	mnt_close(&m);

	small_image(); /* a directory claiming more bytes than it has blocks */
	assert_int_equal(sh("debugfs -w -R 'sif /a size 0x7ffff000' %s >/dev/null 2>&1", img), 0);
	assert_int_equal(mnt_open(&m, false), 0);
	assert_int_equal(walk(&m, "a", &in), -EIO);
	mnt_close(&m);
	free(buf);
}

/* Byte offset of the first block of directory path. */
static uint64_t dir_block_off(const char *path)
{
	char req[128];
	long blk;

	snprintf(req, sizeof(req), "bmap %s 0", path);
	blk = debugfs_num(req);
	assert_true(blk > 0);
	return (uint64_t)blk * 4096;
}

static void test_bad_dirents(void **state)
{
	struct listing l;
	struct mnt m;
	struct inode *in;
	uint16_t v;
	uint32_t ino;

	small_image();
	v = 0;
	poke(dir_block_off("/a") + 12 + 4, &v, 2); /* ".." rec_len 0 */
	assert_int_equal(mnt_open(&m, false), 0);
	assert_int_equal(walk(&m, "a/b", &in), -EIO);
	assert_int_equal(list(&m, "a", &l), -EIO);
	assert_non_null(strstr(fake_log, "bad rec_len"));
	assert_int_equal(do_op(&m, "mkdir", "a/x", NULL), -EIO);
	mnt_close(&m);

	small_image();
	v = 8000;
	poke(dir_block_off("/a") + 4, &v, 2); /* "." rec_len past the block */
	assert_int_equal(mnt_open(&m, false), 0);
	assert_int_equal(walk(&m, "a/b", &in), -EIO);
	assert_non_null(strstr(fake_log, "past the block"));
	mnt_close(&m);

	small_image(); /* a directory containing itself */
	assert_int_equal(sh("debugfs -w -R 'ln /a /a/self' %s >/dev/null 2>&1", img), 0);
	assert_int_equal(mnt_open(&m, false), 0);
	assert_int_equal(walk(&m, "a/self", &in), -EIO);
	assert_non_null(strstr(fake_log, "contains itself"));
	mnt_close(&m);

	small_image(); /* a/b's ".." names a/b itself: no loop anywhere, a move still works */
	assert_int_equal(mnt_open(&m, true), 0);
	assert_int_equal(walk(&m, "a/b", &in), 0);
	ino = (uint32_t)in->ino;
	vfs_iput(in);
	mnt_close(&m);
	poke(dir_block_off("/a/b") + 12, &ino, 4);
	assert_int_equal(mnt_open(&m, false), 0);
	assert_int_equal(list(&m, "a/b", &l), 0);
	assert_int_equal(do_op(&m, "rename", "a/b", "empty/b"), 0);
	expect_content(&m, "empty/b/c/deep.txt", "deep\n", 5);
	mnt_close(&m);
}

/* ---- random damage ---- */

struct names {
	struct dir_emit emit;
	char name[32][VFS_NAME_MAX + 1];
	size_t len[32];
	int n;
};

static int take_name(struct dir_emit *ctx, const char *name, size_t len, uint64_t ino,
		     unsigned dtype, uint64_t next)
{
	struct names *l = (struct names *)ctx;

	if (l->n == 32)
		return 1;
	memcpy(l->name[l->n], name, len);
	l->len[l->n++] = len;
	return 0;
}

/* Visit everything reachable from in (bounded), ignoring errors: only crashes count. */
static void explore(struct inode *in, int depth, int *budget)
{
	static unsigned char page[4096];
	struct names *l;
	struct inode *child;
	uint64_t pos = 0, idx;
	char target[4096];
	int i;

	if (--*budget < 0)
		return;
	if (S_ISTYPE(in->mode, S_IFREG)) {
		for (idx = 0; idx < 8 && idx * 4096 < in->size; idx++)
			in->ops->readpage(in, idx, page);
	} else if (S_ISTYPE(in->mode, S_IFLNK)) {
		in->ops->readlink(in, target, sizeof(target));
	} else if (S_ISTYPE(in->mode, S_IFDIR) && depth < 6) {
		l = calloc(1, sizeof(*l));
		l->emit.emit = take_name;
		in->ops->readdir(in, &pos, &l->emit);
		for (i = 0; i < l->n; i++) {
			if ((l->len[i] == 1 && l->name[i][0] == '.') ||
			    (l->len[i] == 2 && !memcmp(l->name[i], "..", 2)))
				continue;
			if (in->ops->lookup(in, l->name[i], l->len[i], &child) == 0) {
				explore(child, depth + 1, budget);
				vfs_iput(child);
			}
		}
		free(l);
	}
}

/* Changes on a damaged file system, errors ignored. */
static void scribble(struct inode *root)
{
	static unsigned char data[20000];
	struct inode *in = NULL, *d = NULL;
	struct iattr a = {.valid = ATTR_SIZE, .size = 100};

	if (root->ops->create(root, "fz", 2, S_IFREG | 0644, 0, &in) == 0) {
		file_write(in, 0, data, sizeof(data));
		vfs_iput(in);
	}
	if (root->ops->mkdir(root, "fzd", 3, 0755, &d) == 0) {
		root->ops->rename(root, "hello.txt", 9, d, "h", 1, 0);
		root->ops->rename(root, "a", 1, d, "a", 1, 0);
		vfs_iput(d);
	}
	if (root->ops->lookup(root, "big.bin", 7, &in) == 0) {
		if (S_ISTYPE(in->mode, S_IFREG))
			in->ops->setattr(in, &a);
		vfs_iput(in);
	}
	root->ops->unlink(root, "sparse.bin", 10);
	root->ops->rmdir(root, "empty", 5);
	root->ops->symlink(root, "fzl", 3, LONG_TARGET, &in);
	vfs_iput(in);
}

static void test_fuzz(void **state)
{
	unsigned char *pristine, *copy;
	unsigned seed = 12345, iter, k, mounted = 0;
	int budget, fd;
	long size;
	struct mnt m;

	stage();
	mkimg(1024, 2048, "-N 64"); /* a small inode table: damage reaches dirs and maps */
	fd = open(img, O_RDONLY);
	size = lseek(fd, 0, SEEK_END);
	pristine = malloc((size_t)size);
	copy = malloc((size_t)size);
	assert_int_equal(pread(fd, pristine, (size_t)size, 0), size);
	close(fd);
	for (iter = 0; iter < 400; iter++) {
		memcpy(copy, pristine, (size_t)size);
		for (k = 0; k < 1 + iter % 16; k++) {
			uint32_t off = k % 2 ? 1024 + (uint32_t)rand_r(&seed) % (48 * 1024)
					     : (uint32_t)rand_r(&seed) % (uint32_t)size;

			copy[off] =
				iter % 3 ? (unsigned char)rand_r(&seed)
					 : copy[off] ^ (unsigned char)(1u << (rand_r(&seed) % 8));
		}
		fd = open(img, O_WRONLY);
		assert_int_equal(pwrite(fd, copy, (size_t)size, 0), size);
		close(fd);
		if (mnt_open(&m, false) == 0) {
			mounted++;
			budget = 300;
			explore(m.sb->root, 0, &budget);
			scribble(m.sb->root);
			m.sb->ops->sync(m.sb);
			vfs_iput(m.sb->root);
			assert_int_equal(fake_live_inodes, 0);
			ext2_unmount(m.sb);
		}
		bcache_release(&m.dev);
		close(m.fd);
	}
	assert_true(mounted > 100); /* most damage is past the superblock */
	free(pristine);
	free(copy);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_bad_super),   cmocka_unit_test(test_bad_group),
	cmocka_unit_test(test_features),    cmocka_unit_test(test_bad_inode_blocks),
	cmocka_unit_test(test_bad_dirents), cmocka_unit_test(test_fuzz),
};

int main(void)
{
	return cmocka_run_group_tests(tests, setup, teardown);
}
