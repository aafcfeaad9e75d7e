/* inode.c: the inode cache (vfs.h). One in-memory inode per (sb, ino), found through a
 * small hash table; an inode lives exactly as long as somebody holds a reference (file
 * systems that want a name to keep an inode alive, like tmpfs, hold one themselves).
 * When the last reference goes, dirty pages and metadata are written back (unless the
 * file is already unlinked: nlink 0), ops->evict runs, then the cached pages and the
 * inode are freed. Under the BKL; writing back and evicting may sleep on the disk, and an
 * inode being evicted stays hashed with refs 0 meanwhile: walks over all inodes skip it
 * (its eviction writes it back). (vfs_iget can still find it then: a known gap.) */
#include "core/errno.h"
#include "core/printk.h"
#include "core/time.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"
#include "fs/writeback.h"
#include "mm/heap.h"

#define HASH_SIZE 1024

static struct inode *hash[HASH_SIZE];

static unsigned hash_of(struct super_block *sb, uint64_t ino)
{
	uint64_t h = (uint64_t)(uintptr_t)sb * 0x9e3779b97f4a7c15ULL ^ ino * 0xff51afd7ed558ccdULL;
	return (unsigned)(h >> 40) % HASH_SIZE;
}

struct inode *vfs_iget(struct super_block *sb, uint64_t ino, bool *fresh)
{
	unsigned h = hash_of(sb, ino);
	struct inode *in;

	*fresh = false;
	for (in = hash[h]; in; in = in->hnext) {
		if (in->sb == sb && in->ino == ino) {
			if (in->refs++ == 0)
				in->revived++; /* being evicted: vfs_iput sees it */
			return in;
		}
	}
	in = kzalloc(sizeof(*in));
	if (!in)
		return NULL;
	in->sb = sb;
	in->ino = ino;
	in->refs = 1;
	in->hnext = hash[h];
	hash[h] = in;
	*fresh = true;
	return in;
}

struct inode *vfs_igrab(struct inode *inode)
{
	BUG_ON(!inode || inode->refs == 0);
	inode->refs++;
	return inode;
}

static void unhash(struct inode *inode)
{
	struct inode **pp = &hash[hash_of(inode->sb, inode->ino)];

	while (*pp && *pp != inode)
		pp = &(*pp)->hnext;
	BUG_ON(!*pp);
	*pp = inode->hnext;
}

void vfs_iput(struct inode *inode)
{
	if (!inode)
		return;
	BUG_ON(inode->refs == 0);
	if (--inode->refs > 0 || inode->evicting)
		return; /* still used, or the eviction under way finishes the job */
	/* Writing back sleeps, and the inode is still in the hash: vfs_iget may take it
	 * again meanwhile. Then it stays (its holder's last vfs_iput returns at once, above)
	 * or, when that holder let go again before we woke, it is written back once more,
	 * since it may have changed. Write-back errors have nobody to go to here; fsync
	 * reports them to the program. */
	inode->evicting = true;
	for (;;) {
		uint32_t seen = inode->revived;
		if (inode->nlink > 0 && inode->ops) {
			pagecache_writeback(inode);
			if (inode->dirty && inode->ops->fsync)
				inode->ops->fsync(inode);
		}
		if (inode->refs > 0) {
			inode->evicting = false; /* taken again: no eviction */
			return;
		}
		if (inode->revived == seen)
			break;
	}
	/* No sleep from here to unhash: nobody can take the inode again. */
	inode->dirty = false;
	unhash(inode);
	if (inode->ops && inode->ops->evict)
		inode->ops->evict(inode);
	pagecache_drop(inode, 0);
	kfree(inode);
}

bool vfs_dirty_pending;

void vfs_mark_dirty(struct inode *inode)
{
	inode->dirty = true;
	vfs_dirty_pending = true;
}

struct timespec64 vfs_now(void)
{
	uint64_t ns = time_realtime_ns();
	struct timespec64 t = {(int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000)};
	return t;
}

int vfs_for_each_inode(int (*fn)(struct inode *inode, void *arg), void *arg)
{
	size_t n = 0, k = 0;
	struct inode **all;
	int r = 0;

	/* Take a snapshot with references held, so fn may drop other references freely. */
	/* Inodes being evicted (refs 0) are left out: their eviction writes them back. */
	for (unsigned h = 0; h < HASH_SIZE; h++)
		for (struct inode *in = hash[h]; in; in = in->hnext)
			n += in->refs > 0;
	if (n == 0)
		return 0;
	all = kmalloc(n * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (unsigned h = 0; h < HASH_SIZE; h++)
		for (struct inode *in = hash[h]; in; in = in->hnext)
			if (in->refs > 0)
				all[k++] = vfs_igrab(in);
	for (size_t i = 0; i < k; i++) {
		if (!r)
			r = fn(all[i], arg);
		vfs_iput(all[i]);
	}
	kfree(all);
	return r;
}
