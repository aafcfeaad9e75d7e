/* signal.c: the process-wide half of signal state and the sending side. Dispositions and
 * the process-directed pending set exist once (isle runs one process); each thread has
 * its mask and thread-directed pending set in task->sig (sigstate.h).
 *
 * Sending queues the siginfo, then makes a thread notice: the target for a
 * thread-directed signal, for a process-directed one the first thread that does not
 * block it (the current thread first, as Linux prefers). sched_kick wakes it from an
 * interruptible sleep or interrupts it on its CPU; it then takes the signal on its way
 * back to user mode (deliver.c). signal_waitq is woken for signalfd and sigtimedwait.
 *
 * Locking: BKL. Senders may be interrupt handlers (timers), so the pending sets and
 * queues change with interrupts off. */
#include "abi/exit.h"
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/exit.h"
#include "core/printk.h"
#include "drivers/powerbtn.h"
#include "fs/poll.h"
#include "lib/format.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/wait.h"
#include "signal/internal.h"

static struct sig_action actions[SIG_NSIG + 1];
static uint64_t proc_pending;
static struct sigqueue *proc_queue;
static struct wait_queue sig_waitq = WAIT_QUEUE_INIT;

struct sig_action *signal_action(int sig)
{
	return &actions[sig];
}

uint64_t *signal_proc_set(void)
{
	return &proc_pending;
}

struct sigqueue **signal_proc_queue(void)
{
	return &proc_queue;
}

struct wait_queue *signal_waitq(void)
{
	return &sig_waitq;
}

bool signal_default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == 28 /* SIGWINCH */ || sig == SIGCONT;
}

/* Would sig be thrown away on arrival (ignored, and not to be caught by a wait)? */
static bool ignored(struct task *t, int sig)
{
	const struct sig_action *ka = &actions[sig];

	if (t && (t->sig.blocked & SIG_BIT(sig)))
		return false; /* sigwait / signalfd may take it */
	return ka->handler == SIG_IGN || (ka->handler == SIG_DFL && signal_default_ignored(sig));
}

static void fill_kernel_info(struct ksiginfo *info, int sig)
{
	for (size_t i = 0; i < sizeof(*info); i++)
		((uint8_t *)info)[i] = 0;
	info->si_signo = sig;
	info->si_code = SI_KERNEL;
}

bool signal_pending(struct task *t)
{
	return ((t->sig.pending | proc_pending) & ~t->sig.blocked) != 0;
}

int signal_send_thread(struct task *t, int sig, const struct ksiginfo *info)
{
	struct ksiginfo k;

	if (sig < 1 || sig > SIG_NSIG)
		return -EINVAL;
	if (!info) {
		fill_kernel_info(&k, sig);
		info = &k;
	}
	if (ignored(t, sig))
		return 0;
	unsigned long irq = arch_irq_save();
	int r = sigq_add(&t->sig.pending, &t->sig.queue, sig, info, irq & 0x200);
	arch_irq_restore(irq);
	if (r < 0)
		return r;
	if (!(t->sig.blocked & SIG_BIT(sig)))
		sched_kick(t);
	waitq_wake_all(&sig_waitq, POLLIN);
	return 0;
}

/* The thread to take a process-directed sig: one not blocking it, current first. */
static struct task *process_target(int sig)
{
	struct task *cur = current;

	if (cur && !cur->idle && !(cur->sig.blocked & SIG_BIT(sig)))
		return cur;
	for (struct task *t = task_first(); t; t = task_next(t))
		if (t->state != TASK_DEAD && !(t->sig.blocked & SIG_BIT(sig)))
			return t;
	return NULL;
}

int signal_send_process(int sig, const struct ksiginfo *info)
{
	struct ksiginfo k;

	if (sig < 1 || sig > SIG_NSIG)
		return -EINVAL;
	if (!info) {
		fill_kernel_info(&k, sig);
		info = &k;
	}
	struct task *t = process_target(sig);
	if (ignored(t, sig))
		return 0;
	unsigned long irq = arch_irq_save();
	int r = sigq_add(&proc_pending, &proc_queue, sig, info, irq & 0x200);
	arch_irq_restore(irq);
	if (r < 0)
		return r;
	if (t)
		sched_kick(t);
	waitq_wake_all(&sig_waitq, POLLIN);
	return 0;
}

int signal_take(struct task *t, uint64_t block, struct ksiginfo *info)
{
	unsigned long irq = arch_irq_save();
	int sig = sigq_pick(t->sig.pending, block);

	if (sig) {
		sigq_take(&t->sig.pending, &t->sig.queue, sig, info);
	} else {
		sig = sigq_pick(proc_pending, block);
		if (sig)
			sigq_take(&proc_pending, &proc_queue, sig, info);
	}
	arch_irq_restore(irq);
	return sig;
}

int signal_dequeue(uint64_t mask, struct ksiginfo *info)
{
	return signal_take(current, ~mask, info);
}

void signal_set_blocked(struct task *t, uint64_t mask)
{
	uint64_t newly = mask & ~t->sig.blocked & proc_pending;

	t->sig.blocked = mask & ~SIG_UNBLOCKABLE;
	/* A process-directed signal this thread just blocked goes to a thread that can
	 * take it, as Linux retargets it. */
	for (int sig = 1; newly && sig <= SIG_NSIG; sig++) {
		if (!(newly & SIG_BIT(sig)))
			continue;
		newly &= ~SIG_BIT(sig);
		struct task *o = process_target(sig);
		if (o && o != t)
			sched_kick(o);
	}
}

int signal_set_action(int sig, const struct sig_action *act, struct sig_action *old)
{
	if (sig < 1 || sig > SIG_NSIG || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	if (old)
		*old = actions[sig];
	if (!act)
		return 0;
	struct sig_action *ka = &actions[sig];
	*ka = *act;
	ka->flags &= SA_KNOWN;
	ka->mask &= ~SIG_UNBLOCKABLE;
	/* POSIX: setting a signal to be ignored discards it where it pends, in every
	 * thread. */
	if (ka->handler == SIG_IGN || (ka->handler == SIG_DFL && signal_default_ignored(sig))) {
		unsigned long irq = arch_irq_save();
		sigq_flush(&proc_pending, &proc_queue, SIG_BIT(sig));
		for (struct task *t = task_first(); t; t = task_next(t))
			sigq_flush(&t->sig.pending, &t->sig.queue, SIG_BIT(sig));
		arch_irq_restore(irq);
	}
	return 0;
}

void signal_task_init(struct task *child, const struct task *parent)
{
	child->sig.blocked = parent ? parent->sig.blocked : 0;
	child->sig.pending = 0;
	child->sig.queue = NULL;
	child->sig.saved_blocked = 0;
	child->sig.restore_saved = false;
	child->sig.altstack_sp = 0;
	child->sig.altstack_size = 0;
	child->sig.altstack_flags = 0;
}

void signal_task_exit(struct task *t)
{
	unsigned long irq = arch_irq_save();
	sigq_flush(&t->sig.pending, &t->sig.queue, ~0ULL);
	arch_irq_restore(irq);
}

static const char *const names[32] = {
	NULL,	     "SIGHUP",	"SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
	"SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
	"SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

const char *signal_name(int sig, char *buf, size_t size)
{
	if (sig >= 1 && sig < SIGRTMIN)
		fmt_snprintf(buf, size, "%s", names[sig]);
	else if (sig == SIGRTMIN)
		fmt_snprintf(buf, size, "SIGRTMIN");
	else
		fmt_snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
	return buf;
}

/* Signals whose default action dumps core on Linux. */
#define SIG_CORE                                                                                   \
	(SIG_BIT(SIGQUIT) | SIG_BIT(SIGILL) | SIG_BIT(SIGTRAP) | SIG_BIT(SIGABRT) |                \
	 SIG_BIT(SIGBUS) | SIG_BIT(SIGFPE) | SIG_BIT(SIGSEGV) | SIG_BIT(24) | SIG_BIT(25) |        \
	 SIG_BIT(SIGSYS))

void signal_kill_default(int sig, const char *why)
{
	char name[16], reason[32];

	if (sig == SIGKILL && powerbtn_stop_timed_out())
		program_exit(ISLE_EXIT_SIGNAL_BASE + SIGTERM, "stop timeout"); /* powerbtn.h */
	signal_name(sig, name, sizeof(name));
	printk("isle: program killed by signal %s%s%s%s\n", name, why ? " (" : "", why ? why : "",
	       why ? ")" : "");
	if (SIG_BIT(sig) & SIG_CORE)
		printk("isle:   (%s would dump core on Linux; isle writes no core file)\n", name);
	fmt_snprintf(reason, sizeof(reason), "signal %s", name);
	program_exit(128 + sig, reason);
}
