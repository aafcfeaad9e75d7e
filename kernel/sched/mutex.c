/* mutex.c: the sleeping lock (mutex.h). Release wakes every waiter and each checks
 * again: waiters are few (threads of one program in one directory). */
#include "sched/mutex.h"
#include "core/printk.h"
#include "sched/task.h"

void kmutex_lock(struct kmutex *m)
{
	struct waiter w;

	if (!m->locked) {
		m->locked = true;
		return;
	}
	waiter_init(&w, current);
	waitq_add(&m->waiters, &w);
	while (m->locked)
		waiter_sleep(&w, 0, 0);
	waitq_remove(&w);
	m->locked = true;
}

void kmutex_unlock(struct kmutex *m)
{
	BUG_ON(!m->locked);
	m->locked = false;
	waitq_wake_all(&m->waiters, 0);
}
