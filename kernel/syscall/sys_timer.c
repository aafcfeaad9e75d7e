/* sys_timer.c: POSIX per-process timers (timer_create & co) and their signals, on the
 * interval timers of ptimer.h. Interval timers of setitimer/alarm are in sys_itimer.c.
 *
 * Notification: SIGEV_SIGNAL (process-directed, si_code SI_TIMER), SIGEV_THREAD_ID (to
 * one of our threads) and SIGEV_NONE (the timer only counts down, for timer_gettime).
 * SIGEV_THREAD is glibc's business (it uses SIGEV_THREAD_ID): EINVAL here, as Linux.
 * Clocks: REALTIME, MONOTONIC, BOOTTIME, TAI. The CPU-time clocks answer EINVAL (Linux
 * supports them; Go only asks for CLOCK_THREAD_CPUTIME_ID when profiling and falls back
 * to setitimer(ITIMER_PROF)); the other valid clocks EOPNOTSUPP, as Linux.
 *
 * Overruns, as Linux counts them: an expiry while the timer's previous signal is still
 * pending adds to the overrun instead of sending another signal. timer_getoverrun
 * answers for the last signal taken: the running count once that signal is no longer
 * pending, the count frozen at its sending while it still is. Linux freezes the count
 * at delivery and reports it in si_overrun; here si_overrun is the count of the signal
 * before (0 for the first), as the sender cannot see the delivery. */
#include <stdbool.h>

#include "core/errno.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "sched/task.h"
#include "signal/signal.h"
#include "syscall/ptimer.h"
#include "syscall/sys.h"
#include "syscall/sys_clock.h"

#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4
#define TIMER_MAX 1024 /* ids 0 .. TIMER_MAX - 1 */
#define OVERRUN_MAX 0x7fffffffu

/* struct sigevent of Linux x86-64 (64 bytes): the thread id follows the two ints. */
struct k_sigevent {
	uint64_t value;
	int32_t signo, notify;
	int32_t tid;
	int32_t pad[11];
};

struct posix_timer {
	struct ptimer pt;
	int id, notify, signo, tid;
	uint64_t value;
	uint32_t overrun;      /* expiries not signalled since the last signal was sent */
	uint32_t overrun_sent; /* overrun frozen when the last signal was sent */
	bool sent;	       /* a signal was sent and may still be pending */
};

static struct posix_timer *timers[TIMER_MAX];

static uint32_t add_overrun(uint32_t a, uint32_t b)
{
	return a > OVERRUN_MAX - b ? OVERRUN_MAX : a + b;
}

/* The thread a SIGEV_THREAD_ID timer signals, NULL for process-directed ones. */
static struct task *target(const struct posix_timer *t)
{
	return t->notify == SIGEV_THREAD_ID ? task_find(t->tid) : NULL;
}

static bool still_pending(const struct posix_timer *t)
{
	return t->sent && signal_is_pending(target(t), t->signo);
}

static void expired(struct ptimer *p, uint32_t count)
{
	struct posix_timer *t = p->priv;
	struct ksiginfo info;
	struct task *to = target(t);

	if (t->notify == SIGEV_NONE || (t->notify == SIGEV_THREAD_ID && !to))
		return;
	if (still_pending(t)) {
		t->overrun = add_overrun(t->overrun, count);
		return;
	}
	memset(&info, 0, sizeof(info));
	info.si_signo = t->signo;
	info.si_code = SI_TIMER;
	info.timer.tid = t->id;
	info.timer.overrun = (int32_t)t->overrun;
	info.timer.value = t->value;
	t->overrun_sent = t->overrun;
	t->overrun = count - 1;
	t->sent = true;
	if (to)
		signal_send_thread(to, t->signo, &info);
	else
		signal_send_process(t->signo, &info);
}

static struct posix_timer *lookup(uint64_t id)
{
	return id < TIMER_MAX ? timers[id] : NULL;
}

/* Check a sigevent as Linux's timer_create does; fills t's notification. */
static long take_sigevent(struct posix_timer *t, uint64_t uaddr)
{
	struct k_sigevent ev;

	if (!uaddr) { /* SIGEV_SIGNAL, SIGALRM, the timer id as value */
		t->notify = SIGEV_SIGNAL;
		t->signo = SIGALRM;
		t->value = (uint64_t)t->id;
		return 0;
	}
	if (copy_from_user(&ev, (const void *)(uintptr_t)uaddr, sizeof(ev)) < 0)
		return -EFAULT;
	t->notify = ev.notify;
	t->signo = ev.signo;
	t->tid = ev.tid;
	t->value = ev.value;
	if (ev.notify != SIGEV_SIGNAL && ev.notify != SIGEV_NONE && ev.notify != SIGEV_THREAD_ID)
		return -EINVAL;
	if (ev.notify == SIGEV_THREAD_ID && !task_find(ev.tid))
		return -EINVAL;
	if (ev.notify != SIGEV_NONE && (ev.signo < 1 || ev.signo > SIG_NSIG))
		return -EINVAL;
	return 0;
}

long sys_timer_create(const struct syscall_args *a)
{
	int clock = (int)a->arg[0], id;
	struct posix_timer *t;
	uint64_t ns;
	long r;

	if (!clk_is_timer_clock(clock)) {
		if (clock < 0 || clock == CLOCK_PROCESS_CPUTIME_ID ||
		    clock == CLOCK_THREAD_CPUTIME_ID || clk_now(clock, &ns) < 0)
			return -EINVAL;
		return -EOPNOTSUPP; /* MONOTONIC_RAW, the coarse clocks */
	}
	for (id = 0; id < TIMER_MAX && timers[id]; id++)
		;
	if (id == TIMER_MAX)
		return -EAGAIN;
	t = kmalloc(sizeof(*t));
	if (!t)
		return -EAGAIN;
	memset(t, 0, sizeof(*t));
	t->id = id;
	r = take_sigevent(t, a->arg[1]);
	if (r == 0 && copy_to_user((void *)(uintptr_t)a->arg[2], &id, sizeof(id)) < 0)
		r = -EFAULT;
	if (r < 0) {
		kfree(t);
		return r;
	}
	ptimer_init(&t->pt, clock, expired, t);
	timers[id] = t;
	return 0;
}

long sys_timer_settime(const struct syscall_args *a)
{
	struct posix_timer *t = lookup(a->arg[0]);
	struct ktime_itspec its;
	uint64_t value, interval;
	long r;

	if (!t)
		return -EINVAL;
	if (copy_from_user(&its, (const void *)(uintptr_t)a->arg[2], sizeof(its)) < 0)
		return -EFAULT;
	if (ktime_from_spec(&its.value, &value) < 0 ||
	    ktime_from_spec(&its.interval, &interval) < 0)
		return -EINVAL;
	if (a->arg[3] && (r = ptimer_copy_out(&t->pt, a->arg[3])) < 0)
		return r;
	t->overrun = t->overrun_sent = 0;
	t->sent = false;
	ptimer_set(&t->pt, value, interval, a->arg[1] & TIMER_ABSTIME);
	return 0;
}

long sys_timer_gettime(const struct syscall_args *a)
{
	struct posix_timer *t = lookup(a->arg[0]);

	return t ? ptimer_copy_out(&t->pt, a->arg[1]) : -EINVAL;
}

long sys_timer_getoverrun(const struct syscall_args *a)
{
	struct posix_timer *t = lookup(a->arg[0]);

	if (!t)
		return -EINVAL;
	return still_pending(t) ? t->overrun_sent : t->overrun;
}

long sys_timer_delete(const struct syscall_args *a)
{
	struct posix_timer *t = lookup(a->arg[0]);

	if (!t)
		return -EINVAL;
	ptimer_cancel(&t->pt);
	timers[t->id] = NULL;
	kfree(t);
	return 0;
}
