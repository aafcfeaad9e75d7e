/* sys_signal.c: the signal system calls. Arguments are decoded and program memory copied
 * here, in Linux's order of checks (sigset size, then EFAULT on input, then the
 * operation, then EFAULT on output); the semantics live in kernel/signal/. */
#include "core/errno.h"
#include "mm/uaccess.h"
#include "sched/task.h"
#include "signal/sigframe.h"
#include "signal/signal.h"
#include "syscall/sys.h"

#define SIGSET_SIZE 8

static void *uptr(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

long sys_rt_sigaction(const struct syscall_args *a)
{
	void *uact = uptr(a->arg[1]), *uoact = uptr(a->arg[2]);
	struct sig_action new, old;

	if (a->arg[3] != SIGSET_SIZE)
		return -EINVAL;
	if (uact && copy_from_user(&new, uact, sizeof(new)) < 0)
		return -EFAULT;
	int r = signal_set_action((int)a->arg[0], uact ? &new : NULL, &old);
	if (r < 0)
		return r;
	if (uoact && copy_to_user(uoact, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(const struct syscall_args *a)
{
	void *uset = uptr(a->arg[1]), *uoset = uptr(a->arg[2]);
	uint64_t set, old;

	if (a->arg[3] != SIGSET_SIZE)
		return -EINVAL;
	if (uset && copy_from_user(&set, uset, sizeof(set)) < 0)
		return -EFAULT;
	int r = signal_procmask((int)a->arg[0], uset ? &set : NULL, &old);
	if (r < 0)
		return r;
	if (uoset && copy_to_user(uoset, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(const struct syscall_args *a)
{
	uint64_t set = signal_pending_blocked();

	if (a->arg[1] > SIGSET_SIZE)
		return -EINVAL;
	if (copy_to_user(uptr(a->arg[0]), &set, a->arg[1]) < 0)
		return -EFAULT;
	return 0;
}

long sys_rt_sigsuspend(const struct syscall_args *a)
{
	uint64_t mask;

	if (a->arg[1] != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, uptr(a->arg[0]), sizeof(mask)) < 0)
		return -EFAULT;
	return signal_suspend(mask);
}

long sys_pause(const struct syscall_args *a)
{
	(void)a;
	return signal_pause();
}

long sys_rt_sigtimedwait(const struct syscall_args *a)
{
	uint64_t mask;
	int64_t ts[2], timeout = -1;
	struct ksiginfo info;

	if (a->arg[3] != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, uptr(a->arg[0]), sizeof(mask)) < 0)
		return -EFAULT;
	if (a->arg[2]) {
		if (copy_from_user(ts, uptr(a->arg[2]), sizeof(ts)) < 0)
			return -EFAULT;
		if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
			return -EINVAL;
		timeout = ts[0] >= INT64_MAX / 1000000000 - 1 ? INT64_MAX
							      : ts[0] * 1000000000 + ts[1];
	}
	long sig = signal_timedwait(mask, timeout, &info);
	if (sig > 0 && a->arg[1] && copy_to_user(uptr(a->arg[1]), &info, sizeof(info)) < 0)
		return -EFAULT;
	return sig;
}

long sys_kill(const struct syscall_args *a)
{
	return signal_kill((int)a->arg[0], (int)a->arg[1]);
}

long sys_tkill(const struct syscall_args *a)
{
	return signal_tgkill(-1, (int)a->arg[0], (int)a->arg[1]);
}

long sys_tgkill(const struct syscall_args *a)
{
	return signal_tgkill((int)a->arg[0], (int)a->arg[1], (int)a->arg[2]);
}

long sys_rt_sigqueueinfo(const struct syscall_args *a)
{
	struct ksiginfo info;

	if (copy_from_user(&info, uptr(a->arg[2]), sizeof(info)) < 0)
		return -EFAULT;
	return signal_queueinfo((int)a->arg[0], 0, (int)a->arg[1], &info);
}

long sys_rt_tgsigqueueinfo(const struct syscall_args *a)
{
	struct ksiginfo info;

	if (copy_from_user(&info, uptr(a->arg[3]), sizeof(info)) < 0)
		return -EFAULT;
	return signal_queueinfo((int)a->arg[0], (int)a->arg[1], (int)a->arg[2], &info);
}

long sys_sigaltstack(const struct syscall_args *a)
{
	void *uss = uptr(a->arg[0]), *uoss = uptr(a->arg[1]);
	struct sig_stack ss, old;

	if (uss && copy_from_user(&ss, uss, sizeof(ss)) < 0)
		return -EFAULT;
	int r = signal_altstack(uss ? &ss : NULL, uoss ? &old : NULL,
				task_user_frame(current)->rsp);
	if (r < 0)
		return r;
	if (uoss && copy_to_user(uoss, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_rt_sigreturn(const struct syscall_args *a)
{
	(void)a;
	return signal_sigreturn(task_user_frame(current));
}

long sys_signalfd4(const struct syscall_args *a)
{
	uint64_t mask;

	if (a->arg[2] != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, uptr(a->arg[1]), sizeof(mask)) < 0)
		return -EFAULT;
	return signal_signalfd((int)a->arg[0], mask, (int)a->arg[3]);
}

long sys_signalfd(const struct syscall_args *a)
{
	struct syscall_args b = {{a->arg[0], a->arg[1], a->arg[2], 0, 0, 0}};
	return sys_signalfd4(&b);
}
