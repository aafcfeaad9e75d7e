/* genfs.c: the VFS side of generated file systems (genfs.h). Inodes are made on lookup
 * and live only while referenced (the inode cache keeps nothing else); their numbers
 * encode what they are, so no private state is needed: a table node i is inode i + 1
 * (the root is 1, as in Linux's procfs), entry n of the numbered directory at node d is
 * ((d + 1) << 32) | n. Readdir positions: 0 ".", 1 "..", 2 + i for table node i, then
 * 2 + count + n for numbered entry n, so a listing resumes correctly after entries come
 * and go. */
#include "core/errno.h"
#include "fs/file.h"
#include "fs/genfs.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"

#define DYN_SHIFT 32

static const struct inode_ops genfs_ops;
static uint64_t next_dev = 0x10; /* below tmpfs's numbers (tmpfs.c starts at 0x20) */

static const struct genfs_table *table_of(const struct inode *inode)
{
	return inode->sb->priv;
}

/* The table node an inode is, or (when it is a numbered entry) its directory's, with
 * *n set and true returned. */
static bool decode(const struct inode *inode, size_t *node, unsigned long *n)
{
	uint64_t hi = inode->ino >> DYN_SHIFT;

	if (hi) {
		*node = (size_t)(hi - 1);
		*n = (unsigned long)(inode->ino & 0xffffffffu);
		return true;
	}
	*node = (size_t)(inode->ino - 1);
	return false;
}

static unsigned dtype_of(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return DT_DIR;
	case S_IFLNK:
		return DT_LNK;
	case S_IFREG:
		return DT_REG;
	}
	return DT_UNKNOWN;
}

static int get_inode(struct super_block *sb, uint64_t ino, uint32_t mode, uint32_t nlink,
		     struct inode **out)
{
	bool fresh;
	struct inode *inode = vfs_iget(sb, ino, &fresh);

	if (!inode)
		return -ENOMEM;
	if (fresh) {
		inode->mode = mode;
		inode->nlink = nlink;
		inode->ops = &genfs_ops;
		inode->atime = inode->mtime = inode->ctime = vfs_now();
	}
	*out = inode;
	return 0;
}

static int node_inode(struct super_block *sb, size_t i, struct inode **out)
{
	const struct genfs_table *t = sb->priv;
	uint32_t nlink = 1;

	if (S_ISTYPE(t->nodes[i].mode, S_IFDIR)) {
		nlink = 2;
		for (size_t k = 1; k < t->count; k++)
			if (t->nodes[k].parent == i && S_ISTYPE(t->nodes[k].mode, S_IFDIR))
				nlink++;
	}
	return get_inode(sb, i + 1, t->nodes[i].mode, nlink, out);
}

static uint64_t dyn_ino(size_t dir, unsigned long n)
{
	return ((uint64_t)(dir + 1) << DYN_SHIFT) | n;
}

/* A canonical decimal number below 2^31 ("0", "17"; not "017" or "+1"). */
static bool parse_number(const char *name, size_t len, unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 9 || (len > 1 && name[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(name[i] - '0');
	}
	*out = v;
	return true;
}

/* The table directory whose children dir lists: itself, or the template of a numbered
 * directory entry (*n set, *numbered true). -ENOTDIR for numbered entries that are not
 * directories, -ENOENT when the entry went away. */
static int dir_node(const struct genfs_table *t, const struct inode *dir, size_t *node,
		    unsigned long *n, bool *numbered)
{
	size_t d;
	const struct genfs_dyn *dyn;

	*numbered = decode(dir, &d, n);
	if (!*numbered) {
		*node = d;
		return 0;
	}
	dyn = t->nodes[d].dyn;
	if (!dyn || !dyn->tmpl)
		return -ENOTDIR;
	if (dyn->next(*n) != (long)*n)
		return -ENOENT;
	*node = dyn->tmpl;
	return 0;
}

static int g_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	const struct genfs_table *t = table_of(dir);
	const struct genfs_dyn *dyn;
	size_t d;
	unsigned long n;
	bool numbered;
	int r = dir_node(t, dir, &d, &n, &numbered);

	if (r < 0)
		return r;
	for (size_t i = 1; i < t->count; i++) {
		const struct genfs_node *nd = &t->nodes[i];
		if (nd->parent != d || !nd->name || strlen(nd->name) != len ||
		    memcmp(nd->name, name, len) != 0)
			continue;
		if (numbered)
			return get_inode(dir->sb, dyn_ino(i, n), nd->mode, 1, out);
		return node_inode(dir->sb, i, out);
	}
	dyn = numbered ? NULL : t->nodes[d].dyn;
	if (dyn && parse_number(name, len, &n) && dyn->next(n) == (long)n)
		return get_inode(dir->sb, dyn_ino(d, n), dyn->mode,
				 S_ISTYPE(dyn->mode, S_IFDIR) ? 2 : 1, out);
	return -ENOENT;
}

static int g_readdir(struct inode *dir, uint64_t *pos, struct dir_emit *ctx)
{
	const struct genfs_table *t = table_of(dir);
	const struct genfs_dyn *dyn;
	size_t d;
	unsigned long n;
	uint64_t base = 2 + t->count;
	bool numbered;
	int err = dir_node(t, dir, &d, &n, &numbered);

	if (err < 0)
		return err;
	if (*pos == 0) {
		if (ctx->emit(ctx, ".", 1, dir->ino, DT_DIR, 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		/* A template's parent is the numbered directory holding the entry. */
		if (ctx->emit(ctx, "..", 2, t->nodes[d].parent + 1, DT_DIR, 2))
			return 0;
		*pos = 2;
	}
	for (size_t i = (size_t)(*pos - 2); *pos < base && i < t->count; i++, *pos = 2 + i) {
		const struct genfs_node *nd = &t->nodes[i];
		if (i == 0 || nd->parent != d || !nd->name)
			continue;
		if (ctx->emit(ctx, nd->name, strlen(nd->name), numbered ? dyn_ino(i, n) : i + 1,
			      dtype_of(nd->mode), 2 + i + 1))
			return 0;
	}
	dyn = numbered ? NULL : t->nodes[d].dyn;
	if (!dyn)
		return 0;
	for (long r = dyn->next((unsigned long)(*pos - base)); r >= 0;
	     r = dyn->next((unsigned long)(*pos - base))) {
		char name[24];
		int len = fmt_snprintf(name, sizeof(name), "%ld", r);

		*pos = base + (uint64_t)r;
		if (ctx->emit(ctx, name, (size_t)len, dyn_ino(d, (unsigned long)r),
			      dtype_of(dyn->mode), *pos + 1))
			return 0;
		*pos += 1;
	}
	return 0;
}

static long g_readlink(struct inode *inode, char *buf, size_t size)
{
	const struct genfs_table *t = table_of(inode);
	size_t d;
	unsigned long n;

	if (decode(inode, &d, &n) && t->nodes[d].dyn)
		return t->nodes[d].dyn->link ? t->nodes[d].dyn->link(n, buf, size) : -EINVAL;
	/* A table node, or a template's child (the same target for every entry). */
	return t->nodes[d].link ? t->nodes[d].link(buf, size) : -EINVAL;
}

static long g_read(struct file *f, void *buf, size_t size, uint64_t off)
{
	const struct genfs_table *t = table_of(f->inode);
	struct genfs_out o;
	size_t d;
	unsigned long n = 0;

	if ((int64_t)off < 0)
		return -EINVAL;
	genfs_out_init(&o, buf, size, off);
	if (decode(f->inode, &d, &n) && t->nodes[d].dyn) {
		if (!t->nodes[d].dyn->show)
			return -EINVAL;
		t->nodes[d].dyn->show(n, &o);
	} else if (t->nodes[d].show_n) {
		t->nodes[d].show_n(n, &o); /* a template's child for entry n */
	} else {
		if (!t->nodes[d].show)
			return -EINVAL;
		t->nodes[d].show(&o);
	}
	return (long)genfs_out_count(&o);
}

static long g_write(struct file *f, const void *buf, size_t n, uint64_t off)
{
	return -EACCES; /* not reached: opening for writing is refused */
}

static int g_open(struct file *f)
{
	return vfs_file_writable(f) ? -EACCES : 0;
}

static int g_setattr(struct inode *inode, const struct iattr *attr)
{
	return -EPERM;
}

static const struct inode_ops genfs_ops = {
	.lookup = g_lookup,
	.readdir = g_readdir,
	.readlink = g_readlink,
	.read = g_read,
	.write = g_write,
	.open = g_open,
	.setattr = g_setattr,
};

struct super_block *genfs_create(const struct genfs_table *t, uint32_t magic, const char *fstype)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->dev = next_dev++;
	sb->block_size = 4096;
	sb->magic = magic;
	sb->fstype = fstype;
	sb->priv = (void *)(uintptr_t)t;
	if (node_inode(sb, 0, &sb->root) < 0) {
		kfree(sb);
		return NULL;
	}
	return sb;
}
