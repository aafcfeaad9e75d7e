/* net_timer.c: network timers whose callbacks run from net_rx_poll, not in the interrupt
 * (net_timer.h). The due list is shared with the timer interrupt: changed with it off. */
#include "net/net_timer.h"

#include <stddef.h>

#include "arch/x86_64/arch.h"

static struct net_timer *due_head, *due_tail;

/* The timer interrupt (interrupts off): queue for the next poll. */
static void fired(struct ktimer *k)
{
	struct net_timer *t = k->priv;
	if (t->due)
		return;
	t->due = true;
	t->next_due = NULL;
	if (due_tail)
		due_tail->next_due = t;
	else
		due_head = t;
	due_tail = t;
}

void net_timer_init(struct net_timer *t, void (*fn)(struct net_timer *t), void *priv)
{
	ktimer_init(&t->kt, fired, t);
	t->fn = fn;
	t->priv = priv;
	t->next_due = NULL;
	t->due = false;
}

/* Take t off the due list; interrupts are off. */
static void unqueue(struct net_timer *t)
{
	struct net_timer *prev = NULL;
	for (struct net_timer *q = due_head; q; prev = q, q = q->next_due) {
		if (q != t)
			continue;
		if (prev)
			prev->next_due = q->next_due;
		else
			due_head = q->next_due;
		if (due_tail == q)
			due_tail = prev;
		break;
	}
	t->due = false;
	t->next_due = NULL;
}

void net_timer_cancel(struct net_timer *t)
{
	unsigned long fl = arch_irq_save();
	ktimer_cancel(&t->kt);
	if (t->due)
		unqueue(t);
	arch_irq_restore(fl);
}

void net_timer_arm(struct net_timer *t, uint64_t deadline_ns)
{
	unsigned long fl = arch_irq_save();
	if (t->due)
		unqueue(t);
	ktimer_arm(&t->kt, deadline_ns);
	arch_irq_restore(fl);
}

bool net_timer_pending(const struct net_timer *t)
{
	return t->kt.armed || t->due;
}

bool net_timers_due(void)
{
	return due_head != NULL;
}

int net_timers_run(void)
{
	int n = 0;
	for (;;) {
		unsigned long fl = arch_irq_save();
		struct net_timer *t = due_head;
		if (t) {
			due_head = t->next_due;
			if (!due_head)
				due_tail = NULL;
			t->due = false;
			t->next_due = NULL;
		}
		arch_irq_restore(fl);
		if (!t)
			return n;
		t->fn(t); /* may re-arm or free t */
		n++;
	}
}
