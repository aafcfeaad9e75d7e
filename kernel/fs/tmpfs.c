/* tmpfs.c: the in-memory file system (tmpfs.h). Every directory entry holds a reference
 * to its inode, so an inode lives while it has a name or an open file; when the last of
 * both goes, the inode cache evicts it and its pages go with it. Readdir positions are
 * per-directory cookies that only grow (0 ".", 1 "..", then the entries in creation
 * order), so removing entries while a listing is under way never skips others. */
#include "core/errno.h"
#include "fs/pagecache.h"
#include "fs/tmpfs.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/pmm.h"

struct tdirent {
	struct tdirent *next;
	struct inode *inode; /* held */
	uint64_t cookie;
	size_t len;
	char name[];
};

struct tdir {
	struct tdirent *head, *tail;
	uint64_t next_cookie;
	struct inode *parent; /* not held: a parent cannot go while it has this entry */
};

struct tsb {
	uint64_t next_ino;
};

static const struct inode_ops tmpfs_ops;
static uint64_t next_dev = 0x20;

static bool is_dir(const struct inode *inode)
{
	return S_ISTYPE(inode->mode, S_IFDIR);
}

static struct tdir *dir_of(struct inode *dir)
{
	return dir->priv;
}

static void touch_dir(struct inode *dir)
{
	dir->mtime = dir->ctime = vfs_now();
}

/* A new inode with one reference (the caller's, which becomes the directory entry's). */
static struct inode *new_inode(struct super_block *sb, uint32_t mode)
{
	struct tsb *t = sb->priv;
	bool fresh;
	struct inode *inode = vfs_iget(sb, ++t->next_ino, &fresh);

	if (!inode)
		return NULL;
	inode->mode = mode;
	inode->nlink = 1;
	inode->atime = inode->mtime = inode->ctime = vfs_now();
	inode->ops = &tmpfs_ops;
	if (is_dir(inode)) {
		struct tdir *d = kzalloc(sizeof(*d));
		if (!d) {
			inode->ops = NULL;
			vfs_iput(inode);
			return NULL;
		}
		d->next_cookie = 2;
		inode->priv = d;
		inode->nlink = 2;
		inode->size = 4096;
	}
	return inode;
}

static struct tdirent *find(struct inode *dir, const char *name, size_t len,
			    struct tdirent ***prevp)
{
	struct tdirent **pp = &dir_of(dir)->head, *e;

	for (; (e = *pp); pp = &e->next) {
		if (e->len == len && memcmp(e->name, name, len) == 0) {
			if (prevp)
				*prevp = pp;
			return e;
		}
	}
	return NULL;
}

/* Add an entry for inode (takes the caller's reference on success). */
static int add_entry(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	struct tdir *d = dir_of(dir);
	struct tdirent *e = kmalloc(sizeof(*e) + len + 1);

	if (!e)
		return -ENOMEM;
	e->next = NULL;
	e->inode = inode;
	e->cookie = d->next_cookie++;
	e->len = len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	if (d->tail)
		d->tail->next = e;
	else
		d->head = e;
	d->tail = e;
	touch_dir(dir);
	return 0;
}

/* Unlink entry e (found with prev pointer pp) from dir; returns its inode reference. */
static struct inode *del_entry(struct inode *dir, struct tdirent **pp, struct tdirent *e)
{
	struct tdir *d = dir_of(dir);
	struct inode *inode = e->inode;
	struct tdirent *prev = NULL;

	if (d->tail == e) {
		for (struct tdirent *q = d->head; q && q != e; q = q->next)
			prev = q;
		d->tail = prev;
	}
	*pp = e->next;
	kfree(e);
	touch_dir(dir);
	return inode;
}

static int t_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct tdirent *e = find(dir, name, len, NULL);

	if (!e)
		return -ENOENT;
	*out = vfs_igrab(e->inode);
	return 0;
}

/* Create an inode of mode under dir and give the caller a reference. */
static int make(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **made)
{
	struct inode *inode;
	int r;

	if (find(dir, name, len, NULL))
		return -EEXIST;
	inode = new_inode(dir->sb, mode);
	if (!inode)
		return -ENOSPC;
	if (is_dir(inode))
		dir_of(inode)->parent = dir;
	r = add_entry(dir, name, len, inode);
	if (r < 0) {
		inode->nlink = 0;
		vfs_iput(inode);
		return r;
	}
	if (is_dir(inode))
		dir->nlink++;
	*made = vfs_igrab(inode);
	return 0;
}

static int t_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
		    struct inode **out)
{
	int r;

	if (is_dir(&(struct inode){.mode = mode}))
		return -EINVAL;
	r = make(dir, name, len, mode, out);
	if (r == 0)
		(*out)->rdev = rdev;
	return r;
}

static int t_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode,
		   struct inode **out)
{
	return make(dir, name, len, S_IFDIR | (mode & 07777), out);
}

static int t_symlink(struct inode *dir, const char *name, size_t len, const char *target,
		     struct inode **out)
{
	size_t tlen = strlen(target);
	char *copy = kmalloc(tlen + 1);
	int r;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, target, tlen + 1);
	r = make(dir, name, len, S_IFLNK | 0777, out);
	if (r < 0) {
		kfree(copy);
		return r;
	}
	(*out)->priv = copy;
	(*out)->size = tlen;
	return 0;
}

static int t_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
	int r;

	if (find(dir, name, len, NULL))
		return -EEXIST;
	if (is_dir(target))
		return -EPERM;
	r = add_entry(dir, name, len, vfs_igrab(target));
	if (r < 0) {
		vfs_iput(target);
		return r;
	}
	target->nlink++;
	target->ctime = vfs_now();
	return 0;
}

static int t_unlink(struct inode *dir, const char *name, size_t len)
{
	struct tdirent **pp, *e = find(dir, name, len, &pp);
	struct inode *inode;

	if (!e)
		return -ENOENT;
	if (is_dir(e->inode))
		return -EISDIR;
	inode = del_entry(dir, pp, e);
	inode->nlink--;
	inode->ctime = vfs_now();
	vfs_iput(inode);
	return 0;
}

static int t_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct tdirent **pp, *e = find(dir, name, len, &pp);
	struct inode *inode;

	if (!e)
		return -ENOENT;
	if (!is_dir(e->inode))
		return -ENOTDIR;
	if (dir_of(e->inode)->head)
		return -ENOTEMPTY;
	if (e->inode->mounted)
		return -EBUSY;
	inode = del_entry(dir, pp, e);
	inode->nlink = 0;
	inode->ctime = vfs_now();
	dir->nlink--;
	vfs_iput(inode);
	return 0;
}

/* A directory moved from odir to ndir: fix the link counts and its "..". */
static void moved_dir(struct inode *inode, struct inode *odir, struct inode *ndir)
{
	if (!is_dir(inode) || odir == ndir)
		return;
	odir->nlink--;
	ndir->nlink++;
	dir_of(inode)->parent = ndir;
}

static int t_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		    const char *nname, size_t nlen, unsigned flags)
{
	struct tdirent **opp = NULL, **npp = NULL, *src = find(odir, oname, olen, &opp);
	struct tdirent *dst = find(ndir, nname, nlen, &npp);
	struct inode *sin, *old;

	if (!src)
		return -ENOENT;
	sin = src->inode;
	if (flags & RENAME_EXCHANGE) {
		if (!dst)
			return -ENOENT;
		src->inode = dst->inode;
		dst->inode = sin;
		moved_dir(sin, odir, ndir);
		moved_dir(src->inode, ndir, odir);
		touch_dir(odir);
		touch_dir(ndir);
		return 0;
	}
	if (dst && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (dst) {
		old = dst->inode;
		if (old == sin)
			return 0; /* two names of one file: nothing happens (rename(2)) */
		if (is_dir(sin) && !is_dir(old))
			return -ENOTDIR;
		if (!is_dir(sin) && is_dir(old))
			return -EISDIR;
		if (is_dir(old) && dir_of(old)->head)
			return -ENOTEMPTY;
		if (old->mounted)
			return -EBUSY;
		dst->inode = sin;
		if (is_dir(old)) {
			old->nlink = 0;
			ndir->nlink--;
		} else {
			old->nlink--;
		}
		old->ctime = vfs_now();
		touch_dir(ndir);
		/* src may have moved in the list? No: dst is a different entry. */
		del_entry(odir, opp, src);
		vfs_iput(old);
	} else {
		int r = add_entry(ndir, nname, nlen, sin);
		if (r < 0)
			return r;
		/* Adding may have appended after src in the same directory: find src again. */
		src = find(odir, oname, olen, &opp);
		del_entry(odir, opp, src);
	}
	moved_dir(sin, odir, ndir);
	sin->ctime = vfs_now();
	return 0;
}

static int t_readdir(struct inode *dir, uint64_t *pos, struct dir_emit *ctx)
{
	struct tdir *d = dir_of(dir);

	if (*pos == 0) {
		if (ctx->emit(ctx, ".", 1, dir->ino, DT_DIR, 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		struct inode *up = d->parent ? d->parent : dir;
		if (ctx->emit(ctx, "..", 2, up->ino, DT_DIR, 2))
			return 0;
		*pos = 2;
	}
	for (struct tdirent *e = d->head; e; e = e->next) {
		if (e->cookie < *pos)
			continue;
		if (ctx->emit(ctx, e->name, e->len, e->inode->ino, (e->inode->mode & S_IFMT) >> 12,
			      e->cookie + 1))
			return 0;
		*pos = e->cookie + 1;
	}
	*pos = d->next_cookie;
	return 0;
}

static long t_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = inode->size < size ? (size_t)inode->size : size;

	memcpy(buf, inode->priv, n);
	return (long)n;
}

static int t_setattr(struct inode *inode, const struct iattr *a)
{
	if (a->valid & ATTR_SIZE)
		inode->size = a->size;
	vfs_apply_attr(inode, a);
	return 0;
}

static int t_readpage(struct inode *inode, uint64_t index, void *page)
{
	memset(page, 0, PAGECACHE_PAGE);
	return 0;
}

/* The page is the storage: nothing to write; it stays cached (pinned). */
static int t_writepage(struct inode *inode, uint64_t index, const void *page)
{
	return 0;
}

static void t_evict(struct inode *inode)
{
	if (is_dir(inode)) {
		struct tdir *d = inode->priv;
		struct tdirent *e, *next;
		/* Only an unmounted whole file system would have entries left here. */
		for (e = d ? d->head : NULL; e; e = next) {
			next = e->next;
			vfs_iput(e->inode);
			kfree(e);
		}
	}
	kfree(inode->priv);
	inode->priv = NULL;
}

static int t_statfs(struct super_block *sb, uint64_t *blocks, uint64_t *bfree, uint64_t *files,
		    uint64_t *ffree, uint32_t *bsize)
{
	struct tsb *t = sb->priv;

	*blocks = pmm_total_pages();
	*bfree = pmm_free_pages();
	*ffree = *bfree;
	*files = t->next_ino + *ffree;
	*bsize = PAGECACHE_PAGE;
	return 0;
}

static const struct inode_ops tmpfs_ops = {
	.lookup = t_lookup,
	.create = t_create,
	.mkdir = t_mkdir,
	.symlink = t_symlink,
	.link = t_link,
	.unlink = t_unlink,
	.rmdir = t_rmdir,
	.rename = t_rename,
	.readdir = t_readdir,
	.readlink = t_readlink,
	.setattr = t_setattr,
	.readpage = t_readpage,
	.writepage = t_writepage,
	.evict = t_evict,
};

static const struct super_block_ops tmpfs_sb_ops = {
	.statfs = t_statfs,
};

struct super_block *tmpfs_create(uint32_t root_mode)
{
	struct super_block *sb = kzalloc(sizeof(*sb));
	struct tsb *t = kzalloc(sizeof(*t));

	if (!sb || !t)
		goto fail;
	sb->ops = &tmpfs_sb_ops;
	sb->dev = next_dev++;
	sb->block_size = PAGECACHE_PAGE;
	sb->magic = TMPFS_MAGIC;
	sb->fstype = "tmpfs";
	sb->priv = t;
	sb->pages_pinned = true;
	sb->root = new_inode(sb, S_IFDIR | (root_mode & 07777));
	if (!sb->root)
		goto fail;
	return sb;
fail:
	kfree(t);
	kfree(sb);
	return NULL;
}
