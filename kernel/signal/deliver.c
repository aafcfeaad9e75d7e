/* deliver.c: taking a pending signal on the way back to user mode, and synchronous
 * faults.
 *
 * sched_return_to_user calls signal_deliver while an unblocked signal is pending, a mask
 * saved by rt_sigsuspend (& co) waits to be restored, or the syscall just made returned
 * -ERESTART*. Each call handles at most one signal, so several pending signals stack
 * their frames one above the other, the last one's handler running first, as on Linux.
 *
 * Restart rules (Linux x86-64): a syscall interrupted with -ERESTARTSYS is restarted
 * when no handler runs or the handler has SA_RESTART, else fails with EINTR;
 * -ERESTARTNOINTR always restarts; -ERESTARTNOHAND and -ERESTART_RESTARTBLOCK restart
 * only when no handler runs (there is no restart_syscall: the call is simply made again
 * with its arguments). Restarting backs rip up over the 2-byte syscall instruction and
 * puts the number back in rax. */
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "sched/task.h"
#include "signal/internal.h"

#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define STOP_SIGNALS (SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) | SIG_BIT(SIGTTIN) | SIG_BIT(SIGTTOU))

static void restart_syscall(struct trap_frame *tf, long nr)
{
	tf->rax = (uint64_t)nr;
	tf->rip -= 2;
}

/* The syscall interrupted (its result in tf->rax) and whether a handler will run. */
static void apply_restart(struct trap_frame *tf, long nr, const struct sig_action *ka)
{
	long r = (long)tf->rax;

	switch (r) {
	case -ERESTARTSYS:
		if (ka && !(ka->flags & SA_RESTART))
			tf->rax = (uint64_t)-EINTR;
		else
			restart_syscall(tf, nr);
		break;
	case -ERESTARTNOINTR:
		restart_syscall(tf, nr);
		break;
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		if (ka)
			tf->rax = (uint64_t)-EINTR;
		else
			restart_syscall(tf, nr);
		break;
	default:
		break;
	}
}

/* One pending signal that is not to be thrown away: 0 when none is left. Ignored and
 * stop signals are consumed here. */
static int next_signal(struct task *t, struct ksiginfo *info)
{
	for (;;) {
		int sig = signal_take(t, t->sig.blocked, info);
		if (!sig)
			return 0;
		const struct sig_action *ka = signal_action(sig);
		if (ka->handler == SIG_IGN)
			continue;
		if (ka->handler != SIG_DFL)
			return sig;
		if (signal_default_ignored(sig))
			continue;
		if (SIG_BIT(sig) & STOP_SIGNALS) {
			char name[16];
			printk("isle: %s ignored: isle has no job control to stop the program\n",
			       signal_name(sig, name, sizeof(name)));
			continue;
		}
		return sig;
	}
}

void signal_deliver(struct trap_frame *tf)
{
	struct task *t = current;
	long nr = t->syscall_nr;
	bool in_syscall = nr >= 0 && tf->vector == TRAP_SYSCALL;
	struct ksiginfo info;

	t->syscall_nr = -1; /* the restart rules apply once */
	int sig = next_signal(t, &info);
	if (sig && signal_action(sig)->handler == SIG_DFL)
		signal_kill_default(sig, NULL);
	if (!sig) {
		if (in_syscall)
			apply_restart(tf, nr, NULL);
		if (t->sig.restore_saved) {
			t->sig.restore_saved = false;
			signal_set_blocked(t, t->sig.saved_blocked);
		}
		return;
	}

	struct sig_action ka = *signal_action(sig);
	if (in_syscall)
		apply_restart(tf, nr, &ka);
	uint64_t oldmask = t->sig.restore_saved ? t->sig.saved_blocked : t->sig.blocked;
	if (sigframe_push(tf, sig, &ka, &info, oldmask) < 0) {
		/* Linux forces SIGSEGV, whose handler would need the same stack. */
		signal_kill_default(SIGSEGV, "the signal frame could not be written");
	}
	t->sig.restore_saved = false;
	uint64_t block = t->sig.blocked | ka.mask;
	if (!(ka.flags & SA_NODEFER))
		block |= SIG_BIT(sig);
	signal_set_blocked(t, block);
	if (ka.flags & SA_RESETHAND) {
		struct sig_action *a = signal_action(sig);
		a->handler = SIG_DFL;
	}
}

bool signal_fault_is_fatal(int sig)
{
	const struct sig_action *ka = signal_action(sig);

	return (current->sig.blocked & SIG_BIT(sig)) || ka->handler == SIG_DFL ||
	       ka->handler == SIG_IGN;
}

void signal_fault(struct trap_frame *tf, int sig, int code, uint64_t addr)
{
	struct ksiginfo info;

	(void)tf;
	if (signal_fault_is_fatal(sig))
		signal_kill_default(sig, NULL);
	for (size_t i = 0; i < sizeof(info); i++)
		((uint8_t *)&info)[i] = 0;
	info.si_signo = sig;
	info.si_code = code;
	info.fault.addr = addr;
	/* A standard signal pends once: a fault while the same signal is already pending
	 * (sent by kill) must still carry its own siginfo. */
	unsigned long irq = arch_irq_save();
	if (current->sig.pending & SIG_BIT(sig)) {
		struct ksiginfo stale;
		sigq_take(&current->sig.pending, &current->sig.queue, sig, &stale);
	}
	arch_irq_restore(irq);
	signal_send_thread(current, sig, &info);
}
