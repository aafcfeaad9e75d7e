/* sys_time.c: reading clocks and sleeping (sys_clock.h describes the clocks).
 *
 * Sleeps block the calling thread on the scheduler (sched_sleep_until), interruptibly.
 * Linux answers a signal during nanosleep with -ERESTART_RESTARTBLOCK and restarts the
 * sleep for the remaining time through restart_syscall when no handler ran. isle keeps
 * no restart block: an interrupted relative sleep writes the remaining time to rem (as
 * Linux does at that point) and returns -ERESTARTNOHAND, so a handled signal gives
 * EINTR with rem set, and a signal that ran no handler restarts the call with its
 * original arguments, sleeping the full duration again (never less than asked; Linux
 * would sleep only the rest). Absolute sleeps restart exactly, as on Linux.
 *
 * A sleeping thread also wakes when dirty data falls due for write-back (writeback.h)
 * and writes it, so data reaches the disk while the program sleeps. */
#include <stdbool.h>

#include "core/errno.h"
#include "core/time.h"
#include "fs/writeback.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/wait.h"
#include "syscall/sys.h"
#include "syscall/sys_clock.h"

#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_SCHED 2
#define CPUCLOCK_TYPE_MASK 3

bool clk_is_wall(int clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI;
}

bool clk_is_timer_clock(int clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME ||
	       clock == CLOCK_TAI;
}

uint64_t clk_task_cpu_ns(struct task *t)
{
	uint64_t ns = t->runtime_ns;

	if (t == current) {
		uint64_t now = time_monotonic_ns();
		if (now > t->run_start_ns)
			ns += now - t->run_start_ns;
	}
	return ns;
}

uint64_t clk_process_cpu_ns(void)
{
	uint64_t ns = 0;

	for (struct task *t = task_first(); t; t = task_next(t))
		ns += clk_task_cpu_ns(t);
	return ns;
}

uint64_t clk_process_sys_ns(void)
{
	uint64_t ns = 0;

	for (struct task *t = task_first(); t; t = task_next(t))
		ns += t->sys_ns;
	return ns;
}

/* A dynamic CPU clock (negative id): 0 and the time, or -EINVAL. */
static int cpu_clock_now(int clock, uint64_t *ns)
{
	int id = ~(clock >> 3);
	struct task *t;

	if ((clock & CPUCLOCK_TYPE_MASK) > CPUCLOCK_SCHED)
		return -EINVAL;
	if (clock & CPUCLOCK_PERTHREAD) {
		t = id == 0 ? current : task_find(id);
		if (!t)
			return -EINVAL;
		*ns = clk_task_cpu_ns(t);
		return 0;
	}
	if (id != 0 && id != TASK_PID)
		return -EINVAL;
	*ns = clk_process_cpu_ns();
	return 0;
}

int clk_now(int clock, uint64_t *ns)
{
	if (clock < 0)
		return cpu_clock_now(clock, ns);
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		*ns = time_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = time_monotonic_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = clk_process_cpu_ns();
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = clk_task_cpu_ns(current);
		return 0;
	default:
		return -EINVAL;
	}
}

uint64_t clk_wall_to_mono(uint64_t wall_ns)
{
	uint64_t wall = time_realtime_ns(), mono = time_monotonic_ns();

	return wall_ns <= wall ? 0 : ktime_add_sat(mono, wall_ns - wall);
}

long clk_put_timespec(uint64_t uaddr, uint64_t ns)
{
	struct ktime_spec ts = ktime_to_spec(ns);

	return copy_to_user((void *)(uintptr_t)uaddr, &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

long clk_get_timespec(uint64_t uaddr, uint64_t *ns)
{
	struct ktime_spec ts;

	if (copy_from_user(&ts, (const void *)(uintptr_t)uaddr, sizeof(ts)) < 0)
		return -EFAULT;
	return ktime_from_spec(&ts, ns);
}

long sys_clock_gettime(const struct syscall_args *a)
{
	uint64_t ns;
	int r = clk_now((int)a->arg[0], &ns);

	return r < 0 ? r : clk_put_timespec(a->arg[1], ns);
}

/* Nanosecond clocks, except the coarse ones, which Linux updates every tick (4 ms at
 * HZ=250, Debian's setting). */
long sys_clock_getres(const struct syscall_args *a)
{
	int clock = (int)a->arg[0];
	bool coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;
	uint64_t ns;
	int r = clk_now(clock, &ns);

	if (r < 0)
		return r;
	if (a->arg[1] == 0)
		return 0;
	return clk_put_timespec(a->arg[1], coarse ? 4000000 : 1);
}

long sys_gettimeofday(const struct syscall_args *a)
{
	static const int32_t tz[2] = {0, 0}; /* UTC, no DST */
	struct ktime_val tv = ktime_to_val(time_realtime_ns());

	if (a->arg[0] && copy_to_user((void *)(uintptr_t)a->arg[0], &tv, sizeof(tv)) < 0)
		return -EFAULT;
	if (a->arg[1] && copy_to_user((void *)(uintptr_t)a->arg[1], tz, sizeof(tz)) < 0)
		return -EFAULT;
	return 0;
}

long sys_time(const struct syscall_args *a)
{
	int64_t t = (int64_t)(time_realtime_ns() / KTIME_NS_PER_SEC);

	if (a->arg[0] && copy_to_user((void *)(uintptr_t)a->arg[0], &t, sizeof(t)) < 0)
		return -EFAULT;
	return t;
}

/* Sleep until the monotonic deadline: 0, or -EINTR when a signal is pending. Wakes up
 * to write dirty data back when that falls due first. */
static int sleep_until(uint64_t deadline)
{
	for (;;) {
		uint64_t due = writeback_due();
		bool write_back = due < deadline;
		int r = sched_sleep_until(write_back ? due : deadline, WAIT_INTERRUPTIBLE);

		if (r < 0)
			return r;
		if (!write_back)
			return 0; /* sched_sleep_until returns 0 only once its deadline passed */
		writeback_run();  /* clears what is pending: the next round sleeps on */
	}
}

/* Relative sleep of ns: on a signal, rem (when not 0) gets the time left. */
static long sleep_rel(uint64_t ns, uint64_t rem)
{
	uint64_t deadline = ktime_add_sat(time_monotonic_ns(), ns), now;

	if (sleep_until(deadline) == 0)
		return 0;
	now = time_monotonic_ns();
	if (rem && clk_put_timespec(rem, deadline > now ? deadline - now : 0) < 0)
		return -EFAULT;
	return -ERESTARTNOHAND;
}

long sys_nanosleep(const struct syscall_args *a)
{
	uint64_t ns;
	long r = clk_get_timespec(a->arg[0], &ns);

	return r < 0 ? r : sleep_rel(ns, a->arg[1]);
}

/* Like Linux, the raw call returns -errno (glibc turns it into a positive result). CPU
 * clocks: Linux sleeps on the process clock and refuses the thread clock (EINVAL);
 * here the process clock is refused too (ENOTSUP, as for the other clocks that exist
 * but cannot be slept on), since no timer watches CPU time. Unknown clocks: EINVAL. */
long sys_clock_nanosleep(const struct syscall_args *a)
{
	int clock = (int)a->arg[0];
	uint64_t ns, deadline;
	long r;

	if (clock == CLOCK_THREAD_CPUTIME_ID || (clock < 0 && (clock & CPUCLOCK_PERTHREAD)))
		return -EINVAL;
	if (clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM)
		return -EOPNOTSUPP; /* Linux without an RTC alarm device */
	if (!clk_is_timer_clock(clock)) {
		r = clk_now(clock, &ns);
		return r < 0 ? r : -EOPNOTSUPP;
	}
	r = clk_get_timespec(a->arg[2], &ns);
	if (r < 0)
		return r;
	if (!(a->arg[1] & TIMER_ABSTIME))
		return sleep_rel(ns, a->arg[3]);
	deadline = clk_is_wall(clock) ? clk_wall_to_mono(ns) : ns;
	if (deadline == 0)
		return 0;
	return sleep_until(deadline) == 0 ? 0 : -ERESTARTNOHAND;
}
