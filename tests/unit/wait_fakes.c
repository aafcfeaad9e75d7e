/* wait_fakes.c: wait queues for single-threaded unit tests of code that may wait for
 * another thread (the inode cache, the page cache, the block cache). With one thread
 * nothing can be busy elsewhere, so a sleep would never end: waiter_sleep aborts. */
#include <stdio.h>
#include <stdlib.h>

#include "sched/wait.h"

void waiter_init(struct waiter *w, struct task *t)
{
	*w = (struct waiter){.task = t};
}

void waitq_add(struct wait_queue *q, struct waiter *w)
{
	w->wq = q;
}

void waitq_remove(struct waiter *w)
{
	w->wq = NULL;
}

int waiter_sleep(struct waiter *w, uint64_t deadline_ns, unsigned flags)
{
	(void)w;
	(void)deadline_ns;
	(void)flags;
	fprintf(stderr, "wait_fakes: a single-threaded test waited for another thread\n");
	abort();
}

void waitq_wake_all(struct wait_queue *q, unsigned events)
{
	(void)q;
	(void)events;
}
