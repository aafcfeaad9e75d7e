/* ptimer.h (private to the timer system calls: sys_timer.c, sys_timerfd.c): an interval
 * timer on one of the timer clocks (sys_clock.h: REALTIME, MONOTONIC, BOOTTIME, TAI) over
 * a ktimer, with POSIX's arming rules (a zero value disarms; absolute values on a wall
 * clock are converted once, the wall clock never being stepped) and periodic re-arming
 * that counts the expiries a late tick skipped.
 *
 * Locking: BKL. expired runs from the timer interrupt (interrupts off): no sleeping. */
#ifndef ISLE_SYSCALL_PTIMER_H
#define ISLE_SYSCALL_PTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/timer.h"

struct ptimer {
	struct ktimer kt;
	int clock;
	uint64_t expiry;   /* monotonic ns of the next expiry; 0 when disarmed */
	uint64_t interval; /* 0: one-shot */
	/* count >= 1 expiries happened (1 + the ones a late tick skipped). */
	void (*expired)(struct ptimer *p, uint32_t count);
	void *priv;
};

void ptimer_init(struct ptimer *p, int clock, void (*expired)(struct ptimer *p, uint32_t count),
		 void *priv);
/* Arm for value ns from now (abs: at value on p's clock) then every interval ns; value
 * 0 disarms (the interval is kept for ptimer_get, as Linux reports it). An absolute time already
 * past expires at the next tick. */
void ptimer_set(struct ptimer *p, uint64_t value, uint64_t interval, bool abs);
/* Time to the next expiry (0 when disarmed; at least 1 when armed) and the interval. */
void ptimer_get(const struct ptimer *p, uint64_t *remaining, uint64_t *interval);
/* The same as a struct itimerspec at program address uaddr: 0 or -EFAULT. */
long ptimer_copy_out(const struct ptimer *p, uint64_t uaddr);
void ptimer_cancel(struct ptimer *p);

#endif
