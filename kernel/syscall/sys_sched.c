/* sys_sched.c: scheduling calls (sched/sched.h): yielding, CPU affinity, getcpu, and the
 * scheduling policy calls.
 *
 * Policies: the scheduler is round robin for everyone. The program runs as root, so
 * Linux would accept SCHED_FIFO, SCHED_RR, SCHED_BATCH and SCHED_IDLE; isle accepts them
 * with Linux's argument checks, stores the policy and priority per thread (reported by
 * the get calls) and ignores them. SCHED_DEADLINE needs sched_setattr: EINVAL here, as
 * from sched_setscheduler on Linux. Threads are named by tid (0: the caller); a tid that
 * is not ours is ESRCH. */
#include "core/errno.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/smp.h"
#include "sched/task.h"
#include "syscall/sys.h"
#include "syscall/sys_clock.h"

#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6
#define SCHED_RESET_ON_FORK 0x40000000
#define RT_PRIO_MAX 99
#define MASK_BYTES 8 /* Linux's cpumask_size() for up to 64 CPUs */

static long find(uint64_t pid, struct task **out)
{
	int id = (int)pid;

	if (id < 0)
		return -EINVAL;
	*out = id == 0 ? current : task_find(id);
	return *out ? 0 : -ESRCH;
}

static uint64_t online_mask(void)
{
	int n = smp_ncpus();

	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

long sys_sched_yield(const struct syscall_args *a)
{
	schedule();
	return 0;
}

/* Linux rejects a length that is not a whole number of longs or too short for every
 * possible CPU, and returns the bytes it wrote. */
long sys_sched_getaffinity(const struct syscall_args *a)
{
	uint64_t len = a->arg[1], mask;
	struct task *t;
	long r;

	if (len < MASK_BYTES || (len & (sizeof(long) - 1)))
		return -EINVAL;
	r = find(a->arg[0], &t);
	if (r < 0)
		return r;
	mask = t->cpu_mask & online_mask();
	if (copy_to_user((void *)(uintptr_t)a->arg[2], &mask, sizeof(mask)) < 0)
		return -EFAULT;
	return MASK_BYTES;
}

/* Bits beyond the user's length are zero; CPUs that are not online are dropped, and a
 * mask with none left is EINVAL. The caller moves at once when its CPU was dropped. */
long sys_sched_setaffinity(const struct syscall_args *a)
{
	uint64_t len = a->arg[1], mask = 0;
	struct task *t;
	long r;

	r = find(a->arg[0], &t);
	if (r < 0)
		return r;
	if (copy_from_user(&mask, (const void *)(uintptr_t)a->arg[2],
			   len < sizeof(mask) ? len : sizeof(mask)) < 0)
		return -EFAULT;
	mask &= online_mask();
	if (!mask)
		return -EINVAL;
	t->cpu_mask = mask;
	if (t == current && !(mask & (1ull << smp_cpu_id())))
		schedule(); /* schedule() places a task off its allowed CPUs elsewhere */
	return 0;
}

long sys_getcpu(const struct syscall_args *a)
{
	unsigned cpu = (unsigned)smp_cpu_id(), node = 0;

	if (a->arg[0] && copy_to_user((void *)(uintptr_t)a->arg[0], &cpu, sizeof(cpu)) < 0)
		return -EFAULT;
	if (a->arg[1] && copy_to_user((void *)(uintptr_t)a->arg[1], &node, sizeof(node)) < 0)
		return -EFAULT;
	return 0;
}

static bool policy_valid(int policy)
{
	return policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR ||
	       policy == SCHED_BATCH || policy == SCHED_IDLE;
}

static bool is_rt(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

/* policy -1: keep the thread's (sched_setparam). */
static long set_sched(uint64_t pid, int policy, uint64_t uparam)
{
	struct task *t;
	int prio;
	long r;

	if (!uparam || (int)pid < 0)
		return -EINVAL;
	if (copy_from_user(&prio, (const void *)(uintptr_t)uparam, sizeof(prio)) < 0)
		return -EFAULT;
	r = find(pid, &t);
	if (r < 0)
		return r;
	if (policy == -1)
		policy = t->sched_policy; /* sched_setparam keeps policy and flag */
	else if (!policy_valid(policy & ~SCHED_RESET_ON_FORK))
		return -EINVAL;
	if (is_rt(policy & ~SCHED_RESET_ON_FORK) ? prio < 1 || prio > RT_PRIO_MAX : prio != 0)
		return -EINVAL;
	t->sched_policy = policy;
	t->sched_priority = prio;
	return 0;
}

long sys_sched_setscheduler(const struct syscall_args *a)
{
	return set_sched(a->arg[0], (int)a->arg[1], a->arg[2]);
}

long sys_sched_setparam(const struct syscall_args *a)
{
	return set_sched(a->arg[0], -1, a->arg[1]);
}

long sys_sched_getscheduler(const struct syscall_args *a)
{
	struct task *t;
	long r = find(a->arg[0], &t);

	return r < 0 ? r : t->sched_policy;
}

long sys_sched_getparam(const struct syscall_args *a)
{
	struct task *t;
	long r;

	if (!a->arg[1] || (int)a->arg[0] < 0)
		return -EINVAL;
	r = find(a->arg[0], &t);
	if (r < 0)
		return r;
	return copy_to_user((void *)(uintptr_t)a->arg[1], &t->sched_priority, sizeof(int)) < 0
		       ? -EFAULT
		       : 0;
}

long sys_sched_get_priority_max(const struct syscall_args *a)
{
	int policy = (int)a->arg[0];

	if (is_rt(policy))
		return RT_PRIO_MAX;
	return policy_valid(policy) || policy == SCHED_DEADLINE ? 0 : -EINVAL;
}

long sys_sched_get_priority_min(const struct syscall_args *a)
{
	int policy = (int)a->arg[0];

	if (is_rt(policy))
		return 1;
	return policy_valid(policy) || policy == SCHED_DEADLINE ? 0 : -EINVAL;
}

/* SCHED_FIFO threads have no slice (0); everyone else gets the scheduler's. */
long sys_sched_rr_get_interval(const struct syscall_args *a)
{
	struct task *t;
	long r = find(a->arg[0], &t);

	if (r < 0)
		return r;
	return clk_put_timespec(a->arg[1], (t->sched_policy & ~SCHED_RESET_ON_FORK) == SCHED_FIFO
						   ? 0
						   : SCHED_SLICE_NS);
}
