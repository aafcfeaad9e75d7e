/* test_namei.c: path walking (fs/namei.c) and the tmpfs name space (fs/tmpfs.c) through
 * the VFS: ".", "..", mounts, symlinks and their loop limit, trailing slashes, name and
 * path length limits, parent mode; link counts, rename over existing names, rmdir of a
 * non-empty directory, readdir stability; open files over tmpfs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/tmpfs.h"
#include "mm_fakes.h"

static struct super_block *rootsb;

static int setup(void **state)
{
	fake_ram_init(0x100000, 8 << 20);
	rootsb = tmpfs_create(0755);
	assert_non_null(rootsb);
	vfs_mount_root(rootsb);
	vfs_namei_init();
	return 0;
}

static struct inode *look(const char *path, unsigned flags, int *err)
{
	struct vfs_path *p;
	struct inode *in;

	*err = vfs_lookup(NULL, path, flags, &p);
	if (*err < 0)
		return NULL;
	in = p->inode;
	vfs_path_put(p); /* the name keeps tmpfs inodes alive */
	return in;
}

static int err_of(const char *path, unsigned flags)
{
	int err;
	look(path, flags, &err);
	return err;
}

static struct inode *must(const char *path, unsigned flags)
{
	int err;
	struct inode *in = look(path, flags, &err);
	if (!in)
		fail_msg("lookup %s: %d", path, err);
	return in;
}

static void mk(const char *dirpath, const char *name, uint32_t mode)
{
	struct inode *dir = must(dirpath, NAMEI_FOLLOW), *in;
	int r = S_ISTYPE(mode, S_IFDIR)
			? dir->ops->mkdir(dir, name, strlen(name), mode & 07777, &in)
			: dir->ops->create(dir, name, strlen(name), mode, 0, &in);
	assert_int_equal(r, 0);
	vfs_iput(in);
}

static void ln_s(const char *dirpath, const char *name, const char *target)
{
	struct inode *dir = must(dirpath, NAMEI_FOLLOW), *in;
	assert_int_equal(dir->ops->symlink(dir, name, strlen(name), target, &in), 0);
	vfs_iput(in);
}

static void test_walk(void **state)
{
	char buf[VFS_PATH_MAX];
	struct vfs_path *p;
	struct inode *f, *root = rootsb->root;

	mk("/", "a", S_IFDIR | 0755);
	mk("/a", "b", S_IFDIR | 0755);
	mk("/a/b", "f", S_IFREG | 0644);
	f = must("/a/b/f", 0);
	assert_ptr_equal(must("/a/./b/../b//f", 0), f);
	assert_ptr_equal(must("a/b/f", 0), f); /* relative to the cwd, "/" */
	assert_ptr_equal(must("/..", 0), root);
	assert_ptr_equal(must("/../../a/..", 0), root);
	assert_ptr_equal(must("/a/b/..", 0), must("/a", 0));
	assert_int_equal(err_of("/a/b/f/", 0), -ENOTDIR);
	assert_int_equal(err_of("/a/b/f/x", 0), -ENOTDIR);
	assert_int_equal(err_of("/a/b/f/.", 0), -ENOTDIR);
	assert_int_equal(err_of("/a/b/f", NAMEI_DIRECTORY), -ENOTDIR);
	assert_int_equal(err_of("/a/nope", 0), -ENOENT);
	assert_int_equal(err_of("/nope/x", 0), -ENOENT);
	assert_int_equal(err_of("", 0), -ENOENT);
	assert_ptr_equal(must("", NAMEI_EMPTY), root);
	assert_non_null(must("/a/b/", 0));

	/* Limits: a component of 255 bytes is fine, 256 is not; paths < 4096 bytes. */
	char name[300];
	memset(name, 'n', 256);
	name[256] = 0;
	assert_int_equal(err_of(name, 0), -ENAMETOOLONG);
	name[255] = 0;
	assert_int_equal(err_of(name, 0), -ENOENT);
	char *longp = malloc(VFS_PATH_MAX + 1);
	memset(longp, '/', VFS_PATH_MAX);
	longp[VFS_PATH_MAX] = 0;
	assert_int_equal(err_of(longp, 0), -ENAMETOOLONG);
	longp[VFS_PATH_MAX - 1] = 0; /* 4095 slashes: the root */
	assert_ptr_equal(must(longp, 0), root);
	free(longp);

	/* The path chain prints the name. */
	assert_int_equal(vfs_lookup(NULL, "/a/./b//f", 0, &p), 0);
	assert_int_equal(vfs_path_string(p, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "/a/b/f");
	assert_int_equal(vfs_path_string(p, buf, 6), -ERANGE);
	vfs_path_put(p);
	assert_int_equal(vfs_lookup(NULL, "/", 0, &p), 0);
	assert_int_equal(vfs_path_string(p, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "/");

	/* Relative to a base other than the cwd. */
	assert_int_equal(vfs_lookup(NULL, "/a", 0, &p), 0);
	struct vfs_path *q;
	assert_int_equal(vfs_lookup(p, "b/f", 0, &q), 0);
	assert_ptr_equal(q->inode, f);
	vfs_path_put(q);
	assert_int_equal(vfs_lookup(p, "..", 0, &q), 0);
	assert_ptr_equal(q->inode, root);
	vfs_path_put(q);
	/* chdir there */
	vfs_set_cwd(p);
	assert_ptr_equal(must("b/f", 0), f);
	assert_int_equal(vfs_lookup(NULL, "/", 0, &p), 0);
	vfs_set_cwd(p);
}

static void test_symlinks(void **state)
{
	struct inode *f = must("/a/b/f", 0);

	ln_s("/", "rel", "a/b");
	ln_s("/a", "abs", "/a/b/f");
	ln_s("/a", "up", "../a/b/");
	ln_s("/", "l1", "l2");
	ln_s("/", "l2", "l1");
	ln_s("/", "dang", "nowhere");
	assert_ptr_equal(must("/rel/f", 0), f);
	assert_ptr_equal(must("/a/abs", NAMEI_FOLLOW), f);
	assert_true(S_ISTYPE(must("/a/abs", 0)->mode, S_IFLNK)); /* last one not followed */
	assert_ptr_equal(must("/a/up/f", 0), f);
	assert_true(S_ISTYPE(must("/rel/", 0)->mode, S_IFDIR)); /* a slash follows it */
	assert_int_equal(err_of("/l1", NAMEI_FOLLOW), -ELOOP);
	assert_int_equal(err_of("/l1/x", 0), -ELOOP);
	assert_int_equal(err_of("/dang", NAMEI_FOLLOW), -ENOENT);
	assert_non_null(must("/dang", 0));
	assert_int_equal(err_of("/a/abs/", 0), -ENOTDIR);

	/* A chain of 40 links resolves; 41 is ELOOP. */
	char name[16], target[16];
	for (int i = 0; i < 41; i++) {
		/* c0 -> a/b/f, cN -> c(N-1) */
		name[0] = 'c';
		name[1] = (char)('0' + i / 10);
		name[2] = (char)('0' + i % 10);
		name[3] = 0;
		memcpy(target, name, 4);
		target[1] = (char)('0' + (i - 1) / 10);
		target[2] = (char)('0' + (i - 1) % 10);
		ln_s("/", name, i == 0 ? "a/b/f" : target);
	}
	assert_ptr_equal(must("/c39", NAMEI_FOLLOW), f);
	assert_int_equal(err_of("/c40", NAMEI_FOLLOW), -ELOOP);
}

static void test_parent_mode(void **state)
{
	struct vfs_last last;

	assert_int_equal(vfs_lookup_parent(NULL, "/a/b/new/", &last), 0);
	assert_ptr_equal(last.dir->inode, must("/a/b", 0));
	assert_string_equal(last.name, "new");
	assert_true(last.slash);
	assert_int_equal(last.kind, VFS_LAST_NORM);
	vfs_last_put(&last);
	assert_int_equal(vfs_lookup_parent(NULL, "/", &last), 0);
	assert_int_equal(last.kind, VFS_LAST_ROOT);
	vfs_last_put(&last);
	assert_int_equal(vfs_lookup_parent(NULL, "/a/..", &last), 0);
	assert_int_equal(last.kind, VFS_LAST_DOTDOT);
	vfs_last_put(&last);
	assert_int_equal(vfs_lookup_parent(NULL, "rel/.", &last), 0);
	assert_int_equal(last.kind, VFS_LAST_DOT);
	assert_ptr_equal(last.dir->inode, must("/a/b", 0)); /* via the symlink */
	vfs_last_put(&last);
	assert_int_equal(vfs_lookup_parent(NULL, "/a/b/f/x", &last), -ENOTDIR);
	assert_int_equal(vfs_lookup_parent(NULL, "/nope/x", &last), -ENOENT);
	assert_int_equal(vfs_lookup_parent(NULL, "", &last), -ENOENT);
}

static void test_mounts(void **state)
{
	struct super_block *sb = tmpfs_create(01777);
	struct vfs_path *p;
	char buf[64];

	mk("/a", "m", S_IFDIR | 0755);
	assert_int_equal(vfs_mount("/a/m", sb), 0);
	assert_int_equal(vfs_mount("/a/m", tmpfs_create(0755)), -EBUSY);
	assert_int_equal(vfs_mount("/a/b/f", tmpfs_create(0755)), -ENOTDIR);
	assert_ptr_equal(must("/a/m", 0), sb->root);
	mk("/a/m", "inside", S_IFREG | 0600);
	assert_ptr_equal(must("/a/m/inside", 0)->sb, sb);
	/* ".." at the mounted root is the mountpoint's parent. */
	assert_ptr_equal(must("/a/m/..", 0), must("/a", 0));
	assert_ptr_equal(must("/a/m/../m/.", 0), sb->root);
	assert_int_equal(err_of("/a/m/inside/..", 0), -ENOTDIR);
	assert_int_equal(vfs_lookup(NULL, "/a/m/inside", 0, &p), 0);
	assert_int_equal(vfs_path_string(p, buf, sizeof(buf)), 11);
	assert_string_equal(buf, "/a/m/inside");
	vfs_path_put(p);
}

static struct inode *dir_at(const char *path)
{
	return must(path, NAMEI_FOLLOW);
}

static void test_tmpfs_namespace(void **state)
{
	struct inode *d, *x, *y, *held;

	mk("/", "ns", S_IFDIR | 0755);
	d = dir_at("/ns");
	assert_int_equal(d->nlink, 2);
	mk("/ns", "sub", S_IFDIR | 0755);
	assert_int_equal(d->nlink, 3);
	mk("/ns/sub", "file", S_IFREG | 0644);
	assert_int_equal(d->ops->rmdir(d, "sub", 3), -ENOTEMPTY);
	/* Link counts. */
	x = must("/ns/sub/file", 0);
	assert_int_equal(d->ops->link(d, "hard", 4, x), 0);
	assert_int_equal(x->nlink, 2);
	assert_int_equal(d->ops->link(d, "hard", 4, x), -EEXIST);
	assert_int_equal(d->ops->link(d, "dl", 2, must("/ns/sub", 0)), -EPERM);
	assert_int_equal(d->ops->unlink(d, "hard", 4), 0);
	assert_int_equal(x->nlink, 1);
	assert_int_equal(d->ops->unlink(d, "sub", 3), -EISDIR);
	assert_int_equal(d->ops->unlink(d, "nope", 4), -ENOENT);

	/* Rename over an existing file: the old one loses its name. */
	mk("/ns", "r1", S_IFREG | 0644);
	mk("/ns", "r2", S_IFREG | 0644);
	x = must("/ns/r1", 0);
	held = vfs_igrab(must("/ns/r2", 0));
	assert_int_equal(d->ops->rename(d, "r1", 2, d, "r2", 2, 0), 0);
	assert_ptr_equal(must("/ns/r2", 0), x);
	assert_int_equal(err_of("/ns/r1", 0), -ENOENT);
	assert_int_equal(held->nlink, 0);
	vfs_iput(held);							/* evicted now */
	assert_int_equal(d->ops->rename(d, "r2", 2, d, "r2", 2, 0), 0); /* itself */
	mk("/ns", "r3", S_IFREG | 0644);
	assert_int_equal(d->ops->rename(d, "r2", 2, d, "r3", 2, RENAME_NOREPLACE), -EEXIST);
	y = must("/ns/r3", 0);
	assert_int_equal(d->ops->rename(d, "r2", 2, d, "r3", 2, RENAME_EXCHANGE), 0);
	assert_ptr_equal(must("/ns/r3", 0), x);
	assert_ptr_equal(must("/ns/r2", 0), y);
	/* Directories: over an empty one, not over a non-empty one, not file<->dir. */
	mk("/ns", "e1", S_IFDIR | 0755);
	mk("/ns", "e2", S_IFDIR | 0755);
	assert_int_equal(d->nlink, 5);
	assert_int_equal(d->ops->rename(d, "e1", 2, d, "sub", 3, 0), -ENOTEMPTY);
	assert_int_equal(d->ops->rename(d, "e1", 2, d, "r2", 2, 0), -ENOTDIR);
	assert_int_equal(d->ops->rename(d, "r2", 2, d, "e1", 2, 0), -EISDIR);
	assert_int_equal(d->ops->rename(d, "e1", 2, d, "e2", 2, 0), 0);
	assert_int_equal(d->nlink, 4);
	/* Moving a directory elsewhere moves its ".." link. */
	struct inode *sub = dir_at("/ns/sub");
	assert_int_equal(d->ops->rename(d, "e2", 2, sub, "e", 1, 0), 0);
	assert_int_equal(d->nlink, 3);
	assert_int_equal(sub->nlink, 3);
	assert_ptr_equal(must("/ns/sub/e/..", 0), sub);
	assert_int_equal(sub->ops->rmdir(sub, "e", 1), 0);
	assert_int_equal(sub->nlink, 2);
	assert_int_equal(sub->ops->rmdir(sub, "file", 4), -ENOTDIR);
}

struct names {
	struct dir_emit emit;
	char seen[16][16];
	int n, stop_after;
};

static int collect(struct dir_emit *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
		   uint64_t next)
{
	struct names *c = (struct names *)ctx;
	if (c->n == c->stop_after)
		return 1;
	memcpy(c->seen[c->n], name, len);
	c->seen[c->n][len] = 0;
	c->n++;
	return 0;
}

static void test_readdir(void **state)
{
	struct names c = {{collect}, {{0}}, 0, 3};
	uint64_t pos = 0;
	struct inode *d;

	mk("/", "rd", S_IFDIR | 0755);
	mk("/rd", "x1", S_IFREG | 0644);
	mk("/rd", "x2", S_IFREG | 0644);
	mk("/rd", "x3", S_IFREG | 0644);
	d = dir_at("/rd");
	assert_int_equal(d->ops->readdir(d, &pos, &c.emit), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.seen[0], ".");
	assert_string_equal(c.seen[1], "..");
	assert_string_equal(c.seen[2], "x1");
	/* Removing an entry already listed does not skip the next one. */
	assert_int_equal(d->ops->unlink(d, "x1", 2), 0);
	c.stop_after = 16;
	assert_int_equal(d->ops->readdir(d, &pos, &c.emit), 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.seen[3], "x2");
	assert_string_equal(c.seen[4], "x3");
	/* At the end it stays at the end. */
	assert_int_equal(d->ops->readdir(d, &pos, &c.emit), 0);
	assert_int_equal(c.n, 5);
}

static void test_open_files(void **state)
{
	struct file *f, *g;
	char buf[64];
	uint64_t end;

	assert_int_equal(vfs_open(NULL, "/of", O_RDWR | O_CREAT, 0600, &f), 0);
	assert_true(S_ISTYPE(f->inode->mode, S_IFREG));
	assert_int_equal(f->inode->mode & 07777, 0600);
	assert_int_equal(vfs_write_pos(f, "hello", 5), 5);
	assert_int_equal(f->pos, 5);
	assert_int_equal(vfs_read(f, buf, sizeof(buf), 1), 4);
	assert_memory_equal(buf, "ello", 4);
	assert_int_equal(vfs_open(NULL, "/of", O_RDWR | O_CREAT | O_EXCL, 0600, &g), -EEXIST);
	assert_int_equal(vfs_open(NULL, "/of", O_WRONLY | O_APPEND, 0, &g), 0);
	assert_int_equal(vfs_write(g, "!", 1, 0, &end), 1);
	assert_int_equal(end, 6);
	assert_int_equal(vfs_read(g, buf, 1, 0), -EBADF);
	vfs_file_put(g);
	assert_int_equal(vfs_open(NULL, "/of", O_RDONLY | O_TRUNC, 0, &g), 0);
	assert_int_equal(f->inode->size, 0);
	assert_int_equal(vfs_write(g, "x", 1, 0, NULL), -EBADF);
	vfs_file_put(g);
	assert_int_equal(vfs_open(NULL, "/a", O_WRONLY, 0, &g), -EISDIR);
	assert_int_equal(vfs_open(NULL, "/of/", O_RDONLY, 0, &g), -ENOTDIR);
	assert_int_equal(vfs_open(NULL, "/of/", O_RDONLY | O_CREAT, 0644, &g), -ENOTDIR);
	assert_int_equal(vfs_open(NULL, "/new/", O_RDONLY | O_CREAT, 0644, &g), -EISDIR);
	assert_int_equal(vfs_open(NULL, "/a/abs", O_RDONLY | O_NOFOLLOW, 0, &g), -ELOOP);
	assert_int_equal(vfs_open(NULL, "/a/abs", O_PATH | O_NOFOLLOW, 0, &g), 0);
	assert_int_equal(vfs_read(g, buf, 1, 0), -EBADF);
	vfs_file_put(g);
	assert_int_equal(vfs_open(NULL, "/dang", O_RDONLY, 0, &g), -ENOENT);
	assert_int_equal(vfs_lseek(f, 0, SEEK_END), 0);
	assert_int_equal(vfs_lseek(f, -1, SEEK_SET), -EINVAL);
	assert_int_equal(vfs_write(f, "abc", 3, 8192, NULL), 3);
	assert_int_equal(vfs_lseek(f, 0, SEEK_DATA), 8192); /* pages 0 and 1 are holes */
	assert_int_equal(vfs_lseek(f, 0, SEEK_HOLE), 0);
	assert_int_equal(vfs_lseek(f, 8193, SEEK_HOLE), 8195);
	assert_int_equal(vfs_lseek(f, 9000, SEEK_DATA), -ENXIO);
	vfs_file_put(f);

	/* getdents64 records. */
	assert_int_equal(vfs_open(NULL, "/rd", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	char dbuf[256];
	long n = vfs_getdents64(f, dbuf, 10);
	assert_int_equal(n, -EINVAL);
	n = vfs_getdents64(f, dbuf, sizeof(dbuf));
	assert_int_equal(n, 24 + 24 + 24 + 24); /* ".", "..", "x2", "x3" */
	assert_int_equal(vfs_getdents64(f, dbuf, sizeof(dbuf)), 0);
	vfs_file_put(f);
}

static void test_fdtable(void **state)
{
	struct file *f, *g;
	int fd;

	assert_int_equal(vfs_open(NULL, "/fdt", O_RDWR | O_CREAT, 0600, &f), 0);
	for (int i = 0; i < FD_MAX; i++)
		assert_int_equal(fd_install(vfs_file_get(f), 0, false), i);
	assert_int_equal(f->refs, FD_MAX + 1);
	assert_int_equal(fd_install(vfs_file_get(f), 0, false), -EMFILE);
	assert_int_equal(f->refs, FD_MAX + 1); /* the reference was dropped */
	assert_int_equal(fd_close(7), 0);
	assert_int_equal(fd_close(7), -EBADF);
	assert_int_equal(fd_install(vfs_file_get(f), 0, true), 7);
	assert_int_equal(fd_get_cloexec(7), 1);
	assert_int_equal(fd_close(3), 0);
	assert_int_equal(fd_install(vfs_file_get(f), 4, false), -EMFILE); /* only 3 is free */
	assert_int_equal(fd_install(vfs_file_get(f), FD_MAX, false), -EINVAL);
	assert_int_equal(vfs_open(NULL, "/fdt", O_RDONLY, 0, &g), 0);
	assert_int_equal(fd_install(g, 0, false), 3);
	/* dup2 over an open fd closes it; cloexec is per descriptor. */
	assert_int_equal(fd_dup_to(3, 9, true), 9);
	assert_ptr_equal(fd_get(9), g);
	assert_int_equal(fd_get_cloexec(9), 1);
	assert_int_equal(fd_get_cloexec(3), 0);
	assert_int_equal(fd_dup_to(3, 3, false), 3);
	assert_int_equal(fd_dup_to(3, FD_MAX, false), -EBADF);
	assert_int_equal(fd_dup_to(-1, 3, false), -EBADF);
	assert_null(fd_get(-1));
	assert_null(fd_get(FD_MAX));
	fd_close_all();
	assert_int_equal(f->refs, 1);
	fd = fd_install(f, 0, false);
	assert_int_equal(fd, 0);
	fd_close_all();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_parent_mode),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_tmpfs_namespace),
		cmocka_unit_test(test_readdir),
		cmocka_unit_test(test_open_files),
		cmocka_unit_test(test_fdtable),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
