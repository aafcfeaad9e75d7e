/* ext2_util.h: helpers shared by the ext2 unit tests (ext2_util.c): the image tree and
 * mke2fs options, mounting over the fake block device, and the VFS's side of file access
 * (path walks, whole-page reads and writes as the page cache does them). Failures are
 * cmocka assertions. */
#ifndef ISLE_TESTS_EXT2_UTIL_H
#define ISLE_TESTS_EXT2_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/blkdev.h"
#include "fs/vfs.h"

/* The pinned mke2fs options (kernel/fs/ext2/super.c). */
#define MKE2FS_OPTS                                                                                \
	"-q -F -t ext2 -I 256 -O none,filetype,sparse_super,large_file -E root_owner=0:0"
#define BIG_SIZE (300 * 1024 + 123)
#define SPARSE_SIZE (2 * 1024 * 1024)
#define SPARSE_AT (1024 * 1024 + 100)
#define LONG_TARGET                                                                                \
	"a/b/c/this-is-a-long-symlink-target-that-does-not-fit-in-the-inode-block-map-at-all.txt"

extern char dir[64];	      /* the test's temporary directory */
extern char tree[128];	      /* the staged tree mke2fs -d copies */
extern char img[128];	      /* the image file */
extern const char *mkfs_opts; /* mke2fs options; MKE2FS_OPTS unless a test changes them */

struct mnt {
	int fd;
	struct blkdev dev;
	struct super_block *sb;
};

struct listing {
	struct dir_emit emit;
	char names[64][64];
	unsigned types[64];
	int n;
};

int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned char pattern(size_t i);
void put_file(const char *rel, const void *data, size_t n);
void stage(void);
void mkimg(unsigned bsize, unsigned kib, const char *extra);
int fsck(void);
unsigned char *debugfs_cat(const char *path, size_t *len);
long debugfs_num(const char *req);
void poke(uint64_t off, const void *data, size_t n);
int mnt_open(struct mnt *m, bool ro);
void mnt_close(struct mnt *m);
int walk(struct mnt *m, const char *path, struct inode **out);
const char *parent(struct mnt *m, const char *path, struct inode **dirp);
long read_all(struct inode *in, unsigned char *buf, size_t cap);
int file_write(struct inode *in, uint64_t off, const void *data, size_t n);
int truncate_to(struct inode *in, uint64_t size);
void expect_content(struct mnt *m, const char *path, const void *want, size_t n);
void expect_host_content(const char *path, const void *want, size_t n);
int list(struct mnt *m, const char *path, struct listing *l);
unsigned type_of(struct listing *l, const char *name);
int setup(void **state);
int teardown(void **state);
void check_tree(struct mnt *m);
struct inode *create(struct mnt *m, const char *path, uint32_t mode);
int do_op(struct mnt *m, const char *op, const char *path, const char *arg);

#endif
