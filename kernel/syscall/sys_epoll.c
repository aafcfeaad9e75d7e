/* sys_epoll.c: epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait,
 * epoll_pwait2 over fs/epoll.h. Errors come in Linux's order: maxevents (EINVAL), the
 * events array (EFAULT), the descriptors (EBADF), the kind of file (EINVAL). A wait
 * interrupted by a signal is EINTR, never restarted (epoll_wait(2)). Events are gathered
 * in kernel memory, at most EVENTS_MAX per call (a shorter answer is allowed). */
#include "core/errno.h"
#include "fs/epoll.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"
#include "syscall/sys_wait.h"

#define EVENTS_MAX 4096
#define MAXEVENTS_LIMIT (0x7fffffff / (int)sizeof(struct epoll_event))

static void *uptr(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

static long create(unsigned flags)
{
	struct file *f;
	int r;

	if (flags & ~(unsigned)EPOLL_CLOEXEC)
		return -EINVAL;
	r = epoll_create_file(&f);
	if (r < 0)
		return r;
	return fd_install(f, 0, (flags & EPOLL_CLOEXEC) != 0);
}

long sys_epoll_create(const struct syscall_args *a)
{
	if ((int)a->arg[0] <= 0)
		return -EINVAL;
	return create(0);
}

long sys_epoll_create1(const struct syscall_args *a)
{
	return create((unsigned)a->arg[0]);
}

long sys_epoll_ctl(const struct syscall_args *a)
{
	int op = (int)a->arg[1], fd = (int)a->arg[2];
	struct epoll_event ev = {0, 0};
	struct file *ep, *target;

	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uptr(a->arg[3]), sizeof(ev)) < 0)
		return -EFAULT;
	ep = fd_get_pinned((int)a->arg[0]);
	target = fd_get_pinned(fd);
	if (!ep || !target)
		return -EBADF;
	return epoll_ctl_file(ep, op, fd, target, &ev);
}

static long do_wait(int epfd, uint64_t uevents, int maxevents, uint64_t deadline)
{
	struct epoll_event *out;
	struct file *ep;
	int n, max;

	if (maxevents <= 0 || maxevents > MAXEVENTS_LIMIT)
		return -EINVAL;
	if (!user_range_ok(uevents, (size_t)maxevents * sizeof(*out)))
		return -EFAULT;
	ep = fd_get_pinned(epfd);
	if (!ep)
		return -EBADF;
	if (!epoll_is(ep))
		return -EINVAL;
	max = maxevents < EVENTS_MAX ? maxevents : EVENTS_MAX;
	out = kmalloc((size_t)max * sizeof(*out));
	if (!out)
		return -ENOMEM;
	n = epoll_wait_file(ep, out, max, deadline);
	if (n > 0 && copy_to_user(uptr(uevents), out, (size_t)n * sizeof(*out)) < 0)
		n = -EFAULT;
	kfree(out);
	return n;
}

long sys_epoll_wait(const struct syscall_args *a)
{
	return do_wait((int)a->arg[0], a->arg[1], (int)a->arg[2], sys_deadline_ms((int)a->arg[3]));
}

static long pwait(const struct syscall_args *a, uint64_t deadline)
{
	struct sys_tmpmask m;
	long r = sys_tmpmask_begin(&m, a->arg[4], a->arg[5]);

	if (r < 0)
		return r;
	r = do_wait((int)a->arg[0], a->arg[1], (int)a->arg[2], deadline);
	sys_tmpmask_end(&m, r == -EINTR);
	return r;
}

long sys_epoll_pwait(const struct syscall_args *a)
{
	return pwait(a, sys_deadline_ms((int)a->arg[3]));
}

long sys_epoll_pwait2(const struct syscall_args *a)
{
	uint64_t deadline;
	int r = sys_deadline_timespec(a->arg[3], &deadline);

	if (r < 0)
		return r;
	return pwait(a, deadline);
}
