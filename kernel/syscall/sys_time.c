/* sys_time.c: clocks and sleeping (core/time.h).
 *
 * CLOCK_REALTIME, _COARSE and CLOCK_TAI read the wall clock (TAI is offset 0 from
 * REALTIME, as on a Linux system whose NTP daemon never set the TAI offset); every other
 * valid clock reads the monotonic clock, which never stops here, so BOOTTIME equals
 * MONOTONIC. CPU time is not accounted: the process and thread CPU-time clocks read the
 * monotonic clock too (the only process runs whenever the CPU is not idle). Sleeps are not
 * interrupted (no signals yet), so the remaining time is never written. */
#include "fs/writeback.h"
#include <stdbool.h>

#include "core/errno.h"
#include "core/time.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"

#define NSEC_PER_SEC 1000000000ULL
#define TIMER_ABSTIME 1

enum {
	CLOCK_REALTIME,
	CLOCK_MONOTONIC,
	CLOCK_PROCESS_CPUTIME_ID,
	CLOCK_THREAD_CPUTIME_ID,
	CLOCK_MONOTONIC_RAW,
	CLOCK_REALTIME_COARSE,
	CLOCK_MONOTONIC_COARSE,
	CLOCK_BOOTTIME,
	CLOCK_REALTIME_ALARM,
	CLOCK_BOOTTIME_ALARM,
	CLOCK_SGI_CYCLE,
	CLOCK_TAI,
};

struct time_spec {
	int64_t sec, nsec;
};

static bool is_wall_clock(int clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI;
}

/* The clocks clock_gettime knows (the alarm clocks need an RTC alarm: not offered). */
static bool clock_valid(int clock)
{
	return (clock >= CLOCK_REALTIME && clock <= CLOCK_BOOTTIME) || clock == CLOCK_TAI;
}

static uint64_t clock_now(int clock)
{
	return is_wall_clock(clock) ? time_realtime_ns() : time_monotonic_ns();
}

static long put_timespec(uint64_t uaddr, uint64_t ns)
{
	struct time_spec ts = {(int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC)};

	return copy_to_user((void *)(uintptr_t)uaddr, &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

/* Read a timespec that Linux would accept (tv_sec >= 0, tv_nsec in [0, 1e9)) as
 * nanoseconds, saturating at UINT64_MAX (a sleep that outlasts the machine). */
static long get_timespec(uint64_t uaddr, uint64_t *ns)
{
	struct time_spec ts;

	if (copy_from_user(&ts, (const void *)(uintptr_t)uaddr, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.sec > (UINT64_MAX - (uint64_t)ts.nsec) / NSEC_PER_SEC)
		*ns = UINT64_MAX;
	else
		*ns = (uint64_t)ts.sec * NSEC_PER_SEC + (uint64_t)ts.nsec;
	return 0;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

long sys_clock_gettime(const struct syscall_args *a)
{
	int clock = (int)a->arg[0];

	if (!clock_valid(clock))
		return -EINVAL;
	return put_timespec(a->arg[1], clock_now(clock));
}

/* Nanosecond clocks, except the coarse ones, which Linux updates every tick (4 ms at
 * HZ=250, Debian's setting). */
long sys_clock_getres(const struct syscall_args *a)
{
	int clock = (int)a->arg[0];
	bool coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;

	if (!clock_valid(clock))
		return -EINVAL;
	if (a->arg[1] == 0)
		return 0;
	return put_timespec(a->arg[1], coarse ? 4000000 : 1);
}

long sys_gettimeofday(const struct syscall_args *a)
{
	static const int32_t tz[2] = {0, 0}; /* UTC, no DST */
	uint64_t ns = time_realtime_ns();
	int64_t tv[2] = {(int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000)};

	if (a->arg[0] && copy_to_user((void *)(uintptr_t)a->arg[0], tv, sizeof(tv)) < 0)
		return -EFAULT;
	if (a->arg[1] && copy_to_user((void *)(uintptr_t)a->arg[1], tz, sizeof(tz)) < 0)
		return -EFAULT;
	return 0;
}

long sys_time(const struct syscall_args *a)
{
	int64_t t = (int64_t)(time_realtime_ns() / NSEC_PER_SEC);

	if (a->arg[0] && copy_to_user((void *)(uintptr_t)a->arg[0], &t, sizeof(t)) < 0)
		return -EFAULT;
	return t;
}

/* Sleep until deadline, waking to write dirty data back when that falls due first. */
static void sleep_until(uint64_t deadline)
{
	for (;;) {
		uint64_t due = writeback_due();
		if (due >= deadline) {
			time_sleep_until(deadline);
			return;
		}
		time_sleep_until(due);
		writeback_run(); /* clears what is pending: the next round sleeps on */
	}
}

long sys_nanosleep(const struct syscall_args *a)
{
	uint64_t ns;
	long r = get_timespec(a->arg[0], &ns);

	if (r < 0)
		return r;
	sleep_until(add_sat(time_monotonic_ns(), ns));
	return 0;
}

/* Like Linux, the raw call returns -errno (glibc turns it into a positive result). Clocks
 * that exist but cannot be slept on give EOPNOTSUPP, unknown ones EINVAL. */
long sys_clock_nanosleep(const struct syscall_args *a)
{
	int clock = (int)a->arg[0];
	bool abs = a->arg[1] & TIMER_ABSTIME;
	uint64_t ns, deadline;
	long r;

	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
	case CLOCK_PROCESS_CPUTIME_ID:
		break;
	case CLOCK_THREAD_CPUTIME_ID:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
	r = get_timespec(a->arg[2], &ns);
	if (r < 0)
		return r;
	if (!abs) {
		deadline = add_sat(time_monotonic_ns(), ns);
	} else if (is_wall_clock(clock)) {
		/* The wall clock runs at the monotonic clock's rate (it is never stepped), so a
		 * wall-clock deadline is a fixed distance from now. */
		uint64_t now = time_realtime_ns();
		if (ns <= now)
			return 0;
		deadline = add_sat(time_monotonic_ns(), ns - now);
	} else {
		deadline = ns;
	}
	sleep_until(deadline);
	return 0;
}
