/* net_timer.h: timers of the network stack. A net_timer is a ktimer whose callback does
 * not run in the timer interrupt: the interrupt only marks it due, and net_rx_poll (thread
 * context, BKL held, interrupts on) runs the due callbacks before it processes received
 * frames. So all of the stack's state is touched only from thread context under the BKL,
 * and no stack code needs interrupts masked against another part of the stack.
 *
 * Contract: init once; arm (re)arms for an absolute CLOCK_MONOTONIC deadline; cancel
 * disarms, and after it returns fn is not called for the cancelled arming, even when the
 * timer had already fired and was waiting to run. fn may re-arm its own timer or free it
 * (after cancel is not needed then: a running callback is no longer queued). */
#ifndef ISLE_NET_NET_TIMER_H
#define ISLE_NET_NET_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/timer.h"

struct net_timer {
	struct ktimer kt;
	void (*fn)(struct net_timer *t);
	void *priv;
	struct net_timer *next_due; /* on the due list while due */
	bool due;
};

void net_timer_init(struct net_timer *t, void (*fn)(struct net_timer *t), void *priv);
void net_timer_arm(struct net_timer *t, uint64_t deadline_ns);
void net_timer_cancel(struct net_timer *t);
/* Armed or fired and not yet run. */
bool net_timer_pending(const struct net_timer *t);

/* Run the callbacks of the timers that fired, in firing order (net_rx_poll; the unit tests'
 * fake clock). Returns how many ran. */
int net_timers_run(void);
/* Has a timer fired whose callback has not run yet? */
bool net_timers_due(void);

#endif
