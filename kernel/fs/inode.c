/* inode.c: the inode cache (vfs.h). One in-memory inode per (sb, ino), found through a
 * small hash table; an inode lives exactly as long as somebody holds a reference (file
 * systems that want a name to keep an inode alive, like tmpfs, hold one themselves).
 * When the last reference goes, dirty pages and metadata are written back (unless the
 * file is already unlinked: nlink 0), ops->evict runs, then the cached pages and the
 * inode are freed. Under the BKL; writing back and evicting may sleep on the disk, and an
 * inode being evicted stays hashed with refs 0 meanwhile: walks over all inodes skip it
 * (its eviction writes it back). vfs_iget revives it while it is only being written
 * back, and waits for it to be gone once ops->evict has started (dying): evict may be
 * writing the on-disk inode or freeing its number, and a second in-memory copy read from
 * the disk meanwhile would be stale. It also waits while a file system reads a fresh
 * inode in (loading). */
#include "core/errno.h"
#include "core/printk.h"
#include "core/time.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"
#include "fs/writeback.h"
#include "mm/heap.h"
#include "sched/wait.h"

#define HASH_SIZE 1024

static struct inode *hash[HASH_SIZE];
static struct wait_queue inode_wq = WAIT_QUEUE_INIT; /* an inode was loaded or freed */

static unsigned hash_of(struct super_block *sb, uint64_t ino)
{
	uint64_t h = (uint64_t)(uintptr_t)sb * 0x9e3779b97f4a7c15ULL ^ ino * 0xff51afd7ed558ccdULL;
	return (unsigned)(h >> 40) % HASH_SIZE;
}

static struct inode *find(struct super_block *sb, uint64_t ino)
{
	for (struct inode *in = hash[hash_of(sb, ino)]; in; in = in->hnext)
		if (in->sb == sb && in->ino == ino)
			return in;
	return NULL;
}

struct inode_key {
	struct super_block *sb;
	uint64_t ino;
};

/* The inode for key is hashed but dying or loading (looked up afresh: it may be freed). */
static bool unsettled(void *arg)
{
	struct inode_key *k = arg;
	struct inode *in = find(k->sb, k->ino);

	return in && (in->dying || in->loading);
}

/* The inode for (sb, ino) once it is neither dying nor loading (NULL when there is none
 * then); sleeps while it is. */
static struct inode *find_settled(struct super_block *sb, uint64_t ino)
{
	struct inode_key k = {sb, ino};

	waitq_sleep_while(&inode_wq, unsettled, &k);
	return find(sb, ino);
}

struct inode *vfs_iget(struct super_block *sb, uint64_t ino, bool *fresh)
{
	struct inode *in = find_settled(sb, ino);

	*fresh = false;
	if (in) {
		if (in->refs++ == 0)
			in->revived++; /* being written back: vfs_iput sees it */
		return in;
	}
	in = kzalloc(sizeof(*in));
	if (!in)
		return NULL;
	in->sb = sb;
	in->ino = ino;
	in->refs = 1;
	unsigned h = hash_of(sb, ino);
	in->hnext = hash[h];
	hash[h] = in;
	*fresh = true;
	return in;
}

void vfs_iget_loaded(struct inode *inode)
{
	BUG_ON(!inode->loading);
	inode->loading = false;
	waitq_wake_all(&inode_wq, 0);
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
	/* Point of no return: evict may sleep, and vfs_iget waits for the inode to be gone
	 * meanwhile instead of reading a second copy from the disk. */
	inode->dying = true;
	inode->dirty = false;
	pagecache_drop(inode, 0); /* first: a page still being written back is waited for */
	if (inode->ops && inode->ops->evict)
		inode->ops->evict(inode);
	unhash(inode);
	kfree(inode);
	waitq_wake_all(&inode_wq, 0);
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
