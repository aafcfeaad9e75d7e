/* file.c: open files (file.h): open(2)'s checks, reads and writes dispatched to devices,
 * to the inode's own read/write, or to the page cache, lseek, ioctl and directory
 * listing. */
#include "core/errno.h"
#include "fs/devfs.h"
#include "fs/file.h"
#include "drivers/tty_ioctl.h"
#include "fs/pagecache.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/uaccess.h"

static bool is_type(const struct inode *inode, uint32_t type)
{
	return S_ISTYPE(inode->mode, type);
}

struct file *vfs_file_get(struct file *f)
{
	f->refs++;
	return f;
}

void vfs_file_put(struct file *f)
{
	if (!f || --f->refs > 0)
		return;
	while (f->watches) {
		struct file_watch *w = f->watches;
		f->watches = w->next;
		w->gone(w, f);
	}
	if (f->fops && f->fops->release)
		f->fops->release(f);
	vfs_iput(f->inode);
	vfs_path_put(f->path);
	kfree(f);
}

bool vfs_file_readable(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;
	return !(f->flags & O_PATH) && (acc == O_RDONLY || acc == O_RDWR);
}

bool vfs_file_writable(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;
	return !(f->flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR);
}

/* The program's file under exec protection (vfs_protect_program), or NULL. */
static struct inode *protected_program;

void vfs_protect_program(struct inode *inode)
{
	if (protected_program)
		vfs_iput(protected_program);
	protected_program = vfs_igrab(inode);
}

int vfs_open_path(struct vfs_path *p, unsigned flags, struct file **out)
{
	struct inode *inode = p->inode;
	bool write = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
	struct file *f;
	int r;

	if ((flags & O_DIRECTORY) && !is_type(inode, S_IFDIR))
		return -ENOTDIR;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW;
	else if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	f = kzalloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->inode = vfs_igrab(inode);
	f->path = vfs_path_get(p);
	f->flags = flags & ~(unsigned)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	f->refs = 1;
	if (flags & O_PATH) {
		*out = f;
		return 0;
	}
	r = 0;
	if (is_type(inode, S_IFDIR) && write)
		r = -EISDIR;
	else if (is_type(inode, S_IFLNK))
		r = -ELOOP;
	else if (write && inode->sb->read_only && !is_type(inode, S_IFCHR))
		r = -EROFS;
	else if (write && inode == protected_program)
		r = -EACCES;
	else if (is_type(inode, S_IFCHR)) {
		f->dev = vfs_chrdev_find(inode->rdev);
		if (!f->dev)
			r = -ENXIO;
		else
			f->stream = f->dev->stream;
	} else if (is_type(inode, S_IFBLK) || is_type(inode, S_IFIFO) || is_type(inode, S_IFSOCK))
		r = -ENXIO; /* no block devices, pipes or sockets behind names yet */
	if (r == 0 && inode->ops && inode->ops->open)
		r = inode->ops->open(f);
	if (r == 0 && (flags & O_TRUNC) && is_type(inode, S_IFREG) && inode->size)
		r = vfs_truncate(inode, 0);
	if (r < 0) {
		vfs_file_put(f);
		return r;
	}
	*out = f;
	return 0;
}

/* open with O_CREAT: resolve the parent, then find or create the last component. Another
 * thread may create the name between the lookup and the create (EEXIST): without O_EXCL
 * that file is opened, as on Linux, by looking again (a few times at most). */
static int open_creat(struct vfs_path *base, const char *path, unsigned flags, uint32_t mode,
		      struct vfs_path **out)
{
	struct vfs_last last;
	struct inode *dir, *child = NULL;
	int tries = 0;
	int r = vfs_lookup_parent(base, path, &last);

	if (r < 0)
		return r;
	dir = last.dir->inode;
	if (last.kind != VFS_LAST_NORM) {
		vfs_last_put(&last);
		return -EISDIR;
	}
again:
	r = vfs_lookup_one(dir, last.name, last.len, &child);
	if (r == 0) {
		if (flags & O_EXCL) {
			r = -EEXIST;
		} else if (is_type(child, S_IFLNK) && !(flags & O_NOFOLLOW)) {
			/* Follow it (a dangling link is ENOENT here; Linux would create). */
			vfs_iput(child);
			vfs_last_put(&last);
			return vfs_lookup(base, path, NAMEI_FOLLOW, out);
		} else if (last.slash && !is_type(child, S_IFDIR)) {
			r = -ENOTDIR;
		}
	} else if (r == -ENOENT) {
		child = NULL;
		if (last.slash)
			r = -EISDIR;
		else if (dir->sb->read_only)
			r = -EROFS;
		else if (!dir->ops || !dir->ops->create)
			r = -EPERM;
		else
			r = dir->ops->create(dir, last.name, last.len, S_IFREG | (mode & 07777), 0,
					     &child);
		if (r == -EEXIST && !(flags & O_EXCL) && ++tries < 4)
			goto again;
	} else {
		child = NULL;
	}
	if (r == 0) {
		*out = vfs_path_child(last.dir, last.name, last.len, child);
		if (!*out)
			r = -ENOMEM;
		else
			child = NULL; /* the path link owns it */
	}
	if (r < 0 && child)
		vfs_iput(child);
	vfs_last_put(&last);
	return r;
}

int vfs_open(struct vfs_path *base, const char *path, unsigned flags, uint32_t mode,
	     struct file **out)
{
	struct vfs_path *p;
	unsigned lf = 0;
	int r;

	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if (!(flags & O_NOFOLLOW))
		lf |= NAMEI_FOLLOW;
	if (flags & O_DIRECTORY)
		lf |= NAMEI_DIRECTORY;
	if ((flags & O_CREAT) && !(flags & O_PATH))
		r = open_creat(base, path, flags, mode, &p);
	else
		r = vfs_lookup(base, path, lf, &p);
	if (r < 0)
		return r;
	if (is_type(p->inode, S_IFLNK) && !(flags & O_PATH))
		r = -ELOOP;
	else if ((flags & O_CREAT) && !(flags & O_PATH) && is_type(p->inode, S_IFDIR))
		r = -EISDIR; /* open(2): O_CREAT on an existing directory */
	else
		r = vfs_open_path(p, flags, out);
	vfs_path_put(p);
	return r;
}

long vfs_read(struct file *f, void *buf, size_t n, uint64_t off)
{
	struct inode *inode = f->inode;

	if (!vfs_file_readable(f))
		return -EBADF;
	if (f->fops)
		return f->fops->read ? f->fops->read(f, buf, n) : -EINVAL;
	if (is_type(inode, S_IFDIR))
		return -EISDIR;
	if (f->dev)
		return f->dev->read ? f->dev->read(f, buf, n) : -EINVAL;
	if (inode->ops && inode->ops->read)
		return inode->ops->read(f, buf, n, off);
	if (!is_type(inode, S_IFREG))
		return -EINVAL;
	if ((int64_t)off < 0)
		return -EINVAL;
	return pagecache_read(inode, buf, n, off);
}

long vfs_write(struct file *f, const void *buf, size_t n, uint64_t off, uint64_t *end)
{
	struct inode *inode = f->inode;
	long r;

	if (!vfs_file_writable(f))
		return -EBADF;
	if (f->fops)
		return f->fops->write ? f->fops->write(f, buf, n) : -EINVAL;
	if (f->dev)
		return f->dev->write ? f->dev->write(f, buf, n) : -EINVAL;
	if (inode->ops && inode->ops->write)
		return inode->ops->write(f, buf, n, off);
	if (!is_type(inode, S_IFREG))
		return -EINVAL;
	if (inode->sb->read_only)
		return -EROFS;
	if (f->flags & O_APPEND)
		off = inode->size;
	if ((int64_t)off < 0)
		return -EINVAL;
	if (n == 0)
		return 0;
	r = pagecache_write(inode, buf, n, off);
	if (r > 0 && end)
		*end = off + (uint64_t)r;
	return r;
}

long vfs_read_pos(struct file *f, void *buf, size_t n)
{
	long r = vfs_read(f, buf, n, f->pos);

	if (r > 0 && !f->stream)
		f->pos += (uint64_t)r;
	return r;
}

long vfs_write_pos(struct file *f, const void *buf, size_t n)
{
	uint64_t end = f->pos;
	long r = vfs_write(f, buf, n, f->pos, &end);

	if (r > 0 && !f->stream) {
		if (f->dev || (f->inode->ops && f->inode->ops->write))
			f->pos += (uint64_t)r;
		else
			f->pos = end;
	}
	return r;
}

/* SEEK_DATA / SEEK_HOLE: data is every byte below the size, except pages a pinned
 * (memory-backed) file never wrote, which are holes. */
static int64_t seek_data_hole(struct file *f, uint64_t off, bool data)
{
	struct inode *inode = f->inode;
	uint64_t size = inode->size, idx;

	if (off >= size)
		return -ENXIO;
	if (!inode->sb->pages_pinned)
		return data ? (int64_t)off : (int64_t)size;
	for (idx = off / PAGECACHE_PAGE; idx * PAGECACHE_PAGE < size; idx++) {
		if (pagecache_cached(inode, idx) == data) {
			uint64_t at = idx * PAGECACHE_PAGE;
			return (int64_t)(at > off ? at : off);
		}
	}
	return data ? -ENXIO : (int64_t)size;
}

int64_t vfs_lseek(struct file *f, int64_t off, int whence)
{
	int64_t base;

	if (f->stream)
		return -ESPIPE;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		base = (int64_t)f->inode->size;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (off < 0)
			return -ENXIO;
		if (!is_type(f->inode, S_IFREG))
			return -EINVAL;
		base = seek_data_hole(f, (uint64_t)off, whence == SEEK_DATA);
		if (base >= 0)
			f->pos = (uint64_t)base;
		return base;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

long vfs_ioctl(struct file *f, unsigned req, uint64_t arg)
{
	struct inode *inode = f->inode;

	if (f->flags & O_PATH)
		return -EBADF;
	if (f->fops && req == FIONBIO) {
		int on;
		if (copy_from_user(&on, (void *)(uintptr_t)arg, sizeof(on)) < 0)
			return -EFAULT;
		f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~(unsigned)O_NONBLOCK;
		return 0;
	}
	if (f->fops)
		return f->fops->ioctl ? f->fops->ioctl(f, req, arg) : -ENOTTY;
	if (f->dev)
		return f->dev->ioctl ? f->dev->ioctl(f, req, arg) : -ENOTTY;
	if (inode->ops && inode->ops->ioctl)
		return inode->ops->ioctl(f, req, arg);
	if (req == FIONREAD && is_type(inode, S_IFREG)) {
		uint64_t left = inode->size > f->pos ? inode->size - f->pos : 0;
		int v = left > 0x7fffffff ? 0x7fffffff : (int)left;
		return copy_to_user((void *)(uintptr_t)arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
	}
	return -ENOTTY;
}

struct dirent_ctx {
	struct dir_emit emit;
	char *buf;
	size_t size, used;
	bool stopped; /* an entry did not fit */
};

struct linux_dirent64_head {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
} __attribute__((packed));

static int emit_dirent(struct dir_emit *ctx, const char *name, size_t len, uint64_t ino,
		       unsigned dtype, uint64_t next)
{
	struct dirent_ctx *c = (struct dirent_ctx *)ctx;
	size_t reclen = (sizeof(struct linux_dirent64_head) + len + 1 + 7) & ~(size_t)7;
	struct linux_dirent64_head h = {ino, (int64_t)next, (uint16_t)reclen, (uint8_t)dtype};

	if (c->used + reclen > c->size) {
		c->stopped = true;
		return 1;
	}
	memcpy(c->buf + c->used, &h, sizeof(h));
	memcpy(c->buf + c->used + sizeof(h), name, len);
	memset(c->buf + c->used + sizeof(h) + len, 0, reclen - sizeof(h) - len);
	c->used += reclen;
	return 0;
}

long vfs_getdents64(struct file *f, void *buf, size_t size)
{
	struct inode *inode = f->inode;
	struct dirent_ctx c = {{emit_dirent}, buf, size, 0, false};
	int r;

	if (f->flags & O_PATH)
		return -EBADF;
	if (!is_type(inode, S_IFDIR))
		return -ENOTDIR;
	if (!inode->ops || !inode->ops->readdir)
		return 0;
	r = inode->ops->readdir(inode, &f->pos, &c.emit);
	if (r < 0 && c.used == 0)
		return r;
	if (c.used == 0 && c.stopped)
		return -EINVAL;
	return (long)c.used;
}

int vfs_setattr(struct inode *inode, const struct iattr *attr)
{
	if (inode->sb->read_only)
		return -EROFS;
	if (inode->ops && inode->ops->setattr)
		return inode->ops->setattr(inode, attr);
	if (attr->valid & ATTR_SIZE)
		inode->size = attr->size;
	vfs_apply_attr(inode, attr);
	vfs_mark_dirty(inode);
	return 0;
}

int vfs_truncate(struct inode *inode, uint64_t size)
{
	struct iattr a = {0};

	if (is_type(inode, S_IFDIR))
		return -EISDIR;
	if (!is_type(inode, S_IFREG))
		return -EINVAL;
	if (size >= (1ULL << 44))
		return -EFBIG;
	if (inode->sb->read_only)
		return -EROFS;
	if (inode == protected_program)
		return -EACCES;
	pagecache_truncate(inode, size);
	a.valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME;
	a.size = size;
	a.mtime = a.ctime = vfs_now();
	return vfs_setattr(inode, &a);
}

int vfs_fsync(struct inode *inode)
{
	int r = pagecache_writeback(inode);

	/* Always ask the file system, not only when inode->dirty: writing pages back may have
	 * allocated blocks and changed metadata (the inode, indirect blocks, bitmaps) that the
	 * file system has staged without marking the inode dirty again. */
	if (r == 0 && inode->ops && inode->ops->fsync) {
		r = inode->ops->fsync(inode);
		if (r == 0)
			inode->dirty = false;
	}
	return r;
}
