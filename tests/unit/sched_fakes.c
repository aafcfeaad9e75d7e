/* sched_fakes.c: the scheduler as the syscall unit tests see it: one thread (tid 1) that
 * never sleeps; creating threads and futexes are not available. */
#include <stdlib.h>

#include "core/errno.h"
#include "core/exit.h"
#include "sched/clone.h"
#include "sched/futex.h"
#include "sched/sched.h"
#include "sched/smp.h"
#include "sched/task.h"
#include "sched/wait.h"

static struct task fake_task = {.tid = TASK_PID, .syscall_nr = -1, .cpu_mask = 1};

struct task *task_current(void)
{
	return &fake_task;
}

struct task *task_find(int tid)
{
	return tid == TASK_PID ? &fake_task : NULL;
}

struct task *task_first(void)
{
	return &fake_task;
}

struct task *task_next(struct task *t)
{
	return NULL;
}

int task_count(void)
{
	return 1;
}

long clone_thread(const struct clone_request *rq)
{
	return -ENOSYS;
}

long futex_op(uint64_t uaddr, int op, uint32_t val, uint64_t utimeout_or_val2, uint64_t uaddr2,
	      uint32_t val3)
{
	return -ENOSYS;
}

/* As the real one with a single thread: the program ends. */
void thread_exit(int status)
{
	program_exit(status & 0xff, "exited");
}

/* Sleeps end at once; the last deadline and the count are kept for the tests. */
uint64_t fake_sleep_deadline;
int fake_sleeps;

int sched_sleep_until(uint64_t deadline_ns, unsigned flags)
{
	fake_sleep_deadline = deadline_ns;
	fake_sleeps++;
	return 0;
}

/* One CPU, nothing else to run. */
int fake_schedules;

void schedule(void)
{
	fake_schedules++;
}

int smp_cpu_id(void)
{
	return 0;
}

int smp_ncpus(void)
{
	return 1;
}

void smp_tlb_shootdown(uintptr_t start, uintptr_t end) {}
