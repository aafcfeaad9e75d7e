/* pagecache.h: the page cache: file data in 4 KiB pages per inode, indexed by page
 * number, filled by ops->readpage and written back by ops->writepage (vfs.h). Pages come
 * from the physical page allocator; when it runs dry, clean pages of other files are
 * dropped oldest first (dirty ones are written back first), so a file larger than RAM can
 * be written and read. Pages of file systems with sb->pages_pinned (tmpfs) are the
 * storage itself and are never reclaimed. Single CPU, no locks. */
#ifndef ISLE_FS_PAGECACHE_H
#define ISLE_FS_PAGECACHE_H

#include <stddef.h>
#include <stdint.h>

#include "fs/vfs.h"

#define PAGECACHE_PAGE 4096

/* Copy up to n bytes at off into buf (kernel memory), stopping at inode->size. Returns the
 * bytes copied (0 at or past the end) or a negative errno (-EIO, -ENOMEM) when nothing
 * was copied. Updates nothing but the cache. */
long pagecache_read(struct inode *inode, void *buf, size_t n, uint64_t off);
/* Copy n bytes from buf to the file at off (read-modify-write of partial pages), mark the
 * pages dirty, extend inode->size, set mtime/ctime and mark the inode dirty. Returns the
 * bytes written or a negative errno when nothing was (-ENOMEM, -EIO, -EFBIG). */
long pagecache_write(struct inode *inode, const void *buf, size_t n, uint64_t off);
/* Write every dirty page of inode through ops->writepage: 0 or the first error. */
int pagecache_writeback(struct inode *inode);
/* The file shrinks or grows to size: drop pages wholly past it and zero the tail of the
 * last partial page, so growing later reads zeros. Dirty pages dropped are not written. */
void pagecache_truncate(struct inode *inode, uint64_t size);
/* Drop every page from page index `from` on without writing (eviction). */
void pagecache_drop(struct inode *inode, uint64_t from);
/* true when page `index` of inode is cached (SEEK_DATA on tmpfs). */
bool pagecache_cached(struct inode *inode, uint64_t index);
/* Free up to npages clean or written-back unpinned pages; returns how many were freed.
 * For memory pressure elsewhere (anonymous memory may call it before giving up). */
size_t pagecache_reclaim(size_t npages);
/* Pages cached in total and pages that may be reclaimed (tests, sysinfo). */
size_t pagecache_pages(void);

#endif
