/* pagecache.c: per-inode page arrays sorted by index (binary search; files are read
 * and written mostly sequentially, so inserts are mostly appends) and one global LRU
 * list of reclaimable pages (pagecache.h). A page is owned by exactly one inode's array;
 * it is on the LRU list unless its file system pins pages or the program maps it
 * (maps > 0). Freeing a mapped page is a bug: truncation asks mm to unmap first.
 *
 * Sleeping: reading a page in, a write's block allocation (prepare_write) and writing a
 * page back sleep on the disk, and other threads run meanwhile. Whoever sleeps holding a
 * page raises its busy count first: a busy page is never freed (truncation and eviction
 * wait for it, reclaim skips it), so its data pointer stays valid. A page being read in
 * is also `filling`: its data is not valid yet, and every lookup that finds it waits
 * (otherwise a second reader would copy out zeros). Every sleep ends with a re-lookup:
 * arrays and the LRU list may change under a sleeper. */
#include <stdbool.h>

#include "core/errno.h"
#include "core/printk.h"
#include "fs/pagecache.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "sched/wait.h"

#define MAX_FILE_SIZE (1ULL << 44) /* 16 TiB, ext2's limit with 4 KiB blocks */

struct pcpage {
	struct inode *inode;
	uint64_t index;
	void *data;
	bool dirty;
	unsigned maps;			    /* mappings into the program */
	unsigned wmaps;			    /* of which writable (shared): the page stays dirty */
	unsigned busy;			    /* held across a sleep: not to be freed */
	bool filling;			    /* being read in: data not valid yet */
	struct pcpage *lru_prev, *lru_next; /* on the LRU list unless pinned */
};

struct pagecache {
	struct pcpage **v; /* sorted by index */
	size_t n, cap;
};

static struct pcpage *lru_head, *lru_tail; /* head = least recently used */
static size_t total_pages, lru_pages;
static struct wait_queue idle_wq = WAIT_QUEUE_INIT; /* a page stopped being busy */
static void (*unmap_hook)(struct inode *inode, uint64_t first);

static bool pinned(const struct inode *inode)
{
	return inode->sb && inode->sb->pages_pinned;
}

static bool on_lru(const struct pcpage *p)
{
	return !pinned(p->inode) && p->maps == 0;
}

static void lru_remove(struct pcpage *p)
{
	if (!on_lru(p))
		return;
	if (p->lru_prev)
		p->lru_prev->lru_next = p->lru_next;
	else
		lru_head = p->lru_next;
	if (p->lru_next)
		p->lru_next->lru_prev = p->lru_prev;
	else
		lru_tail = p->lru_prev;
	p->lru_prev = p->lru_next = NULL;
	lru_pages--;
}

static void lru_add_tail(struct pcpage *p)
{
	if (!on_lru(p))
		return;
	p->lru_next = NULL;
	p->lru_prev = lru_tail;
	if (lru_tail)
		lru_tail->lru_next = p;
	else
		lru_head = p;
	lru_tail = p;
	lru_pages++;
}

static void touch(struct pcpage *p)
{
	if (lru_tail != p) {
		lru_remove(p);
		lru_add_tail(p);
	}
}

/* Position of index in the inode's array: where it is or would be inserted. */
static size_t find_pos(const struct pagecache *pc, uint64_t index)
{
	size_t lo = 0, hi = pc->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pc->v[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct pcpage *lookup(struct inode *inode, uint64_t index)
{
	struct pagecache *pc = inode->pages;
	size_t i;

	if (!pc)
		return NULL;
	i = find_pos(pc, index);
	return i < pc->n && pc->v[i]->index == index ? pc->v[i] : NULL;
}

/* Whether a page of inode with index in [from, to] is busy (filling_only: filling). */
static bool busy_in(struct inode *inode, uint64_t from, uint64_t to, bool filling_only)
{
	struct pagecache *pc = inode->pages;

	if (!pc)
		return false;
	for (size_t i = find_pos(pc, from); i < pc->n && pc->v[i]->index <= to; i++)
		if (filling_only ? pc->v[i]->filling : pc->v[i]->busy > 0)
			return true;
	return false;
}

struct page_range {
	struct inode *inode;
	uint64_t from, to;
	bool filling_only;
};

static bool range_busy(void *arg)
{
	struct page_range *r = arg;

	return busy_in(r->inode, r->from, r->to, r->filling_only);
}

/* Sleep until no page of inode in [from, to] is busy (filling_only: filling). The pages
 * may be freed meanwhile, so the condition is looked up again after every wake. */
static void wait_idle(struct inode *inode, uint64_t from, uint64_t to, bool filling_only)
{
	struct page_range r = {inode, from, to, filling_only};

	waitq_sleep_while(&idle_wq, range_busy, &r);
}

static void unbusy(struct pcpage *p)
{
	BUG_ON(p->busy == 0);
	if (--p->busy == 0)
		waitq_wake_all(&idle_wq, 0);
}

bool pagecache_cached(struct inode *inode, uint64_t index)
{
	return lookup(inode, index) != NULL;
}

/* Remove page i of its inode's array and free it. */
static void free_page_at(struct inode *inode, size_t i)
{
	struct pagecache *pc = inode->pages;
	struct pcpage *p = pc->v[i];

	BUG_ON(p->maps != 0 || p->busy != 0);
	lru_remove(p);
	memmove(&pc->v[i], &pc->v[i + 1], (pc->n - i - 1) * sizeof(pc->v[0]));
	pc->n--;
	if (pinned(inode))
		inode->blocks -= PAGECACHE_PAGE / 512;
	pmm_free_page(MM_PHYS(p->data));
	kfree(p);
	total_pages--;
	if (pc->n == 0) {
		kfree(pc->v);
		kfree(pc);
		inode->pages = NULL;
	}
}

/* Write p back if dirty. It is busy meanwhile, so it stays cached; it is marked clean
 * before the write, so a store during the write dirties it again (and is not lost). */
static int write_page(struct pcpage *p)
{
	struct inode *inode = p->inode;
	int r = 0;

	if (!p->dirty)
		return 0;
	p->dirty = p->wmaps > 0; /* a writable mapping may store at any time */
	if (inode->ops && inode->ops->writepage) {
		p->busy++;
		r = inode->ops->writepage(inode, p->index, p->data);
		if (r < 0)
			p->dirty = true;
		unbusy(p);
	}
	return r;
}

size_t pagecache_reclaim(size_t npages)
{
	size_t freed = 0, tries = total_pages;
	struct pcpage *p = lru_head;

	while (p && freed < npages && tries-- > 0) {
		struct pcpage *next = p->lru_next;
		if (p->busy) {
			p = next;
			continue;
		}
		if (p->dirty) {
			if (write_page(p) < 0)
				touch(p); /* keep it; try the others */
			p = lru_head;	  /* the list may have changed while the write slept */
			continue;
		}
		free_page_at(p->inode, find_pos(p->inode->pages, p->index));
		freed++;
		p = next;
	}
	return freed;
}

size_t pagecache_pages(void)
{
	return total_pages;
}

/* Make sure the inode has a page array. */
static bool pc_ready(struct inode *inode)
{
	if (!inode->pages)
		inode->pages = kzalloc(sizeof(struct pagecache));
	return inode->pages != NULL;
}

/* Room for one more page in the inode's array: grow it when full. false when out of
 * memory. */
static bool array_room(struct inode *inode)
{
	struct pagecache *pc;
	struct pcpage **v;
	size_t cap;

	if (!pc_ready(inode))
		return false;
	pc = inode->pages;
	if (pc->n < pc->cap)
		return true;
	cap = pc->cap ? pc->cap * 2 : 8;
	v = kmalloc(cap * sizeof(*v));
	if (!v)
		return false;
	if (pc->n)
		memcpy(v, pc->v, pc->n * sizeof(*v));
	kfree(pc->v);
	pc->v = v;
	pc->cap = cap;
	return true;
}

/* A new page for (inode, index), cached, busy and filling, for the caller to fill and
 * then pass to page_ready. Reclaims other pages when memory is short or when reclaimable
 * pages pass half of RAM (so the cache never starves the program's own memory, whose
 * allocator does not reclaim); reclaiming may sleep. NULL with *err: -ENOMEM when nothing
 * can be freed, -EAGAIN when another thread cached the page meanwhile. */
static struct pcpage *new_page(struct inode *inode, uint64_t index, int *err)
{
	struct pcpage *p = NULL;
	uint64_t pa = 0;
	struct pagecache *pc;
	size_t i;

	*err = -ENOMEM;
	if (!pinned(inode) && lru_pages >= pmm_total_pages() / 2)
		pagecache_reclaim(1);
	for (int attempt = 0; attempt < 64; attempt++) {
		if (!p)
			p = kzalloc(sizeof(*p));
		if (p && !pa)
			pa = pmm_alloc_page();
		/* Reclaiming may free this inode's array: make room after it. */
		if (p && pa && array_room(inode))
			break;
		if (pagecache_reclaim(attempt < 8 ? 1 : 16) == 0)
			break;
	}
	if (!p || !pa || !inode->pages || inode->pages->n == inode->pages->cap)
		goto fail;
	if (lookup(inode, index)) {
		*err = -EAGAIN;
		goto fail;
	}
	pc = inode->pages;
	p->inode = inode;
	p->index = index;
	p->data = MM_VIRT(pa);
	p->busy = 1;
	p->filling = true;
	i = find_pos(pc, index);
	memmove(&pc->v[i + 1], &pc->v[i], (pc->n - i) * sizeof(pc->v[0]));
	pc->v[i] = p;
	pc->n++;
	total_pages++;
	if (pinned(inode))
		inode->blocks += PAGECACHE_PAGE / 512;
	lru_add_tail(p);
	*err = 0;
	return p;
fail:
	if (pa)
		pmm_free_page(pa);
	kfree(p);
	if (inode->pages && inode->pages->n == 0) {
		kfree(inode->pages->v);
		kfree(inode->pages);
		inode->pages = NULL;
	}
	return NULL;
}

/* A page from new_page is filled (ok) or is dropped (!ok); waiters look again. */
static void page_ready(struct pcpage *p, bool ok)
{
	p->filling = false;
	unbusy(p);
	if (!ok)
		free_page_at(p->inode, find_pos(p->inode->pages, p->index));
}

/* Readahead: on a miss, read up to READAHEAD_PAGES uncached pages from index to EOF with
 * one readpages call. Pages after the first are only added while memory is plentiful, so
 * making room (reclaim) can never evict a page of this window. */
#define READAHEAD_PAGES 32

static bool room_for_readahead(void)
{
	return pmm_free_pages() > 256 && lru_pages + 1 < pmm_total_pages() / 2;
}

static int read_ahead(struct inode *inode, uint64_t index, struct pcpage **out)
{
	uint64_t eof = (inode->size + PAGECACHE_PAGE - 1) / PAGECACHE_PAGE;
	struct pcpage *pg[READAHEAD_PAGES];
	void *data[READAHEAD_PAGES];
	unsigned n = 0;
	int err;

	do {
		pg[n] = new_page(inode, index + n, &err);
		if (!pg[n])
			break;
		data[n] = pg[n]->data;
		n++;
	} while (n < READAHEAD_PAGES && index + n < eof && !lookup(inode, index + n) &&
		 room_for_readahead());
	if (!n)
		return err;
	int r = inode->ops->readpages(inode, index, n, data);
	for (unsigned k = 0; k < n; k++)
		page_ready(pg[k], r >= 0);
	if (r < 0)
		return r;
	*out = pg[0];
	return 0;
}

/* The cached page `index`, read in (fill) or zeroed (!fill) when not cached; waits for a
 * page another thread is reading in. */
static int get_page(struct inode *inode, uint64_t index, bool fill, struct pcpage **out)
{
	for (;;) {
		struct pcpage *p = lookup(inode, index);
		int r = 0;

		if (p && p->filling) {
			wait_idle(inode, index, index, true);
			continue;
		}
		if (p) {
			touch(p);
			*out = p;
			return 0;
		}
		if (fill && inode->ops && inode->ops->readpages)
			r = read_ahead(inode, index, out);
		else if ((p = new_page(inode, index, &r)) != NULL) {
			if (fill && inode->ops && inode->ops->readpage)
				r = inode->ops->readpage(inode, index, p->data);
			else
				memset(p->data, 0, PAGECACHE_PAGE);
			page_ready(p, r >= 0);
			if (r >= 0) {
				*out = p;
				r = 0;
			}
		}
		if (r != -EAGAIN)
			return r;
	}
}

long pagecache_read(struct inode *inode, void *buf, size_t n, uint64_t off)
{
	size_t done = 0;

	if (off >= inode->size)
		return 0;
	if (n > inode->size - off)
		n = (size_t)(inode->size - off);
	while (done < n) {
		uint64_t pos = off + done;
		size_t in_page = pos % PAGECACHE_PAGE;
		size_t k = PAGECACHE_PAGE - in_page;
		struct pcpage *p;
		int r = get_page(inode, pos / PAGECACHE_PAGE, true, &p);
		if (r < 0)
			return done ? (long)done : r;
		if (k > n - done)
			k = n - done;
		memcpy((char *)buf + done, (char *)p->data + in_page, k);
		done += k;
	}
	return (long)done;
}

long pagecache_write(struct inode *inode, const void *buf, size_t n, uint64_t off)
{
	size_t done = 0;

	if (off >= MAX_FILE_SIZE)
		return n ? -EFBIG : 0;
	if (n > MAX_FILE_SIZE - off)
		n = (size_t)(MAX_FILE_SIZE - off);
	while (done < n) {
		uint64_t pos = off + done;
		size_t in_page = pos % PAGECACHE_PAGE;
		size_t k = PAGECACHE_PAGE - in_page;
		uint64_t index = pos / PAGECACHE_PAGE;
		struct pcpage *p;
		int r;

		if (k > n - done)
			k = n - done;
		/* A whole page, or a page wholly past the end, needs no read: its block is
		 * allocated first, so a reader never sees the page zeroed but not yet
		 * written. A partial page is read first, so a hole being filled still reads
		 * as zeros rather than whatever the new block held on disk; it stays busy
		 * while the allocation sleeps. */
		bool whole = k == PAGECACHE_PAGE || index * PAGECACHE_PAGE >= inode->size;
		bool prep = inode->ops && inode->ops->prepare_write;
		if (whole) {
			r = prep ? inode->ops->prepare_write(inode, pos, k) : 0;
			if (r == 0)
				r = get_page(inode, index, false, &p);
		} else {
			r = get_page(inode, index, true, &p);
			if (r == 0 && prep) {
				p->busy++;
				r = inode->ops->prepare_write(inode, pos, k);
				unbusy(p);
			}
		}
		if (r < 0) {
			if (!done)
				return r;
			break;
		}
		memcpy((char *)p->data + in_page, (const char *)buf + done, k);
		p->dirty = true;
		done += k;
		if (pos + k > inode->size)
			inode->size = pos + k;
	}
	inode->mtime = inode->ctime = vfs_now();
	vfs_mark_dirty(inode);
	return (long)done;
}

int pagecache_writeback(struct inode *inode)
{
	int err = 0;

	/* By index, looked up again after every page: each write may sleep while another
	 * thread truncates the file, changing or freeing the array. */
	for (uint64_t next = 0; inode->pages;) {
		size_t i = find_pos(inode->pages, next);
		if (i == inode->pages->n)
			break;
		struct pcpage *p = inode->pages->v[i];
		next = p->index + 1;
		int r = write_page(p);
		if (r < 0 && !err)
			err = r;
	}
	return err;
}

/* Free every page from index `from` on; none may be busy. */
static void drop_now(struct inode *inode, uint64_t from)
{
	while (inode->pages) {
		struct pagecache *pc = inode->pages;
		if (pc->v[pc->n - 1]->index < from)
			break;
		free_page_at(inode, pc->n - 1);
	}
}

void pagecache_drop(struct inode *inode, uint64_t from)
{
	wait_idle(inode, from, UINT64_MAX, false);
	drop_now(inode, from);
}

void pagecache_truncate(struct inode *inode, uint64_t size)
{
	uint64_t keep = (size + PAGECACHE_PAGE - 1) / PAGECACHE_PAGE;
	struct pcpage *p;

	/* The partial last page is zeroed past size: wait for it too, or a read in flight
	 * would bring the old bytes back. */
	do {
		wait_idle(inode, size / PAGECACHE_PAGE, UINT64_MAX, false);
		if (unmap_hook)
			unmap_hook(inode, keep);
	} while (busy_in(inode, size / PAGECACHE_PAGE, UINT64_MAX, false));
	drop_now(inode, keep);
	if (size % PAGECACHE_PAGE) {
		p = lookup(inode, size / PAGECACHE_PAGE);
		if (p)
			memset((char *)p->data + size % PAGECACHE_PAGE, 0,
			       PAGECACHE_PAGE - size % PAGECACHE_PAGE);
	}
}

int pagecache_map_page(struct inode *inode, uint64_t index, uint64_t *pa)
{
	struct pcpage *p;
	int r;

	if (index >= (inode->size + PAGECACHE_PAGE - 1) / PAGECACHE_PAGE)
		return -ENXIO;
	r = get_page(inode, index, true, &p);
	if (r < 0)
		return r;
	lru_remove(p); /* no-op unless this is its first mapping */
	p->maps++;
	*pa = MM_PHYS(p->data);
	return 0;
}

void pagecache_unmap_page(struct inode *inode, uint64_t index)
{
	struct pcpage *p = lookup(inode, index);

	BUG_ON(!p || p->maps == 0);
	if (--p->maps == 0)
		lru_add_tail(p);
}

void pagecache_map_writable(struct inode *inode, uint64_t index, bool on)
{
	struct pcpage *p = lookup(inode, index);

	BUG_ON(!p || p->maps == 0 || (!on && p->wmaps == 0));
	if (on)
		p->wmaps++;
	else
		p->wmaps--;
	p->dirty = true;
}

unsigned pagecache_mapcount(struct inode *inode, uint64_t index)
{
	struct pcpage *p = lookup(inode, index);

	return p ? p->maps : 0;
}

bool pagecache_dirty(struct inode *inode, uint64_t index)
{
	struct pcpage *p = lookup(inode, index);

	return p && p->dirty;
}

void pagecache_set_unmap_hook(void (*fn)(struct inode *inode, uint64_t first))
{
	unmap_hook = fn;
}
