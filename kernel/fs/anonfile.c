/* anonfile.c: files with no name (anonfile.h). Their inodes live in one super block that
 * is never mounted: it gives them a device number for st_dev and a place in the inode
 * cache, and nothing else (no inode operations: data goes through f->fops). Inode numbers
 * only grow, so a pipe's "pipe:[ino]" never names two pipes in one run. */
#include "fs/anonfile.h"
#include "core/errno.h"
#include "mm/heap.h"

static struct super_block anon_sb = {
	.dev = 0x0e, /* 0:14, an unnamed device number as Linux gives pipefs/anon_inodefs */
	.block_size = 4096,
	.magic = 0x09041934, /* ANON_INODE_FS_MAGIC */
	.fstype = "anon_inodefs",
};
static uint64_t next_ino = 1;

struct inode *anon_inode_new(uint32_t mode)
{
	bool fresh;
	struct inode *in = vfs_iget(&anon_sb, next_ino++, &fresh);

	if (!in)
		return NULL;
	in->mode = mode;
	in->nlink = 1;
	in->atime = in->mtime = in->ctime = vfs_now();
	return in;
}

int anon_file_open(struct inode *inode, const struct file_ops *fops, void *priv, unsigned flags,
		   struct file **out)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->inode = vfs_igrab(inode);
	f->flags = flags & (O_ACCMODE | O_NONBLOCK | O_DIRECT);
	f->refs = 1;
	f->stream = true;
	f->fops = fops;
	f->priv = priv;
	*out = f;
	return 0;
}

int anon_file_new(uint32_t mode, const struct file_ops *fops, void *priv, unsigned flags,
		  struct file **out)
{
	struct inode *in = anon_inode_new(mode);
	int r;

	if (!in)
		return -ENOMEM;
	r = anon_file_open(in, fops, priv, flags, out);
	vfs_iput(in);
	return r;
}
