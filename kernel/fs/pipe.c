/* pipe.c: pipes (pipe.h). Both ends share one struct pipe and one wait queue; each wake
 * says which events became true, so blocked readers (POLLIN) and writers (POLLOUT) only
 * wake for their side. A write of at most PIPE_BUF bytes waits until all of it fits and
 * goes in at once; a longer one moves what fits each time (and may interleave with other
 * writers), as Linux does. The last close of either end wakes the other side (EOF for
 * readers, EPIPE for writers); the last close of both frees the pipe. Data wakes use
 * waitq_wake_one, so of the EPOLLEXCLUSIVE hooks on a pipe only the first is woken. */
#include "fs/pipe.h"
#include "core/errno.h"
#include "drivers/tty_ioctl.h"
#include "fs/anonfile.h"
#include "fs/pipe_ring.h"
#include "fs/poll.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "sched/task.h"
#include "sched/wait.h"
#include "signal/signal.h"

#define PAGE 4096u
#define READ_EVENTS (POLLIN | POLLRDNORM)
#define WRITE_EVENTS (POLLOUT | POLLWRNORM)

struct pipe {
	struct pipe_ring ring;
	struct wait_queue wq;
	unsigned readers, writers; /* open files of each end */
};

static const struct file_ops pipe_ops;

/* Sleep on the pipe for events; -ERESTARTSYS on a signal. */
static long pipe_sleep(struct pipe *p, struct waiter *w, unsigned events)
{
	w->events = events;
	waitq_add(&p->wq, w);
	int r = waiter_sleep(w, 0, WAIT_INTERRUPTIBLE);
	waitq_remove(w);
	return r == -EINTR ? -ERESTARTSYS : 0;
}

static long pipe_read(struct file *f, void *buf, size_t n)
{
	struct pipe *p = f->priv;
	struct waiter w;

	if (n == 0)
		return 0;
	waiter_init(&w, current);
	for (;;) {
		if (pipe_ring_used(&p->ring) > 0) {
			size_t got = pipe_ring_get(&p->ring, buf, n);
			waitq_wake_one(&p->wq, WRITE_EVENTS);
			return (long)got;
		}
		if (p->writers == 0)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		long r = pipe_sleep(p, &w, READ_EVENTS | POLLHUP);
		if (r < 0)
			return r;
	}
}

static long pipe_write(struct file *f, const void *buf, size_t n)
{
	struct pipe *p = f->priv;
	bool atomic = n <= PIPE_BUF;
	size_t done = 0;
	struct waiter w;

	if (n == 0)
		return 0;
	waiter_init(&w, current);
	for (;;) {
		if (p->readers == 0) {
			signal_send_thread(current, SIGPIPE, NULL);
			return done ? (long)done : -EPIPE;
		}
		uint32_t space = pipe_ring_space(&p->ring);
		if (atomic ? space >= n : space > 0) {
			done += pipe_ring_put(&p->ring, (const char *)buf + done, n - done);
			waitq_wake_one(&p->wq, READ_EVENTS);
			if (done == n)
				return (long)n;
			continue;
		}
		if (f->flags & O_NONBLOCK)
			return done ? (long)done : -EAGAIN;
		long r = pipe_sleep(p, &w, WRITE_EVENTS | POLLERR);
		if (r < 0)
			return done ? (long)done : r;
	}
}

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	unsigned mask = 0;

	poll_wait(pt, &p->wq);
	if (vfs_file_readable(f)) {
		if (pipe_ring_used(&p->ring) > 0)
			mask |= READ_EVENTS;
		if (p->writers == 0)
			mask |= POLLHUP;
	}
	if (vfs_file_writable(f)) {
		if (pipe_ring_space(&p->ring) >= PIPE_BUF)
			mask |= WRITE_EVENTS;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned req, uint64_t arg)
{
	struct pipe *p = f->priv;
	int v = (int)pipe_ring_used(&p->ring);

	if (req != FIONREAD)
		return -ENOTTY;
	return copy_to_user((void *)(uintptr_t)arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;

	if (vfs_file_readable(f) && --p->readers == 0)
		waitq_wake_all(&p->wq, WRITE_EVENTS | POLLERR);
	if (vfs_file_writable(f) && --p->writers == 0)
		waitq_wake_all(&p->wq, READ_EVENTS | POLLHUP);
	if (p->readers == 0 && p->writers == 0) {
		kfree(p->ring.buf);
		kfree(p);
	}
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
	.name = "pipe",
};

int pipe_create(unsigned flags, struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof(*p));
	uint8_t *buf = kmalloc(PIPE_DEFAULT_SIZE);
	struct inode *in = anon_inode_new(S_IFIFO | 0600);
	unsigned fl = flags & (O_NONBLOCK | O_DIRECT);
	int r = -ENOMEM;

	if (!p || !buf || !in)
		goto fail;
	pipe_ring_init(&p->ring, buf, PIPE_DEFAULT_SIZE);
	waitq_init(&p->wq);
	r = anon_file_open(in, &pipe_ops, p, O_RDONLY | fl, rd);
	if (r < 0)
		goto fail;
	p->readers = 1;
	r = anon_file_open(in, &pipe_ops, p, O_WRONLY | fl, wr);
	if (r < 0) {
		vfs_file_put(*rd); /* frees the pipe: no writers, no readers */
		vfs_iput(in);
		return r;
	}
	p->writers = 1;
	vfs_iput(in);
	return 0;
fail:
	kfree(buf);
	kfree(p);
	vfs_iput(in);
	return r;
}

long pipe_set_size(struct file *f, uint64_t size)
{
	struct pipe *p;
	uint32_t cap = PAGE;
	uint8_t *buf, *old;

	if (f->fops != &pipe_ops)
		return -EBADF;
	p = f->priv;
	if (size == 0)
		return p->ring.cap;
	if (size > (1ull << 31))
		return -EINVAL;
	while (cap < size)
		cap <<= 1;
	if (cap > PIPE_MAX_SIZE)
		return -EPERM;
	if (cap == p->ring.cap)
		return cap;
	if (pipe_ring_used(&p->ring) > cap)
		return -EBUSY;
	buf = kmalloc(cap);
	if (!buf)
		return -ENOMEM;
	if (pipe_ring_move(&p->ring, buf, cap, &old) < 0) {
		kfree(buf);
		return -EBUSY;
	}
	kfree(old);
	waitq_wake_all(&p->wq, WRITE_EVENTS);
	return cap;
}
