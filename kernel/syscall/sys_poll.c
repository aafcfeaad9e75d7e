/* sys_poll.c: poll, ppoll, select, pselect6 (the engine is fs/poll.c), and the helpers
 * of sys_wait.h. ppoll, select and pselect6 write the time left back to the program's
 * timeout (not for a zero timeout, as Linux); a failure to write it is ignored, except
 * that the call can then no longer be restarted transparently. An interrupted wait
 * returns -ERESTARTNOHAND: restarted when no handler ran, EINTR otherwise. */
#include "core/errno.h"
#include "core/time.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "lib/ktime.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "sched/task.h"
#include "signal/signal.h"
#include "syscall/sys.h"
#include "syscall/sys_wait.h"

#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

static void *uptr(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

int sys_tmpmask_begin(struct sys_tmpmask *m, uint64_t umask, uint64_t size)
{
	uint64_t mask;

	m->set = false;
	if (!umask)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, uptr(umask), sizeof(mask)) < 0)
		return -EFAULT;
	m->set = true;
	m->saved = current->sig.blocked;
	current->sig.blocked = mask & ~UNBLOCKABLE;
	return 0;
}

void sys_tmpmask_end(struct sys_tmpmask *m, bool interrupted)
{
	if (!m->set)
		return;
	if (interrupted) {
		current->sig.saved_blocked = m->saved;
		current->sig.restore_saved = true;
	} else {
		current->sig.blocked = m->saved;
	}
}

uint64_t sys_deadline_after(uint64_t ns)
{
	return ns == 0 ? POLL_NOW : ktime_add_sat(time_monotonic_ns(), ns);
}

int sys_deadline_timespec(uint64_t uts, uint64_t *deadline)
{
	struct ktime_spec ts;
	uint64_t ns;

	*deadline = POLL_FOREVER;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uptr(uts), sizeof(ts)) < 0)
		return -EFAULT;
	if (ktime_from_spec(&ts, &ns) < 0)
		return -EINVAL;
	*deadline = sys_deadline_after(ns);
	return 0;
}

uint64_t sys_deadline_ms(int ms)
{
	return ms < 0 ? POLL_FOREVER : sys_deadline_after((uint64_t)ms * 1000000ull);
}

/* Time left until deadline (0 once passed). */
static uint64_t left(uint64_t deadline)
{
	uint64_t now = time_monotonic_ns();
	return deadline > now ? deadline - now : 0;
}

/* Write the time left to the program's timespec (tv: timeval) at ut; r is the result. */
static long write_left(uint64_t ut, uint64_t deadline, bool tv, long r)
{
	struct ktime_spec ts;
	int bad;

	if (!ut || deadline == POLL_NOW || deadline == POLL_FOREVER)
		return r;
	ts = ktime_to_spec(left(deadline));
	if (tv) {
		struct ktime_val v = {ts.sec, ts.nsec / 1000};
		bad = copy_to_user(uptr(ut), &v, sizeof(v));
	} else {
		bad = copy_to_user(uptr(ut), &ts, sizeof(ts));
	}
	return bad < 0 && r == -ERESTARTNOHAND ? -EINTR : r;
}

static long do_poll(uint64_t ufds, uint64_t nfds, uint64_t deadline)
{
	struct kpollfd *fds;
	size_t bytes;
	long r;

	if (nfds > FD_MAX)
		return -EINVAL;
	bytes = (size_t)nfds * sizeof(*fds);
	fds = kmalloc(bytes ? bytes : 1);
	if (!fds)
		return -ENOMEM;
	if (copy_from_user(fds, uptr(ufds), bytes) < 0) {
		kfree(fds);
		return -EFAULT;
	}
	r = vfs_poll_fds(fds, (unsigned)nfds, deadline);
	if (r == -EINTR)
		r = -ERESTARTNOHAND;
	/* Only revents goes back: the program's fd and events stay as they are. */
	for (size_t i = 0; r >= 0 && i < nfds; i++) {
		uint64_t at = ufds + i * sizeof(*fds) + 6;
		if (copy_to_user(uptr(at), &fds[i].revents, sizeof(fds[i].revents)) < 0)
			r = -EFAULT;
	}
	kfree(fds);
	return r;
}

long sys_poll(const struct syscall_args *a)
{
	return do_poll(a->arg[0], (uint32_t)a->arg[1], sys_deadline_ms((int)a->arg[2]));
}

long sys_ppoll(const struct syscall_args *a)
{
	struct sys_tmpmask m;
	uint64_t deadline;
	long r = sys_deadline_timespec(a->arg[2], &deadline);

	if (r < 0)
		return r;
	r = sys_tmpmask_begin(&m, a->arg[3], a->arg[4]);
	if (r < 0)
		return r;
	r = do_poll(a->arg[0], (uint32_t)a->arg[1], deadline);
	r = write_left(a->arg[2], deadline, false, r);
	sys_tmpmask_end(&m, r == -ERESTARTNOHAND || r == -EINTR);
	return r;
}

static long do_select(int n, uint64_t uin, uint64_t uout, uint64_t uex, uint64_t deadline)
{
	uint64_t sets[3][FD_MAX / 64];
	uint64_t u[3] = {uin, uout, uex};
	long r;

	if (n < 0)
		return -EINVAL;
	if (n > FD_MAX)
		n = FD_MAX; /* Linux clips to the size of the descriptor table */
	for (int k = 0; k < 3; k++) {
		memset(sets[k], 0, sizeof(sets[k]));
		if (u[k] && copy_from_user(sets[k], uptr(u[k]), ((size_t)n + 7) / 8) < 0)
			return -EFAULT;
	}
	r = vfs_select((unsigned)n, u[0] ? sets[0] : NULL, u[1] ? sets[1] : NULL,
		       u[2] ? sets[2] : NULL, deadline);
	if (r == -EINTR)
		return -ERESTARTNOHAND;
	for (int k = 0; r >= 0 && k < 3; k++)
		if (u[k] && copy_to_user(uptr(u[k]), sets[k], ((size_t)n + 7) / 8) < 0)
			return -EFAULT;
	return r;
}

long sys_select(const struct syscall_args *a)
{
	uint64_t deadline = POLL_FOREVER;
	struct ktime_val tv;

	if (a->arg[4]) {
		if (copy_from_user(&tv, uptr(a->arg[4]), sizeof(tv)) < 0)
			return -EFAULT;
		int64_t sec = tv.sec + tv.usec / 1000000, nsec = (tv.usec % 1000000) * 1000;
		struct ktime_spec ts = {sec, nsec};
		uint64_t ns;
		if (ktime_from_spec(&ts, &ns) < 0)
			return -EINVAL;
		deadline = sys_deadline_after(ns);
	}
	long r = do_select((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3], deadline);
	return write_left(a->arg[4], deadline, true, r);
}

long sys_pselect6(const struct syscall_args *a)
{
	struct {
		uint64_t ss, len;
	} sig = {0, 0};
	struct sys_tmpmask m;
	uint64_t deadline;
	long r = sys_deadline_timespec(a->arg[4], &deadline);

	if (r < 0)
		return r;
	if (a->arg[5] && copy_from_user(&sig, uptr(a->arg[5]), sizeof(sig)) < 0)
		return -EFAULT;
	r = sys_tmpmask_begin(&m, sig.ss, sig.len);
	if (r < 0)
		return r;
	r = do_select((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3], deadline);
	r = write_left(a->arg[4], deadline, false, r);
	sys_tmpmask_end(&m, r == -ERESTARTNOHAND || r == -EINTR);
	return r;
}
