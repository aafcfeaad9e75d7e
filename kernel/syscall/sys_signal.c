/* sys_signal.c: signal dispositions and the blocked mask. They are recorded with Linux's
 * checks and reported back; nothing delivers signals yet (a fault ends the program). */
#include "core/errno.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"

#define NSIG 64
#define SIGKILL 9
#define SIGSTOP 19
#define SIG_BIT(sig) (1ULL << ((sig)-1))
#define UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* The flags Linux x86-64 keeps; others are dropped, so a program can find out that, for
 * one, SA_UNSUPPORTED (0x400) is not supported. */
#define SA_KNOWN                                                                                   \
	(0x1UL | 0x2UL | 0x4UL | 0x800UL | 0x04000000UL | 0x08000000UL | 0x10000000UL |            \
	 0x40000000UL | 0x80000000UL)

/* struct sigaction as the kernel sees it on x86-64. */
struct sig_action {
	uint64_t handler, flags, restorer, mask;
};

static struct sig_action sig_actions[NSIG + 1];
static uint64_t sig_blocked;

long sys_rt_sigaction(const struct syscall_args *a)
{
	int sig = (int)a->arg[0];
	void *uact = (void *)(uintptr_t)a->arg[1], *uoact = (void *)(uintptr_t)a->arg[2];
	struct sig_action new, old;

	if (a->arg[3] != sizeof(uint64_t))
		return -EINVAL;
	if (uact && copy_from_user(&new, uact, sizeof(new)) < 0)
		return -EFAULT;
	if (sig < 1 || sig > NSIG || (uact && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	old = sig_actions[sig];
	if (uact) {
		new.flags &= SA_KNOWN;
		new.mask &= ~UNBLOCKABLE;
		sig_actions[sig] = new;
	}
	if (uoact && copy_to_user(uoact, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(const struct syscall_args *a)
{
	void *uset = (void *)(uintptr_t)a->arg[1], *uoset = (void *)(uintptr_t)a->arg[2];
	uint64_t old = sig_blocked, set;

	if (a->arg[3] != sizeof(uint64_t))
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, uset, sizeof(set)) < 0)
			return -EFAULT;
		set &= ~UNBLOCKABLE;
		switch ((int)a->arg[0]) {
		case SIG_BLOCK:
			sig_blocked |= set;
			break;
		case SIG_UNBLOCK:
			sig_blocked &= ~set;
			break;
		case SIG_SETMASK:
			sig_blocked = set;
			break;
		default:
			return -EINVAL;
		}
	}
	if (uoset && copy_to_user(uoset, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}
