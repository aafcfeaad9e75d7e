/* ktime.h: nanosecond time arithmetic shared by the clock, sleep and timer calls
 * (kernel/lib/ktime.c), freestanding and host-testable: Linux's timespec and timeval
 * layouts, their checked conversion to unsigned nanoseconds, saturating sums, and the
 * expiry arithmetic of periodic timers (overruns). */
#ifndef ISLE_LIB_KTIME_H
#define ISLE_LIB_KTIME_H

#include <stdint.h>

#define KTIME_NS_PER_SEC 1000000000ull
#define KTIME_NS_PER_USEC 1000ull

/* struct timespec / struct timeval of Linux x86-64. */
struct ktime_spec {
	int64_t sec, nsec;
};
struct ktime_val {
	int64_t sec, usec;
};
/* struct itimerspec / struct itimerval. */
struct ktime_itspec {
	struct ktime_spec interval, value;
};
struct ktime_itval {
	struct ktime_val interval, value;
};

/* A timespec Linux accepts (sec >= 0, nsec in [0, 1e9)) as nanoseconds, saturating at
 * UINT64_MAX (a time beyond the machine's life). 0, or -EINVAL (22). */
int ktime_from_spec(const struct ktime_spec *ts, uint64_t *ns);
/* Same for a timeval (usec in [0, 1e6)). */
int ktime_from_val(const struct ktime_val *tv, uint64_t *ns);
struct ktime_spec ktime_to_spec(uint64_t ns);
/* Microseconds truncated, as Linux's getitimer reports them. */
struct ktime_val ktime_to_val(uint64_t ns);

static inline uint64_t ktime_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* A periodic timer with interval > 0 whose expiry has passed (expiry <= now): the first
 * expiry after now, and in *missed the number of expiries in (expiry, now] skipped over
 * (overruns when the timer fires late), saturating at INT32_MAX as Linux's
 * DELAYTIMER_MAX. */
uint64_t ktime_next_expiry(uint64_t expiry, uint64_t interval, uint64_t now, uint32_t *missed);

#endif
