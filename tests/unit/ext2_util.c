/* ext2_util.c: helpers shared by the ext2 unit tests (ext2_util.h): staging a tree and
 * making images with the real e2fsprogs, mounting over the fake block device, and doing
 * what the VFS does around the file system (path walks, page-sized reads and writes). */
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

char dir[64];
char tree[128];
char img[128];
const char *mkfs_opts = MKE2FS_OPTS;

/* ---- host side helpers ---- */

int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 4096 + 3);
}

void put_file(const char *rel, const void *data, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

void stage(void)
{
	unsigned char *big = malloc(BIG_SIZE);
	char path[256];
	size_t i;
	int fd;

	assert_int_equal(sh("rm -rf %s && mkdir -p %s/a/b/c %s/empty", tree, tree, tree), 0);
	put_file("hello.txt", "hello, ext2\n", 12);
	put_file("a/b/c/deep.txt", "deep\n", 5);
	for (i = 0; i < BIG_SIZE; i++)
		big[i] = pattern(i);
	put_file("big.bin", big, BIG_SIZE);
	free(big);
	snprintf(path, sizeof(path), "%s/sparse.bin", tree);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "SPARSE", 6, SPARSE_AT), 6);
	assert_int_equal(ftruncate(fd, SPARSE_SIZE), 0);
	close(fd);
	assert_int_equal(
		sh("ln -s hello.txt %s/link && ln -s %s %s/longlink", tree, LONG_TARGET, tree), 0);
}

void mkimg(unsigned bsize, unsigned kib, const char *extra)
{
	assert_int_equal(sh("rm -f %s && mke2fs %s -b %u %s -d %s %s %u >/dev/null 2>&1", img,
			    mkfs_opts, bsize, extra, tree, img, kib),
			 0);
}

int fsck(void)
{
	int r = sh("e2fsck -fn %s > %s/fsck.log 2>&1", img, dir);

	if (r)
		sh("cat %s/fsck.log", dir);
	return r;
}

/* debugfs -R 'cat path': the content, malloc'd, length in *len. */
unsigned char *debugfs_cat(const char *path, size_t *len)
{
	char cmd[512];
	unsigned char *buf = malloc(8 << 20);
	FILE *p;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'cat %s' %s 2>/dev/null", path, img);
	p = popen(cmd, "r");
	assert_non_null(p);
	*len = fread(buf, 1, 8 << 20, p);
	pclose(p);
	return buf;
}

/* Number printed by debugfs for a command (e.g. bmap), or -1. */
long debugfs_num(const char *req)
{
	char cmd[512], out[64] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "debugfs -R '%s' %s 2>/dev/null", req, img);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(out, sizeof(out), p))
		out[0] = 0;
	pclose(p);
	return out[0] ? strtol(out, NULL, 0) : -1;
}

void poke(uint64_t off, const void *data, size_t n)
{
	int fd = open(img, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, n, (off_t)off), (ssize_t)n);
	close(fd);
}

/* ---- mounting and the VFS's side ---- */

int mnt_open(struct mnt *m, bool ro)
{
	off_t size;

	fake_log[0] = 0;
	m->fd = open(img, ro ? O_RDONLY : O_RDWR);
	assert_true(m->fd >= 0);
	size = lseek(m->fd, 0, SEEK_END);
	assert_true(size > 0);
	memset(&m->dev, 0, sizeof(m->dev));
	strcpy(m->dev.name, "vda");
	m->dev.sectors = (uint64_t)size / BLK_SECTOR_SIZE;
	m->dev.read_only = ro;
	m->dev.flush = true;
	m->dev.priv = &m->fd;
	m->sb = NULL;
	return ext2_mount(&m->dev, ro, &m->sb);
}

void mnt_close(struct mnt *m)
{
	if (m->sb) {
		assert_int_equal(m->sb->ops->sync(m->sb), 0);
		vfs_iput(m->sb->root);
		assert_int_equal(fake_live_inodes, 0);
		ext2_unmount(m->sb);
	}
	assert_int_equal(bcache_release(&m->dev), 0);
	close(m->fd);
}

int walk(struct mnt *m, const char *path, struct inode **out)
{
	struct inode *cur = vfs_igrab(m->sb->root), *next;
	const char *p = path, *e;
	int err;

	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		if (!cur->ops->lookup) {
			vfs_iput(cur);
			return -ENOTDIR;
		}
		err = cur->ops->lookup(cur, p, (size_t)(e - p), &next);
		vfs_iput(cur);
		if (err)
			return err;
		cur = next;
		p = e;
	}
	*out = cur;
	return 0;
}

/* Split path into its parent directory (held in *dirp) and last name. */
const char *parent(struct mnt *m, const char *path, struct inode **dirp)
{
	static char buf[256];
	char *slash;

	strcpy(buf, path);
	slash = strrchr(buf, '/');
	if (!slash) {
		*dirp = vfs_igrab(m->sb->root);
		return path;
	}
	*slash = 0;
	assert_int_equal(walk(m, buf, dirp), 0);
	return path + (slash - buf) + 1;
}

long read_all(struct inode *in, unsigned char *buf, size_t cap)
{
	uint64_t idx;
	int err;

	if (in->size > cap)
		return -EFBIG;
	for (idx = 0; idx * 4096 < in->size; idx++) {
		unsigned char page[4096];
		size_t n = in->size - idx * 4096 < 4096 ? in->size - idx * 4096 : 4096;

		err = in->ops->readpage(in, idx, page);
		if (err)
			return err;
		memcpy(buf + idx * 4096, page, n);
	}
	return (long)in->size;
}

/* What the VFS's write does: grow the size, then read-modify-write whole pages. */
int file_write(struct inode *in, uint64_t off, const void *data, size_t n)
{
	uint64_t end = off + n, idx;
	unsigned char page[4096];
	int err;

	if (end > in->size)
		in->size = end;
	for (idx = off / 4096; idx * 4096 < end; idx++) {
		uint64_t ps = idx * 4096, from = off > ps ? off - ps : 0;
		uint64_t to = end - ps < 4096 ? end - ps : 4096;

		err = in->ops->readpage(in, idx, page);
		if (err)
			return err;
		memcpy(page + from, (const char *)data + (ps + from - off), to - from);
		err = in->ops->writepage(in, idx, page);
		if (err)
			return err;
	}
	in->mtime = vfs_now();
	vfs_mark_dirty(in);
	return 0;
}

int truncate_to(struct inode *in, uint64_t size)
{
	struct iattr a = {.valid = ATTR_SIZE, .size = size};

	return in->ops->setattr(in, &a);
}

void expect_content(struct mnt *m, const char *path, const void *want, size_t n)
{
	unsigned char *buf = malloc(n + 4096);
	struct inode *in;

	assert_int_equal(walk(m, path, &in), 0);
	assert_int_equal(in->size, n);
	assert_int_equal(read_all(in, buf, n + 4096), (long)n);
	assert_memory_equal(buf, want, n);
	vfs_iput(in);
	free(buf);
}

void expect_host_content(const char *path, const void *want, size_t n)
{
	size_t len;
	unsigned char *got = debugfs_cat(path, &len);

	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
	free(got);
}

static int collect(struct dir_emit *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
		   uint64_t next)
{
	struct listing *l = (struct listing *)ctx;

	if (l->n == 64)
		return 1;
	memcpy(l->names[l->n], name, len < 63 ? len : 63);
	l->names[l->n][len < 63 ? len : 63] = 0;
	l->types[l->n++] = dtype;
	return 0;
}

int list(struct mnt *m, const char *path, struct listing *l)
{
	struct inode *d;
	uint64_t pos = 0;
	int err;

	memset(l, 0, sizeof(*l));
	l->emit.emit = collect;
	err = walk(m, path, &d);
	if (err)
		return err;
	err = d->ops->readdir(d, &pos, &l->emit);
	vfs_iput(d);
	return err;
}

unsigned type_of(struct listing *l, const char *name)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return l->types[i];
	return 999;
}

/* ---- setup ---- */

int setup(void **state)
{
	strcpy(dir, "/tmp/isle-ext2-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(tree, sizeof(tree), "%s/tree", dir);
	snprintf(img, sizeof(img), "%s/img", dir);
	return 0;
}

int teardown(void **state)
{
	if (!getenv("EXT2_TEST_KEEP"))
		sh("rm -rf %s", dir);
	return 0;
}

void check_tree(struct mnt *m)
{
	unsigned char *big = malloc(BIG_SIZE), *sparse = calloc(1, SPARSE_SIZE);
	struct listing l;
	struct inode *in;
	char target[256];
	size_t i;

	expect_content(m, "hello.txt", "hello, ext2\n", 12);
	expect_content(m, "/a/b/c/deep.txt", "deep\n", 5);
	for (i = 0; i < BIG_SIZE; i++)
		big[i] = pattern(i);
	expect_content(m, "big.bin", big, BIG_SIZE);
	memcpy(sparse + SPARSE_AT, "SPARSE", 6);
	expect_content(m, "sparse.bin", sparse, SPARSE_SIZE);
	free(big);
	free(sparse);

	assert_int_equal(walk(m, "link", &in), 0);
	assert_true(S_ISTYPE(in->mode, S_IFLNK));
	assert_int_equal(in->ops->readlink(in, target, sizeof(target)), 9);
	assert_memory_equal(target, "hello.txt", 9);
	vfs_iput(in);
	assert_int_equal(walk(m, "longlink", &in), 0);
	assert_int_equal(in->ops->readlink(in, target, sizeof(target)), strlen(LONG_TARGET));
	assert_memory_equal(target, LONG_TARGET, strlen(LONG_TARGET));
	vfs_iput(in);

	assert_int_equal(walk(m, "nope", &in), -ENOENT);
	assert_int_equal(walk(m, "hello.txt/x", &in), -ENOTDIR);

	assert_int_equal(list(m, "/", &l), 0);
	assert_int_equal(l.n, 10);
	assert_int_equal(type_of(&l, "."), DT_DIR);
	assert_int_equal(type_of(&l, ".."), DT_DIR);
	assert_int_equal(type_of(&l, "lost+found"), DT_DIR);
	assert_int_equal(type_of(&l, "hello.txt"), DT_REG);
	assert_int_equal(type_of(&l, "a"), DT_DIR);
	assert_int_equal(type_of(&l, "empty"), DT_DIR);
	assert_int_equal(type_of(&l, "big.bin"), DT_REG);
	assert_int_equal(type_of(&l, "sparse.bin"), DT_REG);
	assert_int_equal(type_of(&l, "link"), DT_LNK);
	assert_int_equal(type_of(&l, "longlink"), DT_LNK);
	assert_int_equal(list(m, "a/b/c", &l), 0);
	assert_int_equal(l.n, 3);
}

struct inode *create(struct mnt *m, const char *path, uint32_t mode)
{
	struct inode *d, *in;
	const char *name = parent(m, path, &d);

	assert_int_equal(d->ops->create(d, name, strlen(name), mode, 0, &in), 0);
	vfs_iput(d);
	return in;
}

int do_op(struct mnt *m, const char *op, const char *path, const char *arg)
{
	struct inode *d, *in = NULL, *t;
	const char *name = parent(m, path, &d);
	size_t len = strlen(name);
	int err;

	if (!strcmp(op, "mkdir"))
		err = d->ops->mkdir(d, name, len, 0755, &in);
	else if (!strcmp(op, "unlink"))
		err = d->ops->unlink(d, name, len);
	else if (!strcmp(op, "rmdir"))
		err = d->ops->rmdir(d, name, len);
	else if (!strcmp(op, "symlink"))
		err = d->ops->symlink(d, name, len, arg, &in);
	else if (!strcmp(op, "link")) {
		err = walk(m, arg, &t);
		if (!err) {
			err = d->ops->link(d, name, len, t);
			vfs_iput(t);
		}
	} else { /* rename path -> arg */
		struct inode *nd;
		const char *nname;
		char keep[256];

		strcpy(keep, name);
		nname = parent(m, arg, &nd);
		err = d->ops->rename(d, keep, strlen(keep), nd, nname, strlen(nname), 0);
		vfs_iput(nd);
	}
	vfs_iput(in);
	vfs_iput(d);
	return err;
}
