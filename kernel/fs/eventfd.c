/* eventfd.c: event counters (eventfd.h). One wait queue per counter; reads wake writers
 * with POLLOUT and writes wake readers with POLLIN, so each side sleeps only for the
 * other. The counter never reaches 0xffffffffffffffff: that value is reserved (Linux
 * reports POLLERR for it, after an overflow only AIO can cause). */
#include "fs/eventfd.h"
#include "core/errno.h"
#include "fs/anonfile.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "sched/task.h"
#include "sched/wait.h"

#define COUNT_MAX 0xfffffffffffffffeull

struct eventfd {
	uint64_t count;
	bool semaphore;
	struct wait_queue wq;
};

static long ev_sleep(struct eventfd *e, unsigned events)
{
	struct waiter w;

	waiter_init(&w, current);
	w.events = events;
	waitq_add(&e->wq, &w);
	int r = waiter_sleep(&w, 0, WAIT_INTERRUPTIBLE);
	waitq_remove(&w);
	return r == -EINTR ? -ERESTARTSYS : 0;
}

static long ev_read(struct file *f, void *buf, size_t n)
{
	struct eventfd *e = f->priv;
	uint64_t v;

	if (n < sizeof(v))
		return -EINVAL;
	while (e->count == 0) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		long r = ev_sleep(e, POLLIN);
		if (r < 0)
			return r;
	}
	v = e->semaphore ? 1 : e->count;
	e->count -= v;
	memcpy(buf, &v, sizeof(v));
	waitq_wake_one(&e->wq, POLLOUT);
	return sizeof(v);
}

static long ev_write(struct file *f, const void *buf, size_t n)
{
	struct eventfd *e = f->priv;
	uint64_t v;

	if (n < sizeof(v))
		return -EINVAL;
	memcpy(&v, buf, sizeof(v));
	if (v == UINT64_MAX)
		return -EINVAL;
	while (COUNT_MAX - e->count < v) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		long r = ev_sleep(e, POLLOUT);
		if (r < 0)
			return r;
	}
	e->count += v;
	if (v)
		waitq_wake_one(&e->wq, POLLIN);
	return sizeof(v);
}

static unsigned ev_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->priv;
	unsigned mask = 0;

	poll_wait(pt, &e->wq);
	if (e->count > 0)
		mask |= POLLIN | POLLRDNORM;
	if (e->count == UINT64_MAX)
		mask |= POLLERR;
	if (e->count < COUNT_MAX)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static void ev_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_ops = {
	.read = ev_read,
	.write = ev_write,
	.poll = ev_poll,
	.release = ev_release,
	.name = "[eventfd]",
};

int eventfd_create(uint64_t initval, unsigned flags, struct file **out)
{
	struct eventfd *e;
	int r;

	if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC))
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	waitq_init(&e->wq);
	r = anon_file_new(ANON_MODE, &eventfd_ops, e, O_RDWR | (flags & EFD_NONBLOCK), out);
	if (r < 0)
		kfree(e);
	return r;
}

int eventfd_signal(struct file *f, uint64_t n)
{
	struct eventfd *e = f->priv;

	if (f->fops != &eventfd_ops)
		return -EINVAL;
	if (COUNT_MAX - e->count < n)
		return -EAGAIN;
	e->count += n;
	if (n)
		waitq_wake_one(&e->wq, POLLIN);
	return 0;
}
