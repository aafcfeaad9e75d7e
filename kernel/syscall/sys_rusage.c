/* sys_rusage.c: resource usage (getrusage, times) from the scheduler's accounting
 * (sys_clock.h): user time is run time minus the part spent in the kernel. The program
 * has no children, so RUSAGE_CHILDREN and the children's times are zero. ru_maxrss is
 * the largest resident set any call has seen (the resident set is counted from the page
 * tables), so it may miss a peak between calls. No faults, block I/O or IPC counts are
 * kept: those fields are 0. */
#include "core/errno.h"
#include "core/time.h"
#include "lib/string.h"
#include "mm/uaccess.h"
#include "mm/vm.h"
#include "sched/task.h"
#include "syscall/sys.h"
#include "syscall/sys_clock.h"

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1
#define USER_HZ 100
#define PAGE_KB 4

struct k_rusage {
	struct ktime_val utime, stime;
	int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd,
		msgrcv, nsignals, nvcsw, nivcsw;
};

static uint64_t max_rss_kb;

static uint64_t rss_kb(void)
{
	uint64_t kb = vm_resident_pages() * PAGE_KB;

	if (kb > max_rss_kb)
		max_rss_kb = kb;
	return max_rss_kb;
}

long sys_getrusage(const struct syscall_args *a)
{
	int who = (int)a->arg[0];
	struct k_rusage ru;
	uint64_t all = 0, sys = 0;

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	if (who == RUSAGE_THREAD) {
		all = clk_task_cpu_ns(current);
		sys = current->sys_ns;
		ru.nvcsw = (int64_t)current->nvcsw;
		ru.nivcsw = (int64_t)current->nivcsw;
	} else if (who == RUSAGE_SELF) {
		all = clk_process_cpu_ns();
		sys = clk_process_sys_ns();
		for (struct task *t = task_first(); t; t = task_next(t)) {
			ru.nvcsw += (int64_t)t->nvcsw;
			ru.nivcsw += (int64_t)t->nivcsw;
		}
	}
	if (who != RUSAGE_CHILDREN)
		ru.maxrss = (int64_t)rss_kb();
	if (sys > all)
		sys = all;
	ru.utime = ktime_to_val(all - sys);
	ru.stime = ktime_to_val(sys);
	return copy_to_user((void *)(uintptr_t)a->arg[1], &ru, sizeof(ru)) < 0 ? -EFAULT : 0;
}

/* Clock ticks since boot, as Linux's (whose origin is arbitrary too). */
long sys_times(const struct syscall_args *a)
{
	uint64_t all = clk_process_cpu_ns(), sys = clk_process_sys_ns();
	int64_t tms[4];

	if (sys > all)
		sys = all;
	tms[0] = (int64_t)((all - sys) / (KTIME_NS_PER_SEC / USER_HZ));
	tms[1] = (int64_t)(sys / (KTIME_NS_PER_SEC / USER_HZ));
	tms[2] = tms[3] = 0;
	if (a->arg[0] && copy_to_user((void *)(uintptr_t)a->arg[0], tms, sizeof(tms)) < 0)
		return -EFAULT;
	return (long)(time_monotonic_ns() / (KTIME_NS_PER_SEC / USER_HZ));
}
