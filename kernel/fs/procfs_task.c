/* procfs_task.c: the threads under /proc/1/task (procfs_gen.h): one numbered directory
 * per live thread (sched/task.h), its comm and stat, and the /proc/thread-self link. */
#include "fs/procfs_gen.h"
#include "lib/format.h"
#include "sched/task.h"

long procfs_task_next(unsigned long from)
{
	long best = -1;

	for (struct task *t = task_first(); t; t = task_next(t))
		if ((unsigned long)t->tid >= from && (best < 0 || t->tid < best))
			best = t->tid;
	return best;
}

void procfs_show_task_comm(unsigned long tid, struct genfs_out *o)
{
	struct task *t = task_find((int)tid);

	if (t)
		genfs_printf(o, "%s\n", t->comm);
}

void procfs_show_task_stat(unsigned long tid, struct genfs_out *o)
{
	struct task *t = task_find((int)tid);

	if (t)
		procfs_stat_line(o, t->tid, t->comm);
}

long procfs_link_thread_self(char *buf, size_t size)
{
	char target[32];
	struct task *t = current;

	fmt_snprintf(target, sizeof(target), "%d/task/%d", PROC_PID, t ? t->tid : PROC_PID);
	return genfs_link(buf, size, target);
}
