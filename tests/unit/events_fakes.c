/* events_fakes.c: host stand-ins for the event-file unit tests (test_events.c): wait
 * queues with the kernel's wake rules but no scheduler (a "sleep" returns at once: 0 when
 * the waiter was woken, else -ETIMEDOUT when it had a deadline and -EINTR when it had
 * none, standing in for a signal), one current task, signals recorded, a settable clock
 * and no interrupts. */
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "sched/task.h"
#include "sched/wait.h"
#include "signal/signal.h"

static struct task fake_task;
int fake_last_signal;
unsigned fake_sleeps;
uint64_t fake_mono_ns = 1000000000ull;

struct task *task_current(void)
{
	return &fake_task;
}

int signal_send_thread(struct task *t, int sig, const struct ksiginfo *info)
{
	fake_last_signal = sig;
	return 0;
}

uint64_t time_monotonic_ns(void)
{
	return fake_mono_ns;
}

/* arch_irq_save/restore: mm_fakes.c (linked through FS_CORE_SRCS). */

void waitq_init(struct wait_queue *q)
{
	q->head = q->tail = NULL;
}

void waiter_init(struct waiter *w, struct task *t)
{
	*w = (struct waiter){.task = t};
}

void waiter_init_func(struct waiter *w, void (*func)(struct waiter *w, unsigned events), void *priv)
{
	*w = (struct waiter){.func = func, .priv = priv};
}

void waitq_remove(struct waiter *w)
{
	struct wait_queue *q = w->wq;

	if (!q)
		return;
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

void waitq_add(struct wait_queue *q, struct waiter *w)
{
	waitq_remove(w);
	w->wq = q;
	w->next = NULL;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
}

void waiter_wake(struct waiter *w, unsigned events)
{
	w->woken = true;
	if (w->func)
		w->func(w, events);
}

static void wake_some(struct wait_queue *q, unsigned events, bool one)
{
	for (struct waiter *w = q->head, *next; w; w = next) {
		next = w->next;
		if (w->events && events && !(w->events & events))
			continue;
		bool stop = one && w->exclusive;
		waiter_wake(w, events);
		if (stop)
			break;
	}
}

void waitq_wake_all(struct wait_queue *q, unsigned events)
{
	wake_some(q, events, false);
}

void waitq_wake_one(struct wait_queue *q, unsigned events)
{
	wake_some(q, events, true);
}

int waiter_sleep(struct waiter *w, uint64_t deadline_ns, unsigned flags)
{
	fake_sleeps++;
	if (w->woken) {
		w->woken = false;
		return 0;
	}
	return deadline_ns ? -ETIMEDOUT : -EINTR;
}
