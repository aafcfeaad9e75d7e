/* wait_while.c: waitq_sleep_while (wait.h), the blocking pattern of wait.h for a sleeper
 * with no deadline and no signals. Built on the waiter calls alone, so unit tests link it
 * over their fake wait queues. */
#include "sched/task.h"
#include "sched/wait.h"

void waitq_sleep_while(struct wait_queue *q, bool (*cond)(void *arg), void *arg)
{
	struct waiter w;

	if (!cond(arg))
		return;
	waiter_init(&w, current);
	waitq_add(q, &w);
	while (cond(arg))
		waiter_sleep(&w, 0, 0);
	waitq_remove(&w);
}
