/* pagecache.h: the page cache: file data in 4 KiB pages per inode, indexed by page
 * number, filled by ops->readpage and written back by ops->writepage (vfs.h). Pages come
 * from the physical page allocator; when it runs dry, clean pages of other files are
 * dropped oldest first (dirty ones are written back first), so a file larger than RAM can
 * be written and read. Pages of file systems with sb->pages_pinned (tmpfs) are the
 * storage itself and are never reclaimed, nor are pages mapped into the program
 * (mm/filemap.c counts its mappings here). Under the BKL; the calls that read or write
 * the disk sleep, and pagecache_drop and pagecache_truncate also wait for pages other
 * threads are reading in or writing back (pagecache.c). */
#ifndef ISLE_FS_PAGECACHE_H
#define ISLE_FS_PAGECACHE_H

#include <stdbool.h>
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
 * last partial page, so growing later reads zeros. Dirty pages dropped are not written.
 * Mapped pages are unmapped first (the unmap hook below). */
void pagecache_truncate(struct inode *inode, uint64_t size);
/* Drop every page from page index `from` on without writing (eviction); waits for those
 * other threads are reading in or writing back. */
void pagecache_drop(struct inode *inode, uint64_t from);
/* true when page `index` of inode is cached (SEEK_DATA on tmpfs). */
bool pagecache_cached(struct inode *inode, uint64_t index);
/* Free up to npages clean or written-back unpinned pages; returns how many were freed.
 * For memory pressure elsewhere (anonymous memory may call it before giving up). */
size_t pagecache_reclaim(size_t npages);
/* Mappings into the program (mm/filemap.c). pagecache_map_page returns page `index` of
 * inode in *pa (read in when not cached) and counts one more mapping of it; a mapped
 * page is never reclaimed or dropped. -ENXIO when the page lies wholly at or past
 * inode->size (SIGBUS for the program), -EIO, -ENOMEM. pagecache_unmap_page undoes one
 * mapping. */
int pagecache_map_page(struct inode *inode, uint64_t index, uint64_t *pa);
void pagecache_unmap_page(struct inode *inode, uint64_t index);
/* A shared mapping of a mapped page became writable (on) or stopped being (off). The
 * page is dirty from then on; while any mapping can write it, writeback writes it but
 * leaves it dirty (the program may store at any time without a fault). */
void pagecache_map_writable(struct inode *inode, uint64_t index, bool on);
/* How many mappings page `index` has (0 when not cached). */
unsigned pagecache_mapcount(struct inode *inode, uint64_t index);
/* true when page `index` is cached and dirty. */
bool pagecache_dirty(struct inode *inode, uint64_t index);
/* Truncation with pages mapped: pagecache_truncate calls fn(inode, first) before it drops
 * pages from index `first` on; fn must unmap every mapping of them (mm registers it). */
void pagecache_set_unmap_hook(void (*fn)(struct inode *inode, uint64_t first));

/* Pages cached in total and pages that may be reclaimed (tests, sysinfo). */
size_t pagecache_pages(void);

#endif
