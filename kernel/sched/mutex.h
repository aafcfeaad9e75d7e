/* mutex.h: a sleeping lock, for kernel state that must stay consistent across a sleep
 * (an ext2 directory while an operation on it reads and writes the disk). Under the BKL,
 * so taking and releasing need no atomics; a task waiting for it sleeps on its wait queue
 * and lets others run. Not recursive; the holder must release it before returning to
 * the program. A zeroed struct kmutex is unlocked. */
#ifndef ISLE_SCHED_MUTEX_H
#define ISLE_SCHED_MUTEX_H

#include <stdbool.h>

#include "sched/wait.h"

struct kmutex {
	bool locked;
	struct wait_queue waiters;
};

/* Take m, sleeping (not interruptibly) while another task holds it. */
void kmutex_lock(struct kmutex *m);
void kmutex_unlock(struct kmutex *m);

#endif
