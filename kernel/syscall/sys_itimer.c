/* sys_itimer.c: the process's three interval timers (setitimer, getitimer, alarm).
 *
 * ITIMER_REAL counts wall time exactly (a ptimer on CLOCK_MONOTONIC) and sends SIGALRM
 * to the process. ITIMER_VIRTUAL (user CPU time, SIGVTALRM) and ITIMER_PROF (user and
 * system CPU time, SIGPROF) are approximated: while one is armed, a kernel timer looks
 * at the process's CPU time (sys_clock.h) every CPU_POLL_NS and sends the signal once it
 * reaches the target, so they expire up to CPU_POLL_NS (plus the part of other threads'
 * running slices not yet accounted) late, never early. Linux's SIGPROF goes to the
 * thread that was running; here it is process-directed. */
#include <stdbool.h>

#include "core/errno.h"
#include "core/time.h"
#include "mm/uaccess.h"
#include "sched/timer.h"
#include "signal/signal.h"
#include "syscall/ptimer.h"
#include "syscall/sys.h"
#include "syscall/sys_clock.h"

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
#define CPU_POLL_NS 10000000ull /* 10 ms, a scheduler slice */

/* A CPU-time interval timer: expires when the process's (user) CPU time reaches target. */
struct cpu_itimer {
	struct ktimer poll;
	uint64_t target; /* CPU ns; 0 when disarmed */
	uint64_t interval;
	int sig;
	bool user_only;
};

static struct ptimer real;
static bool real_ready;
static struct cpu_itimer cpu_timers[2] = {
	{.sig = SIGVTALRM, .user_only = true},
	{.sig = SIGPROF, .user_only = false},
};

static void real_expired(struct ptimer *p, uint32_t count)
{
	signal_send_process(SIGALRM, NULL);
}

static struct ptimer *real_timer(void)
{
	if (!real_ready) {
		ptimer_init(&real, CLOCK_MONOTONIC, real_expired, NULL);
		real_ready = true;
	}
	return &real;
}

static uint64_t cpu_now(const struct cpu_itimer *c)
{
	uint64_t all = clk_process_cpu_ns(), sys = clk_process_sys_ns();

	return c->user_only ? (all > sys ? all - sys : 0) : all;
}

static void cpu_poll(struct ktimer *kt)
{
	struct cpu_itimer *c = kt->priv;
	uint64_t now;

	if (c->target == 0)
		return;
	now = cpu_now(c);
	if (now >= c->target) {
		signal_send_process(c->sig, NULL);
		if (c->interval == 0) {
			c->target = 0;
			return;
		}
		uint32_t missed;
		c->target = ktime_next_expiry(c->target, c->interval, now, &missed);
	}
	ktimer_arm(kt, time_monotonic_ns() + CPU_POLL_NS);
}

static void cpu_get(struct cpu_itimer *c, uint64_t *value, uint64_t *interval)
{
	uint64_t now = cpu_now(c);

	*interval = c->interval;
	*value = c->target == 0 ? 0 : c->target > now ? c->target - now : 1000;
}

static void cpu_set(struct cpu_itimer *c, uint64_t value, uint64_t interval)
{
	if (!c->poll.fn)
		ktimer_init(&c->poll, cpu_poll, c);
	ktimer_cancel(&c->poll);
	c->interval = interval;
	c->target = value ? ktime_add_sat(cpu_now(c), value) : 0;
	if (c->target)
		ktimer_arm(&c->poll, time_monotonic_ns() + CPU_POLL_NS);
}

/* The value and interval of timer which, in ns. */
static void get(int which, uint64_t *value, uint64_t *interval)
{
	if (which == ITIMER_REAL)
		ptimer_get(real_timer(), value, interval);
	else
		cpu_get(&cpu_timers[which - 1], value, interval);
}

static void set(int which, uint64_t value, uint64_t interval)
{
	if (which == ITIMER_REAL)
		ptimer_set(real_timer(), value, interval, false);
	else
		cpu_set(&cpu_timers[which - 1], value, interval);
}

/* getitimer reports an armed timer as at least 1 us, as Linux does. */
static long put_itval(uint64_t uaddr, uint64_t value, uint64_t interval)
{
	struct ktime_itval v;

	if (value && value < KTIME_NS_PER_USEC)
		value = KTIME_NS_PER_USEC;
	v.interval = ktime_to_val(interval);
	v.value = ktime_to_val(value);
	return copy_to_user((void *)(uintptr_t)uaddr, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

long sys_getitimer(const struct syscall_args *a)
{
	int which = (int)a->arg[0];
	uint64_t value, interval;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	get(which, &value, &interval);
	return put_itval(a->arg[1], value, interval);
}

/* A NULL new value disarms, as on Linux (which warns about it). */
long sys_setitimer(const struct syscall_args *a)
{
	int which = (int)a->arg[0];
	struct ktime_itval v = {{0, 0}, {0, 0}};
	uint64_t value, interval, old_value, old_interval;
	long r;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	if (a->arg[1] && copy_from_user(&v, (const void *)(uintptr_t)a->arg[1], sizeof(v)) < 0)
		return -EFAULT;
	if (ktime_from_val(&v.value, &value) < 0 || ktime_from_val(&v.interval, &interval) < 0)
		return -EINVAL;
	get(which, &old_value, &old_interval);
	if (a->arg[2] && (r = put_itval(a->arg[2], old_value, old_interval)) < 0)
		return r;
	set(which, value, interval);
	return 0;
}

/* Seconds left of the previous alarm, rounded to the nearest second but never 0 for an
 * armed one (Linux's rule). */
long sys_alarm(const struct syscall_args *a)
{
	unsigned secs = (unsigned)a->arg[0];
	uint64_t value, interval, left;

	ptimer_get(real_timer(), &value, &interval);
	ptimer_set(real_timer(), (uint64_t)secs * KTIME_NS_PER_SEC, 0, false);
	if (value == 0)
		return 0;
	left = value / KTIME_NS_PER_SEC;
	if (value % KTIME_NS_PER_SEC >= KTIME_NS_PER_SEC / 2 || left == 0)
		left++;
	return (long)left;
}
