/* sigops.c: the operations behind the signal syscalls, with Linux's checks and their
 * order: sending (kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo), the mask
 * (rt_sigprocmask, rt_sigpending) and waiting (rt_sigsuspend, pause, rt_sigtimedwait).
 *
 * isle runs one process, pid 1, which is also its process group: kill(1) and kill(0)
 * reach it; kill(-1) reaches every process but the caller and init on Linux, so nothing
 * here (ESRCH), as any other pid.
 *
 * Waiting sleeps interruptibly until a signal is pending for the thread; the signal
 * itself is then taken on the way out (deliver.c), which also restores the mask that
 * rt_sigsuspend replaced (restore_saved). rt_sigtimedwait unblocks the signals it waits
 * for while it sleeps, so that their arrival ends the sleep, as Linux does. */
#include "core/errno.h"
#include "core/time.h"
#include "sched/task.h"
#include "sched/wait.h"
#include "signal/internal.h"

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

static bool valid(int sig)
{
	return sig >= 0 && sig <= SIG_NSIG;
}

static void user_info(struct ksiginfo *info, int sig, int code)
{
	__builtin_memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->kill.pid = TASK_PID;
	info->kill.uid = 0;
}

int signal_kill(int pid, int sig)
{
	struct ksiginfo info;

	if (pid != TASK_PID && pid != 0)
		return -ESRCH;
	if (!valid(sig))
		return -EINVAL;
	if (!sig)
		return 0;
	user_info(&info, sig, SI_USER);
	return signal_send_process(sig, &info);
}

int signal_tgkill(int tgid, int tid, int sig)
{
	struct ksiginfo info;

	if (tid <= 0 || (tgid != -1 && tgid <= 0))
		return -EINVAL;
	struct task *t = task_find(tid);
	if (!t || (tgid != -1 && tgid != TASK_PID))
		return -ESRCH;
	if (!valid(sig))
		return -EINVAL;
	if (!sig)
		return 0;
	user_info(&info, sig, SI_TKILL);
	return signal_send_thread(t, sig, &info);
}

int signal_queueinfo(int tgid, int tid, int sig, struct ksiginfo *info)
{
	/* Only the kernel may claim SI_USER, SI_KERNEL or SI_TKILL for another task. */
	bool forged = info->si_code >= 0 || info->si_code == SI_TKILL;

	info->si_signo = sig;
	if (!tid) {
		if (forged && tgid != TASK_PID)
			return -EPERM;
		if (tgid != TASK_PID)
			return -ESRCH;
		if (!valid(sig))
			return -EINVAL;
		return sig ? signal_send_process(sig, info) : 0;
	}
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (forged && tid != current->tid)
		return -EPERM;
	struct task *t = task_find(tid);
	if (!t || tgid != TASK_PID)
		return -ESRCH;
	if (!valid(sig))
		return -EINVAL;
	return sig ? signal_send_thread(t, sig, info) : 0;
}

int signal_procmask(int how, const uint64_t *set, uint64_t *old)
{
	struct task *t = current;

	if (old)
		*old = t->sig.blocked;
	if (!set)
		return 0;
	switch (how) {
	case SIG_BLOCK:
		signal_set_blocked(t, t->sig.blocked | *set);
		return 0;
	case SIG_UNBLOCK:
		signal_set_blocked(t, t->sig.blocked & ~*set);
		return 0;
	case SIG_SETMASK:
		signal_set_blocked(t, *set);
		return 0;
	default:
		return -EINVAL;
	}
}

uint64_t signal_pending_blocked(void)
{
	struct task *t = current;

	return (t->sig.pending | *signal_proc_set()) & t->sig.blocked;
}

/* Sleep until a signal is pending (returns at once when one is). */
static void sleep_for_signal(void)
{
	while (!signal_pending(current))
		(void)sched_sleep_until(0, WAIT_INTERRUPTIBLE);
}

long signal_suspend(uint64_t mask)
{
	struct task *t = current;

	t->sig.saved_blocked = t->sig.blocked;
	t->sig.restore_saved = true;
	signal_set_blocked(t, mask);
	sleep_for_signal();
	return -ERESTARTNOHAND;
}

long signal_pause(void)
{
	sleep_for_signal();
	return -ERESTARTNOHAND;
}

long signal_timedwait(uint64_t mask, int64_t timeout_ns, struct ksiginfo *info)
{
	struct task *t = current;

	mask &= ~SIG_UNBLOCKABLE;
	int sig = signal_take(t, ~mask, info);
	if (sig)
		return sig;
	if (timeout_ns == 0)
		return -EAGAIN;
	uint64_t deadline = timeout_ns < 0 ? 0 : time_monotonic_ns() + (uint64_t)timeout_ns;
	uint64_t blocked = t->sig.blocked;
	int r = 0;
	t->sig.blocked &= ~mask;
	while (!signal_pending(t)) {
		r = sched_sleep_until(deadline, WAIT_INTERRUPTIBLE);
		if (r == 0 && deadline && time_monotonic_ns() >= deadline)
			break;
	}
	signal_set_blocked(t, blocked);
	sig = signal_take(t, ~mask, info);
	if (sig)
		return sig;
	return signal_pending(t) ? -EINTR : -EAGAIN;
}
