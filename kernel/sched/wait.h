/* wait.h: wait queues, the one way kernel code blocks. A wait queue is a list of waiters;
 * a waiter is either a sleeping task (func NULL) or a callback (epoll, signalfd, ...).
 *
 * Blocking follows one pattern, with no lost wake-ups because the condition is checked
 * after the waiter is on the queue:
 *
 *	struct waiter w;
 *	waiter_init(&w, current);
 *	waitq_add(&q, &w);
 *	int r = 0;
 *	while (!condition) {
 *		r = waiter_sleep(&w, deadline_ns, WAIT_INTERRUPTIBLE);
 *		if (r < 0)
 *			break;
 *	}
 *	waitq_remove(&q, &w);
 *
 * Wakers change the state the condition reads, then call waitq_wake_*.
 * Locking: BKL; the functions disable interrupts internally, so interrupt handlers may
 * wake queues. */
#ifndef ISLE_SCHED_WAIT_H
#define ISLE_SCHED_WAIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct task;
struct waiter;

struct wait_queue {
	struct waiter *head, *tail;
};
#define WAIT_QUEUE_INIT                                                                            \
	{                                                                                          \
		NULL, NULL                                                                         \
	}

struct waiter {
	struct waiter *next, *prev;
	struct wait_queue *wq; /* the queue it is on, NULL when on none */
	struct task *task;     /* woken when func is NULL */
	/* Called instead of waking a task; events is the mask passed to waitq_wake (0 when
	 * the waker gave none). Runs with interrupts off and the BKL held: no sleeping. */
	void (*func)(struct waiter *w, unsigned events);
	void *priv;
	unsigned events; /* filter: only wakes with (events & mask) != 0 reach this waiter;
			    0 = every wake */
	bool exclusive;	 /* waitq_wake_one stops after the first exclusive waiter */
	bool woken;	 /* set by a wake, cleared by waiter_sleep on return */
};

void waitq_init(struct wait_queue *q);
void waiter_init(struct waiter *w, struct task *t);
/* Callback waiter (t = NULL). */
void waiter_init_func(struct waiter *w, void (*func)(struct waiter *w, unsigned events),
		      void *priv);
void waitq_add(struct wait_queue *q, struct waiter *w);
/* Remove w from the queue it is on (no-op when on none). */
void waitq_remove(struct waiter *w);
static inline bool waitq_empty(const struct wait_queue *q)
{
	return q->head == NULL;
}

/* Wake every waiter whose filter matches events (0: all). */
void waitq_wake_all(struct wait_queue *q, unsigned events);
/* Wake non-exclusive waiters and the first exclusive one (EPOLLEXCLUSIVE, accept). */
void waitq_wake_one(struct wait_queue *q, unsigned events);
/* Wake one particular waiter (futex picks its own). */
void waiter_wake(struct waiter *w, unsigned events);

#define WAIT_INTERRUPTIBLE 1u /* a pending unblocked signal ends the sleep with -EINTR */

/* Sleep until w is woken, deadline_ns (CLOCK_MONOTONIC ns; 0 = none) passes, or (with
 * WAIT_INTERRUPTIBLE) a signal is pending for the task. Returns 0 when woken (or woken
 * spuriously: callers re-check their condition), -ETIMEDOUT, -EINTR. Returns at once when
 * w was woken since it was added or last slept. Before the scheduler starts, halts the
 * CPU until an interrupt instead. */
int waiter_sleep(struct waiter *w, uint64_t deadline_ns, unsigned flags);

/* Sleep, not interruptibly and with no deadline, while cond(arg) holds; cond is checked
 * again after every wake on q (what it reads may have been freed meanwhile, so it must
 * look things up afresh). Returns at once when cond is false. */
void waitq_sleep_while(struct wait_queue *q, bool (*cond)(void *arg), void *arg);

/* Sleep with no queue until the deadline or (interruptible) a signal: nanosleep, pause.
 * Returns 0 at the deadline, -EINTR. */
int sched_sleep_until(uint64_t deadline_ns, unsigned flags);

#endif
