/* sys_io.c: moving data: read, write, their vectored and positioned forms, lseek, ioctl,
 * sendfile and copy_file_range, on any open file (fs/file.h).
 *
 * Program memory goes through the bounce buffer (sys_fs.h) in chunks. As in Linux, a
 * count is capped at MAX_RW_COUNT, a range outside user space is EFAULT up front, and a
 * fault part way through returns the bytes done so far (EFAULT if none). Regular files
 * loop over chunks; devices (the console, /dev/zero, ...) get one call of at most one
 * chunk, which is what a tty read returns anyway. */
#include <stdbool.h>

#include "core/errno.h"
#include "fs/pagecache.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"
#include "syscall/sys_fs.h"

#define UIO_MAXIOV 1024
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* A file whose data is in the page cache (several chunks per call make sense). */
static bool cached(const struct file *f)
{
	return !f->dev && S_ISTYPE(f->inode->mode, S_IFREG) &&
	       !(f->inode->ops && (f->inode->ops->read || f->inode->ops->write));
}

/* How many bytes at ubuf can be read, after copy_from_user of n failed. */
static size_t readable_prefix(char *dst, uint64_t ubuf, size_t n)
{
	size_t ok = 0;

	while (ok < n && copy_from_user(dst + ok, sys_fs_uptr(ubuf + ok), 1) == 0)
		ok++;
	return ok;
}

/* One transfer between program memory and f; off < 0: at the file position. Blocking
 * writes to special files (pipes) continue chunk after chunk as a pipe write must. */
static long transfer(struct file *f, uint64_t ubuf, size_t count, bool write, int64_t off)
{
	char *bounce;
	size_t done = 0;
	long r = 0;

	if (!user_range_ok(ubuf, count))
		return -EFAULT; /* Linux's access_ok: even for 0 bytes, before the clamp */
	count = min_size(count, MAX_RW_COUNT);
	if (count == 0)
		return 0;
	bounce = sys_fs_bounce_get();
	if (!bounce)
		return -ENOMEM;
	while (done < count) {
		size_t n = min_size(count - done, SYS_FS_BOUNCE);
		uint64_t at = off < 0 ? 0 : (uint64_t)off + done;
		bool fault = false;

		if (write) {
			if (copy_from_user(bounce, sys_fs_uptr(ubuf + done), n) < 0) {
				n = readable_prefix(bounce, ubuf + done, n);
				fault = true;
				if (n == 0) {
					r = -EFAULT;
					break;
				}
			}
			r = off < 0 ? vfs_write_pos(f, bounce, n)
				    : vfs_write(f, bounce, n, at, NULL);
		} else {
			r = off < 0 ? vfs_read_pos(f, bounce, n) : vfs_read(f, bounce, n, at);
			if (r > 0 &&
			    copy_to_user(sys_fs_uptr(ubuf + done), bounce, (size_t)r) < 0) {
				r = -EFAULT;
				break;
			}
		}
		if (r < 0)
			break;
		done += (size_t)r;
		if ((size_t)r < n || fault || !(cached(f) || (write && f->fops)))
			break;
	}
	sys_fs_bounce_put(bounce);
	return done ? (long)done : r;
}

long sys_read(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);

	if (!f || !vfs_file_readable(f))
		return -EBADF;
	return transfer(f, a->arg[1], a->arg[2], false, -1);
}

long sys_write(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);

	if (!f || !vfs_file_writable(f))
		return -EBADF;
	return transfer(f, a->arg[1], a->arg[2], true, -1);
}

/* pread/pwrite: a negative offset is EINVAL before anything else, then EBADF, then
 * ESPIPE for files without a position (Linux's order). */
static struct file *positioned(const struct syscall_args *a, long *err)
{
	struct file *f;

	*err = 0;
	if ((int64_t)a->arg[3] < 0) {
		*err = -EINVAL;
		return NULL;
	}
	f = sys_fs_file((int)a->arg[0]);
	if (!f || (f->flags & O_PATH))
		*err = -EBADF;
	else if (f->stream)
		*err = -ESPIPE;
	return *err ? NULL : f;
}

long sys_pread64(const struct syscall_args *a)
{
	long err;
	struct file *f = positioned(a, &err);

	if (!f)
		return err;
	if (!vfs_file_readable(f))
		return -EBADF;
	return transfer(f, a->arg[1], a->arg[2], false, (int64_t)a->arg[3]);
}

long sys_pwrite64(const struct syscall_args *a)
{
	long err;
	struct file *f = positioned(a, &err);

	if (!f)
		return err;
	if (!vfs_file_writable(f))
		return -EBADF;
	/* Linux: pwrite on an O_APPEND file appends (the offset is ignored). */
	return transfer(f, a->arg[1], a->arg[2], true, (int64_t)a->arg[3]);
}

struct io_vec {
	uint64_t base, len;
};

/* Linux checks the whole vector before any transfer: count <= UIO_MAXIOV, no negative
 * length, every buffer inside user space. Returns the total (capped) or -errno. */
static long check_iov(uint64_t uiov, uint64_t count)
{
	struct io_vec v;
	uint64_t total = 0;

	if (count > UIO_MAXIOV)
		return -EINVAL;
	for (uint64_t i = 0; i < count; i++) {
		if (copy_from_user(&v, sys_fs_uptr(uiov + i * sizeof(v)), sizeof(v)) < 0)
			return -EFAULT;
		if ((int64_t)v.len < 0)
			return -EINVAL;
		if (!user_range_ok(v.base, v.len))
			return -EFAULT;
		total += v.len;
		if (total > MAX_RW_COUNT)
			total = MAX_RW_COUNT;
	}
	return (long)total;
}

/* A device gets one gathered write or one read scattered over the vector. */
static long iov_device_buf(struct file *f, uint64_t uiov, uint64_t count, size_t total, bool write,
			   char *buf)
{
	size_t want = min_size(total, SYS_FS_BOUNCE), got = 0, done = 0;
	struct io_vec v;
	long r;

	if (write) {
		for (uint64_t i = 0; i < count && got < want; i++) {
			if (copy_from_user(&v, sys_fs_uptr(uiov + i * sizeof(v)), sizeof(v)) < 0)
				break;
			size_t n = min_size(v.len, want - got);
			if (copy_from_user(buf + got, sys_fs_uptr(v.base), n) < 0) {
				got += readable_prefix(buf + got, v.base, n);
				if (got == 0)
					return -EFAULT;
				break;
			}
			got += n;
		}
		return got ? vfs_write_pos(f, buf, got) : 0;
	}
	r = vfs_read_pos(f, buf, want);
	if (r <= 0)
		return r;
	for (uint64_t i = 0; i < count && done < (size_t)r; i++) {
		if (copy_from_user(&v, sys_fs_uptr(uiov + i * sizeof(v)), sizeof(v)) < 0)
			return done ? (long)done : -EFAULT;
		size_t n = min_size(v.len, (size_t)r - done);
		if (copy_to_user(sys_fs_uptr(v.base), buf + done, n) < 0)
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

static long iov_device(struct file *f, uint64_t uiov, uint64_t count, size_t total, bool write)
{
	char *buf = sys_fs_bounce_get();
	if (!buf)
		return -ENOMEM;
	long r = iov_device_buf(f, uiov, count, total, write, buf);
	sys_fs_bounce_put(buf);
	return r;
}

/* One transfer over the vector; off < 0: at the file position. */
static long transfer_iov(struct file *f, uint64_t uiov, uint64_t count, bool write, int64_t off)
{
	struct io_vec v;
	size_t done = 0;
	long total = check_iov(uiov, count);

	if (total < 0)
		return total;
	if (total == 0)
		return 0;
	if (!cached(f))
		return iov_device(f, uiov, count, (size_t)total, write);
	for (uint64_t i = 0; i < count && done < (size_t)total; i++) {
		if (copy_from_user(&v, sys_fs_uptr(uiov + i * sizeof(v)), sizeof(v)) < 0)
			return done ? (long)done : -EFAULT;
		size_t len = min_size(v.len, (size_t)total - done);
		if (len == 0)
			continue;
		long r = transfer(f, v.base, len, write, off < 0 ? -1 : off + (int64_t)done);
		if (r < 0)
			return done ? (long)done : r;
		done += (size_t)r;
		if ((size_t)r < len)
			break;
	}
	return (long)done;
}

static long vec(const struct syscall_args *a, bool write, bool pos)
{
	struct file *f;
	int64_t off = -1;

	if (pos) {
		off = (int64_t)a->arg[3];
		if (off < 0)
			return -EINVAL;
	}
	f = sys_fs_file((int)a->arg[0]);
	if (!f || !(write ? vfs_file_writable(f) : vfs_file_readable(f)))
		return -EBADF;
	if (pos && f->stream)
		return -ESPIPE;
	return transfer_iov(f, a->arg[1], a->arg[2], write, off);
}

long sys_readv(const struct syscall_args *a)
{
	return vec(a, false, false);
}

long sys_writev(const struct syscall_args *a)
{
	return vec(a, true, false);
}

long sys_preadv(const struct syscall_args *a)
{
	return vec(a, false, true);
}

long sys_pwritev(const struct syscall_args *a)
{
	return vec(a, true, true);
}

long sys_lseek(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	return vfs_lseek(f, (int64_t)a->arg[1], (int)a->arg[2]);
}

long sys_ioctl(const struct syscall_args *a)
{
	int fd = (int)a->arg[0];
	uint32_t req = (uint32_t)a->arg[1];
	struct file *f = sys_fs_file(fd);

	if (!f)
		return -EBADF;
	if (req == FIOCLEX || req == FIONCLEX)
		return fd_set_cloexec(fd, req == FIOCLEX);
	return vfs_ioctl(f, req, a->arg[2]);
}

static long splice_files_buf(struct file *in, int64_t *inoff, struct file *out, int64_t *outoff,
			     size_t count, char *buf);

/* With a bounce buffer of its own. */
static long splice_files(struct file *in, int64_t *inoff, struct file *out, int64_t *outoff,
			 size_t count)
{
	char *buf = sys_fs_bounce_get();
	if (!buf)
		return -ENOMEM;
	long r = splice_files_buf(in, inoff, out, outoff, count, buf);
	sys_fs_bounce_put(buf);
	return r;
}

/* Copy count bytes from in (at *inoff, or its position when inoff is NULL) to out (at
 * *outoff or its position). Stops at the end of in or a short write. */
static long splice_files_buf(struct file *in, int64_t *inoff, struct file *out, int64_t *outoff,
			     size_t count, char *buf)
{
	size_t done = 0;

	count = min_size(count, MAX_RW_COUNT);
	while (done < count) {
		size_t n = min_size(count - done, SYS_FS_BOUNCE);
		long r = inoff ? vfs_read(in, buf, n, (uint64_t)*inoff) : vfs_read_pos(in, buf, n);
		long w;
		if (r <= 0)
			return done ? (long)done : r;
		w = outoff ? vfs_write(out, buf, (size_t)r, (uint64_t)*outoff, NULL)
			   : vfs_write_pos(out, buf, (size_t)r);
		/* What was read and not written goes back to in's position (a socket full
		 * with O_NONBLOCK: -EAGAIN, and the caller retries from there). */
		if (!inoff && !in->stream && (w < 0 || w < r))
			in->pos -= (uint64_t)(w < 0 ? r : r - w);
		if (w < 0)
			return done ? (long)done : w;
		if (inoff)
			*inoff += w;
		if (outoff)
			*outoff += w;
		done += (size_t)w;
		if (w < r || (size_t)r < n || !cached(in))
			break;
	}
	return (long)done;
}

static int get_off(uint64_t uptr, int64_t *v)
{
	if (copy_from_user(v, sys_fs_uptr(uptr), sizeof(*v)) < 0)
		return -EFAULT;
	return *v < 0 ? -EINVAL : 0;
}

long sys_sendfile(const struct syscall_args *a)
{
	struct file *out = sys_fs_file((int)a->arg[0]), *in = sys_fs_file((int)a->arg[1]);
	int64_t off;
	long r;

	if (!in || !out || !vfs_file_readable(in) || !vfs_file_writable(out))
		return -EBADF;
	if (out->flags & O_APPEND)
		return -EINVAL;
	if (S_ISTYPE(in->inode->mode, S_IFDIR))
		return -EINVAL;
	if (!a->arg[2] && S_ISTYPE(in->inode->mode, S_IFIFO))
		return -EINVAL; /* a pipe has no splice_read in Linux (with an offset: ESPIPE) */
	if (!a->arg[2])
		return splice_files(in, NULL, out, NULL, a->arg[3]);
	if (in->stream)
		return -ESPIPE;
	r = get_off(a->arg[2], &off);
	if (r < 0)
		return r;
	r = splice_files(in, &off, out, NULL, a->arg[3]);
	if (r >= 0 && copy_to_user(sys_fs_uptr(a->arg[2]), &off, sizeof(off)) < 0)
		return -EFAULT;
	return r;
}

long sys_copy_file_range(const struct syscall_args *a)
{
	struct file *in = sys_fs_file((int)a->arg[0]), *out = sys_fs_file((int)a->arg[2]);
	int64_t inoff = 0, outoff = 0;
	long r;

	if (a->arg[5] != 0)
		return -EINVAL;
	if (!in || !out || !vfs_file_readable(in) || !vfs_file_writable(out))
		return -EBADF;
	if (out->flags & O_APPEND)
		return -EBADF;
	if (S_ISTYPE(in->inode->mode, S_IFDIR) || S_ISTYPE(out->inode->mode, S_IFDIR))
		return -EISDIR;
	if (!S_ISTYPE(in->inode->mode, S_IFREG) || !S_ISTYPE(out->inode->mode, S_IFREG))
		return -EINVAL;
	if (a->arg[1] && (r = get_off(a->arg[1], &inoff)) < 0)
		return r;
	if (a->arg[3] && (r = get_off(a->arg[3], &outoff)) < 0)
		return r;
	if (in->inode == out->inode) {
		uint64_t s = a->arg[1] ? (uint64_t)inoff : in->pos;
		uint64_t d = a->arg[3] ? (uint64_t)outoff : out->pos, n = a->arg[4];
		if (s < d + n && d < s + n)
			return -EINVAL; /* overlapping ranges of one file */
	}
	r = splice_files(in, a->arg[1] ? &inoff : NULL, out, a->arg[3] ? &outoff : NULL, a->arg[4]);
	if (r > 0 && a->arg[1] && copy_to_user(sys_fs_uptr(a->arg[1]), &inoff, 8) < 0)
		return -EFAULT;
	if (r > 0 && a->arg[3] && copy_to_user(sys_fs_uptr(a->arg[3]), &outoff, 8) < 0)
		return -EFAULT;
	return r;
}
