/* mutex.c: the sleeping lock (mutex.h). Release wakes every waiter and each checks
 * again: waiters are few (threads of one program in one directory). */
#include "sched/mutex.h"
#include "core/printk.h"

static bool held(void *m)
{
	return ((struct kmutex *)m)->locked;
}

void kmutex_lock(struct kmutex *m)
{
	waitq_sleep_while(&m->waiters, held, m);
	m->locked = true;
}

void kmutex_unlock(struct kmutex *m)
{
	BUG_ON(!m->locked);
	m->locked = false;
	waitq_wake_all(&m->waiters, 0);
}
