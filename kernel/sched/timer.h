/* timer.h: kernel timers on CLOCK_MONOTONIC. A ktimer calls fn once at (or soon after) its
 * deadline, from the timer interrupt with the BKL held and interrupts off: fn may wake
 * tasks, send signals and re-arm its own timer, never sleep. One sorted list for the whole
 * machine; every CPU arms its local APIC timer for the earliest of the list's head and its
 * own slice end, so a timer fires on whichever CPU gets there first.
 *
 * Locking: BKL; arm/cancel disable interrupts internally. */
#ifndef ISLE_SCHED_TIMER_H
#define ISLE_SCHED_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ktimer {
	uint64_t deadline_ns;
	void (*fn)(struct ktimer *t);
	void *priv;
	struct ktimer *next;
	bool armed;
};

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t), void *priv);
/* (Re-)arm t for deadline_ns; a deadline in the past fires at the next tick. */
void ktimer_arm(struct ktimer *t, uint64_t deadline_ns);
/* Disarm; no-op when not armed. After return fn will not be called for this arming. */
void ktimer_cancel(struct ktimer *t);

/* Timer interrupt: run expired timers, then re-arm this CPU's local timer. Also called by
 * the idle loop before halting. */
void ktimer_run_expired(void);
/* Re-arm this CPU's local APIC timer for min(first timer, sched_next_deadline()). */
void ktimer_program_cpu(void);

#endif
