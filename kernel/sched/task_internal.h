/* task_internal.h: task life-cycle helpers shared by the files of kernel/sched (task.c,
 * sched.c, clone.c); not for the rest of the kernel. Locking: BKL. */
#ifndef ISLE_SCHED_TASK_INTERNAL_H
#define ISLE_SCHED_TASK_INTERNAL_H

#include "sched/task.h"

#define TASK_NO_SLOT 0xffffffffu

/* A zeroed task with a kernel stack and an extended-state area; NULL when out of memory
 * or stack slots. Not yet visible (no tid). */
struct task *task_alloc(void);
/* The same with a stack that already exists (the boot stack; an AP's boot stack), not
 * recycled when the task ends. */
struct task *task_alloc_bootstrap(uint64_t kstack_bottom, uint64_t kstack_top);
/* Free a task that no CPU runs any more (its stack slot is recycled). */
void task_free(struct task *t);
/* Give t the next tid and put it on the list of live threads / take it off. */
void task_register(struct task *t);
void task_unregister(struct task *t);

/* First thing a new thread does on its first switch-in (frees a dead predecessor). */
void sched_thread_tail(void);

#endif
