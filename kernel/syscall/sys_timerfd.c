/* sys_timerfd.c: timer file descriptors (timerfd_create, timerfd_settime,
 * timerfd_gettime): an anonymous file (fs/anonfile.h) over a ptimer whose expiries add to
 * a count; read takes the count as 8 bytes (blocking while it is 0, -EAGAIN with
 * O_NONBLOCK), poll reports POLLIN while it is not 0. Setting the timer clears the count.
 * Clocks as Linux allows: REALTIME, MONOTONIC, BOOTTIME (the _ALARM ones need an RTC
 * alarm: EINVAL here). TFD_TIMER_CANCEL_ON_SET is accepted and never fires, because the
 * wall clock is never set. */
#include <stdbool.h>

#include "core/errno.h"
#include "fs/anonfile.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "sched/task.h"
#include "sched/wait.h"
#include "syscall/ptimer.h"
#include "syscall/sys.h"
#include "syscall/sys_clock.h"

#define TFD_TIMER_ABSTIME 1u
#define TFD_TIMER_CANCEL_ON_SET 2u
#define TFD_CLOEXEC O_CLOEXEC
#define TFD_NONBLOCK O_NONBLOCK

struct timerfd {
	struct ptimer pt;
	uint64_t ticks; /* expiries not read yet */
	struct wait_queue wq;
};

static void tfd_expired(struct ptimer *p, uint32_t count)
{
	struct timerfd *t = p->priv;

	t->ticks = ktime_add_sat(t->ticks, count);
	waitq_wake_all(&t->wq, POLLIN);
}

static long tfd_read(struct file *f, void *buf, size_t n)
{
	struct timerfd *t = f->priv;

	if (n < sizeof(t->ticks))
		return -EINVAL;
	while (t->ticks == 0) {
		struct waiter w;
		int r;

		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		waiter_init(&w, current);
		w.events = POLLIN;
		waitq_add(&t->wq, &w);
		r = t->ticks ? 0 : waiter_sleep(&w, 0, WAIT_INTERRUPTIBLE);
		waitq_remove(&w);
		if (r == -EINTR)
			return -ERESTARTSYS;
	}
	unsigned long irq = arch_irq_save(); /* the timer interrupt adds to ticks */
	uint64_t v = t->ticks;
	t->ticks = 0;
	arch_irq_restore(irq);
	memcpy(buf, &v, sizeof(v));
	return sizeof(v);
}

static unsigned tfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *t = f->priv;

	poll_wait(pt, &t->wq);
	return t->ticks ? POLLIN | POLLRDNORM : 0;
}

static void tfd_release(struct file *f)
{
	struct timerfd *t = f->priv;

	ptimer_cancel(&t->pt);
	kfree(t);
}

static const struct file_ops timerfd_ops = {
	.read = tfd_read,
	.poll = tfd_poll,
	.release = tfd_release,
	.name = "[timerfd]",
};

long sys_timerfd_create(const struct syscall_args *a)
{
	int clock = (int)a->arg[0];
	unsigned flags = (unsigned)a->arg[1];
	struct timerfd *t;
	struct file *f;
	int r;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	ptimer_init(&t->pt, clock, tfd_expired, t);
	waitq_init(&t->wq);
	r = anon_file_new(ANON_MODE, &timerfd_ops, t, O_RDWR | (flags & TFD_NONBLOCK), &f);
	if (r < 0) {
		kfree(t);
		return r;
	}
	return fd_install(f, 0, flags & TFD_CLOEXEC);
}

/* The timerfd open on fd: -EBADF, or -EINVAL for another kind of file. */
static long tfd_get(uint64_t fd, struct timerfd **out)
{
	struct file *f = fd < FD_MAX ? fd_get_pinned((int)fd) : NULL;

	if (!f)
		return -EBADF;
	if (f->fops != &timerfd_ops)
		return -EINVAL;
	*out = f->priv;
	return 0;
}

long sys_timerfd_settime(const struct syscall_args *a)
{
	unsigned flags = (unsigned)a->arg[1];
	struct ktime_itspec its;
	struct timerfd *t;
	uint64_t value, interval;
	long r;

	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&its, (const void *)(uintptr_t)a->arg[2], sizeof(its)) < 0)
		return -EFAULT;
	if (ktime_from_spec(&its.value, &value) < 0 ||
	    ktime_from_spec(&its.interval, &interval) < 0)
		return -EINVAL;
	r = tfd_get(a->arg[0], &t);
	if (r < 0)
		return r;
	if (a->arg[3] && (r = ptimer_copy_out(&t->pt, a->arg[3])) < 0)
		return r;
	unsigned long irq = arch_irq_save();
	t->ticks = 0;
	ptimer_set(&t->pt, value, interval, flags & TFD_TIMER_ABSTIME);
	arch_irq_restore(irq);
	return 0;
}

long sys_timerfd_gettime(const struct syscall_args *a)
{
	struct timerfd *t;
	long r = tfd_get(a->arg[0], &t);

	return r < 0 ? r : ptimer_copy_out(&t->pt, a->arg[1]);
}
