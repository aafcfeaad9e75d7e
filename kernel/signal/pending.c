/* pending.c: signal_is_pending (signal.h), for POSIX timers' overrun counting: reads the
 * process-wide and per-thread pending sets without changing them. */
#include "signal/internal.h"
#include "sched/task.h"

bool signal_is_pending(struct task *t, int sig)
{
	uint64_t set;

	if (sig < 1 || sig > SIG_NSIG)
		return false;
	set = *signal_proc_set() | (t ? t->sig.pending : 0);
	return (set & SIG_BIT(sig)) != 0;
}
