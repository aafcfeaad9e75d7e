/* wait.c: wait queues and sleeping (see wait.h for the pattern every sleeper follows).
 * A sleep with a deadline arms a ktimer on the sleeper's stack that wakes it; a signal
 * wakes an interruptible sleeper through sched_kick. Before sched_init the "sleep" is a
 * halt until the next interrupt, so boot-time drivers can use the same code. */
#include "sched/wait.h"
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/time.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/timer.h"
#include "signal/signal.h"

void waitq_init(struct wait_queue *q)
{
	q->head = q->tail = NULL;
}

void waiter_init(struct waiter *w, struct task *t)
{
	w->next = w->prev = NULL;
	w->wq = NULL;
	w->task = t;
	w->func = NULL;
	w->priv = NULL;
	w->events = 0;
	w->exclusive = false;
	w->woken = false;
}

void waiter_init_func(struct waiter *w, void (*func)(struct waiter *w, unsigned events), void *priv)
{
	waiter_init(w, NULL);
	w->func = func;
	w->priv = priv;
}

void waitq_add(struct wait_queue *q, struct waiter *w)
{
	unsigned long fl = arch_irq_save();
	if (w->wq)
		waitq_remove(w);
	w->wq = q;
	w->next = NULL;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
	arch_irq_restore(fl);
}

void waitq_remove(struct waiter *w)
{
	unsigned long fl = arch_irq_save();
	struct wait_queue *q = w->wq;
	if (q) {
		if (w->prev)
			w->prev->next = w->next;
		else
			q->head = w->next;
		if (w->next)
			w->next->prev = w->prev;
		else
			q->tail = w->prev;
		w->next = w->prev = NULL;
		w->wq = NULL;
	}
	arch_irq_restore(fl);
}

/* Wake one waiter (already chosen by the caller). Interrupts off. */
static void wake(struct waiter *w, unsigned events)
{
	w->woken = true;
	if (w->func)
		w->func(w, events);
	else if (w->task)
		sched_wake(w->task);
}

static bool matches(const struct waiter *w, unsigned events)
{
	return !w->events || !events || (w->events & events);
}

static void wake_some(struct wait_queue *q, unsigned events, bool one)
{
	unsigned long fl = arch_irq_save();
	struct waiter *w = q->head;
	while (w) {
		/* A callback may remove its own waiter: fetch next first. */
		struct waiter *next = w->next;
		if (matches(w, events)) {
			bool stop = one && w->exclusive;
			wake(w, events);
			if (stop)
				break;
		}
		w = next;
	}
	arch_irq_restore(fl);
}

void waitq_wake_all(struct wait_queue *q, unsigned events)
{
	wake_some(q, events, false);
}

void waitq_wake_one(struct wait_queue *q, unsigned events)
{
	wake_some(q, events, true);
}

void waiter_wake(struct waiter *w, unsigned events)
{
	unsigned long fl = arch_irq_save();
	wake(w, events);
	arch_irq_restore(fl);
}

static void timeout_fn(struct ktimer *kt)
{
	sched_wake(kt->priv);
}

/* Before the scheduler: halt until an interrupt (which may be what w waits for). */
static int early_sleep(struct waiter *w, uint64_t deadline_ns)
{
	unsigned long fl = arch_irq_save();
	int r = 0;
	if (w->woken)
		w->woken = false;
	else if (deadline_ns && time_monotonic_ns() >= deadline_ns)
		r = -ETIMEDOUT;
	else
		arch_wait_for_interrupt();
	arch_irq_restore(fl);
	return r;
}

int waiter_sleep(struct waiter *w, uint64_t deadline_ns, unsigned flags)
{
	if (!sched_started())
		return early_sleep(w, deadline_ns);
	struct task *t = current;
	bool intr = flags & WAIT_INTERRUPTIBLE;
	unsigned long fl = arch_irq_save();
	int r = 0;

	if (w->woken) {
		w->woken = false;
		arch_irq_restore(fl);
		return 0;
	}
	if (intr && signal_pending(t)) {
		arch_irq_restore(fl);
		return -EINTR;
	}
	if (deadline_ns && time_monotonic_ns() >= deadline_ns) {
		arch_irq_restore(fl);
		return -ETIMEDOUT;
	}
	struct ktimer kt;
	if (deadline_ns) {
		ktimer_init(&kt, timeout_fn, t);
		ktimer_arm(&kt, deadline_ns);
	}
	t->sleep_interruptible = intr;
	if (!t->wake_pending) {
		t->state = TASK_SLEEPING;
		schedule();
	}
	t->wake_pending = false;
	t->sleep_interruptible = false;
	if (deadline_ns)
		ktimer_cancel(&kt);
	if (w->woken)
		r = 0;
	else if (intr && signal_pending(t))
		r = -EINTR;
	else if (deadline_ns && time_monotonic_ns() >= deadline_ns)
		r = -ETIMEDOUT;
	w->woken = false;
	arch_irq_restore(fl);
	return r;
}

int sched_sleep_until(uint64_t deadline_ns, unsigned flags)
{
	struct waiter w;
	waiter_init(&w, sched_started() ? current : NULL);
	for (;;) {
		int r = waiter_sleep(&w, deadline_ns, flags);
		if (r == -ETIMEDOUT)
			return 0;
		if (r < 0)
			return r;
	}
}
