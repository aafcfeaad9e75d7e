/* namei.c: path walking over struct vfs_path chains (namei.h). The walk keeps the path
 * still to resolve in a buffer; a symlink replaces the component it was found at with its
 * target (so "a/link/b" becomes "target/b"), restarting at the root for absolute targets
 * and at the link's directory otherwise. */
#include "core/errno.h"
#include "core/printk.h"
#include "fs/namei.h"
#include "lib/string.h"
#include "mm/heap.h"

static struct vfs_path *root_path, *cwd_path;

struct vfs_path *vfs_path_get(struct vfs_path *p)
{
	BUG_ON(!p || p->refs == 0);
	p->refs++;
	return p;
}

void vfs_path_put(struct vfs_path *p)
{
	while (p) {
		struct vfs_path *parent = p->parent;
		BUG_ON(p->refs == 0);
		if (--p->refs > 0)
			return;
		vfs_iput(p->inode);
		kfree(p);
		p = parent;
	}
}

struct vfs_path *vfs_path_child(struct vfs_path *parent, const char *name, size_t len,
				struct inode *inode)
{
	struct vfs_path *p = kmalloc(sizeof(*p) + len + 1);

	if (!p)
		return NULL;
	p->parent = parent ? vfs_path_get(parent) : NULL;
	p->inode = inode;
	p->refs = 1;
	p->len = len;
	memcpy(p->name, name, len);
	p->name[len] = '\0';
	return p;
}

long vfs_path_string(const struct vfs_path *p, char *buf, size_t size)
{
	size_t total = 0, pos;
	const struct vfs_path *q;

	for (q = p; q && q->parent; q = q->parent)
		total += q->len + 1;
	if (total == 0)
		total = 1; /* "/" */
	if (total + 1 > size)
		return -ERANGE;
	buf[total] = '\0';
	buf[0] = '/';
	pos = total;
	for (q = p; q && q->parent; q = q->parent) {
		pos -= q->len;
		memcpy(buf + pos, q->name, q->len);
		buf[--pos] = '/';
	}
	return (long)total;
}

bool vfs_path_within(const struct vfs_path *p, const struct inode *anc)
{
	for (; p; p = p->parent)
		if (p->inode == anc)
			return true;
	return false;
}

void vfs_namei_init(void)
{
	struct super_block *sb = vfs_root_sb();

	BUG_ON(!sb || !sb->root);
	vfs_path_put(root_path);
	vfs_path_put(cwd_path);
	root_path = vfs_path_child(NULL, "", 0, vfs_igrab(sb->root));
	BUG_ON(!root_path);
	cwd_path = vfs_path_get(root_path);
}

struct vfs_path *vfs_root(void)
{
	return root_path;
}

struct vfs_path *vfs_cwd(void)
{
	return cwd_path;
}

void vfs_set_cwd(struct vfs_path *p)
{
	vfs_path_put(cwd_path);
	cwd_path = p;
}

static bool is_dir(const struct inode *inode)
{
	return S_ISTYPE(inode->mode, S_IFDIR);
}

int vfs_lookup_one(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct inode *child;
	int r;

	if (!is_dir(dir))
		return -ENOTDIR;
	if (!dir->ops || !dir->ops->lookup)
		return -ENOENT;
	if (len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	r = dir->ops->lookup(dir, name, len, &child);
	if (r < 0)
		return r;
	while (child->mounted) {
		struct inode *root = vfs_igrab(child->mounted->root);
		vfs_iput(child);
		child = root;
	}
	*out = child;
	return 0;
}

struct walk {
	char *buf, *tmp; /* VFS_PATH_MAX each: the path still to resolve, scratch */
	struct vfs_path *cur;
	int links;
};

/* Replace the walk's remaining path with target + "/" + rest (rest: what followed the
 * symlink's component; keep_slash: the symlink's component had a trailing slash). */
static int splice_link(struct walk *w, struct inode *link, const char *rest, bool keep_slash)
{
	long n;
	size_t rlen = strlen(rest);

	if (++w->links > VFS_SYMLINK_MAX)
		return -ELOOP;
	if (!link->ops || !link->ops->readlink)
		return -EINVAL;
	n = link->ops->readlink(link, w->tmp, VFS_PATH_MAX - 1);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENOENT;
	if ((size_t)n + 1 + rlen + 1 > VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (rlen || keep_slash)
		w->tmp[n++] = '/';
	memcpy(w->tmp + n, rest, rlen + 1);
	memcpy(w->buf, w->tmp, (size_t)n + rlen + 1);
	if (w->buf[0] == '/') {
		vfs_path_put(w->cur);
		w->cur = vfs_path_get(root_path);
	}
	return 0;
}

/* The walk proper; last != NULL selects parent mode. */
static int walk(struct vfs_path *base, const char *path, unsigned flags, struct vfs_path **out,
		struct vfs_last *last)
{
	struct walk w = {0};
	const char *p;
	bool must_dir = false;
	int r = 0;

	if (!root_path)
		return -ENOENT;
	if (path[0] == '\0') {
		if (last || !(flags & NAMEI_EMPTY))
			return -ENOENT;
		*out = vfs_path_get(base ? base : cwd_path);
		return 0;
	}
	if (strnlen(path, VFS_PATH_MAX) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	w.buf = kmalloc(2 * VFS_PATH_MAX);
	if (!w.buf)
		return -ENOMEM;
	w.tmp = w.buf + VFS_PATH_MAX;
	strlcpy(w.buf, path, VFS_PATH_MAX);
	w.cur = vfs_path_get(path[0] == '/' ? root_path : base ? base : cwd_path);
	p = w.buf;
	for (;;) {
		const char *name, *next;
		size_t len;
		bool is_last, slash;
		struct inode *child;

		while (*p == '/')
			p++;
		if (*p == '\0') {
			if (last) { /* "/" or "a/.."-style paths end without a last component */
				last->kind = VFS_LAST_ROOT;
				break;
			}
			break;
		}
		name = p;
		for (next = p; *next && *next != '/'; next++)
			;
		len = (size_t)(next - name);
		if (len > VFS_NAME_MAX) {
			r = -ENAMETOOLONG;
			break;
		}
		slash = *next == '/';
		p = next;
		while (*p == '/')
			p++;
		is_last = *p == '\0';
		if (!is_dir(w.cur->inode)) {
			r = -ENOTDIR;
			break;
		}
		if (is_last && last) {
			memcpy(last->name, name, len);
			last->name[len] = '\0';
			last->len = len;
			last->slash = slash;
			last->kind = len == 1 && name[0] == '.' ? VFS_LAST_DOT
				     : len == 2 && name[0] == '.' && name[1] == '.'
					     ? VFS_LAST_DOTDOT
					     : VFS_LAST_NORM;
			break;
		}
		if (is_last && slash)
			must_dir = true;
		if (len == 1 && name[0] == '.')
			continue;
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			if (w.cur->parent) {
				struct vfs_path *up = vfs_path_get(w.cur->parent);
				vfs_path_put(w.cur);
				w.cur = up;
			}
			continue;
		}
		r = vfs_lookup_one(w.cur->inode, name, len, &child);
		if (r < 0)
			break;
		if (S_ISTYPE(child->mode, S_IFLNK) &&
		    (!is_last || slash || (flags & NAMEI_FOLLOW))) {
			/* rest is in buf itself: splice copies via tmp, so overlap is fine. */
			r = splice_link(&w, child, is_last ? "" : p, slash && is_last);
			vfs_iput(child);
			if (r < 0)
				break;
			p = w.buf;
			continue;
		}
		struct vfs_path *np = vfs_path_child(w.cur, name, len, child);
		if (!np) {
			vfs_iput(child);
			r = -ENOMEM;
			break;
		}
		vfs_path_put(w.cur);
		w.cur = np;
	}
	kfree(w.buf);
	if (r == 0 && !last && (must_dir || (flags & NAMEI_DIRECTORY)) && !is_dir(w.cur->inode))
		r = -ENOTDIR;
	if (r < 0) {
		vfs_path_put(w.cur);
		return r;
	}
	if (last)
		last->dir = w.cur;
	else
		*out = w.cur;
	return 0;
}

int vfs_lookup(struct vfs_path *base, const char *path, unsigned flags, struct vfs_path **out)
{
	return walk(base, path, flags, out, NULL);
}

int vfs_lookup_parent(struct vfs_path *base, const char *path, struct vfs_last *out)
{
	memset(out, 0, sizeof(*out));
	return walk(base, path, 0, NULL, out);
}

void vfs_last_put(struct vfs_last *last)
{
	vfs_path_put(last->dir);
	last->dir = NULL;
}
