/* ext2_fakes.c: what the ext2 unit tests link instead of the kernel around the file
 * system: an inode cache with vfs.h's contract (vfs_iget/vfs_iput: the cache holds
 * exactly the referenced inodes; the last vfs_iput fsyncs a dirty inode that still has
 * links, then evicts and frees it), a block device over a host image file (pread/pwrite),
 * printk captured into a buffer, and kmalloc over malloc. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ext2_fakes.h"

#include "core/printk.h"
#include "drivers/blkdev.h"
#include "fs/vfs.h"
#include "mm/heap.h"

bool printk_verbose;
char fake_log[8192];
unsigned fake_live_inodes;
unsigned long fake_flushes;

static struct inode *cache;

struct inode *vfs_iget(struct super_block *sb, uint64_t ino, bool *fresh)
{
	struct inode *in;

	*fresh = false;
	for (in = cache; in; in = in->hnext) {
		if (in->sb == sb && in->ino == ino) {
			in->refs++;
			return in;
		}
	}
	in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->sb = sb;
	in->ino = ino;
	in->refs = 1;
	in->hnext = cache;
	cache = in;
	fake_live_inodes++;
	*fresh = true;
	return in;
}

struct inode *vfs_igrab(struct inode *inode)
{
	inode->refs++;
	return inode;
}

void vfs_iput(struct inode *inode)
{
	struct inode **pp;

	if (!inode)
		return;
	if (inode->refs == 0)
		abort();
	if (--inode->refs > 0)
		return;
	if (inode->nlink > 0 && inode->ops && inode->dirty && inode->ops->fsync)
		inode->ops->fsync(inode);
	for (pp = &cache; *pp != inode; pp = &(*pp)->hnext)
		;
	*pp = inode->hnext;
	if (inode->ops && inode->ops->evict)
		inode->ops->evict(inode);
	fake_live_inodes--;
	free(inode);
}

void vfs_mark_dirty(struct inode *inode)
{
	inode->dirty = true;
}

struct timespec64 vfs_now(void)
{
	struct timespec ts;
	struct timespec64 t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t.sec = ts.tv_sec;
	t.nsec = ts.tv_nsec;
	return t;
}

int blkdev_rw(struct blkdev *dev, int op, uint64_t sector, void *buf, uint32_t count)
{
	int fd = *(int *)dev->priv;
	size_t bytes = (size_t)count * BLK_SECTOR_SIZE;
	ssize_t n;

	if (op == BLK_FLUSH) {
		fake_flushes++;
		return fsync(fd) ? -EIO : 0;
	}
	if (count == 0 || sector > dev->sectors || dev->sectors - sector < count)
		return -EINVAL;
	if (op == BLK_WRITE && dev->read_only)
		return -EROFS;
	if (op == BLK_READ)
		n = pread(fd, buf, bytes, (off_t)(sector * BLK_SECTOR_SIZE));
	else
		n = pwrite(fd, buf, bytes, (off_t)(sector * BLK_SECTOR_SIZE));
	return n == (ssize_t)bytes ? 0 : -EIO;
}

void vprintk(const char *fmt, va_list ap)
{
	size_t used = strlen(fake_log);
	va_list copy;

	va_copy(copy, ap);
	if (getenv("EXT2_TEST_VERBOSE"))
		vfprintf(stderr, fmt, copy);
	va_end(copy);
	if (used < sizeof(fake_log) - 1)
		vsnprintf(fake_log + used, sizeof(fake_log) - used, fmt, ap);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

_Noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *kmalloc(size_t size)
{
	return malloc(size);
}

void *kzalloc(size_t size)
{
	return calloc(1, size);
}

void *kmalloc_or_panic(size_t size)
{
	void *p = malloc(size);

	if (!p)
		abort();
	return p;
}

void kfree(void *p)
{
	free(p);
}

void vfs_iget_loaded(struct inode *inode)
{
	inode->loading = false;
}
