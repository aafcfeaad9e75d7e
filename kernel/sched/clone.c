/* clone.c: creating threads (clone, clone3) and ending them (exit, exit_group).
 *
 * A new thread shares everything with its creator except its registers, kernel stack,
 * TLS base and signal mask; it starts in thread_start on its own kernel stack with a copy
 * of the creator's user frame (rax = 0, rsp = the new stack) and leaves for user mode
 * through the same exit path as a syscall. New processes (fork, vfork, posix_spawn's
 * CLONE_VM|CLONE_VFORK) are not supported: -ENOSYS and one log line. */
#include "sched/clone.h"
#include "core/errno.h"
#include "core/exit.h"
#include "core/printk.h"
#include "fs/fdtable.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/uaccess.h"
#include "sched/futex.h"
#include "sched/sched.h"
#include "sched/task_internal.h"
#include "signal/signal.h"

#define CLONE_VM 0x00000100ull
#define CLONE_FS 0x00000200ull
#define CLONE_FILES 0x00000400ull
#define CLONE_SIGHAND 0x00000800ull
#define CLONE_PIDFD 0x00001000ull
#define CLONE_PTRACE 0x00002000ull
#define CLONE_VFORK 0x00004000ull
#define CLONE_PARENT 0x00008000ull
#define CLONE_THREAD 0x00010000ull
#define CLONE_SYSVSEM 0x00040000ull
#define CLONE_SETTLS 0x00080000ull
#define CLONE_PARENT_SETTID 0x00100000ull
#define CLONE_CHILD_CLEARTID 0x00200000ull
#define CLONE_DETACHED 0x00400000ull
#define CLONE_CHILD_SETTID 0x01000000ull
#define CLONE_IO 0x80000000ull

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define ALLOWED                                                                                    \
	(THREAD_FLAGS | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |                       \
	 CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID | CLONE_IO)

static _Noreturn void thread_start(void *arg)
{
	struct task *t = arg;
	sched_thread_tail();
	struct trap_frame *tf = task_user_frame(t);
	sched_return_to_user(tf);
	arch_enter_user(tf, t->kstack_top);
}

static void thread_start_fn(void *arg)
{
	thread_start(arg);
}

long clone_thread(const struct clone_request *rq)
{
	uint64_t flags = rq->flags;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & THREAD_FLAGS) != THREAD_FLAGS) {
		static bool logged;
		if (!logged) {
			printk("isle: clone without CLONE_VM|CLONE_THREAD (a new process: fork, "
			       "vfork, posix_spawn) is not supported: returning -ENOSYS\n");
			logged = true;
		}
		return -ENOSYS;
	}
	if (flags & ~ALLOWED)
		return -EINVAL;
	if (rq->exit_signal)
		return -EINVAL;

	struct task *parent = current, *t = task_alloc();
	if (!t)
		return -EAGAIN;
	struct trap_frame *tf = task_user_frame(t);
	*tf = *task_user_frame(parent);
	tf->rax = 0;
	if (rq->stack)
		tf->rsp = rq->stack;
	t->fs_base = (flags & CLONE_SETTLS) ? rq->tls : parent->fs_base;
	if (t->fs_base >= USER_TOP) {
		task_free(t);
		return -EPERM;
	}
	arch_fpu_save(t->xstate); /* the creator's live state, as Linux copies it */
	signal_task_init(t, parent);
	t->cpu_mask = parent->cpu_mask;
	memcpy(t->comm, parent->comm, sizeof(t->comm));
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = rq->child_tid;
	task_register(t);
	uint32_t tid = (uint32_t)t->tid;
	if (((flags & CLONE_PARENT_SETTID) &&
	     copy_to_user((void *)rq->parent_tid, &tid, sizeof(tid)) < 0) ||
	    ((flags & CLONE_CHILD_SETTID) &&
	     copy_to_user((void *)rq->child_tid, &tid, sizeof(tid)) < 0)) {
		task_unregister(t);
		task_free(t);
		return -EFAULT;
	}
	t->ksp = arch_thread_stack_init((uint64_t)tf, thread_start_fn, t);
	sched_add(t);
	return t->tid;
}

_Noreturn void thread_exit(int status)
{
	struct task *t = current;
	if (task_count() == 1)
		program_exit(status & 0xff, "exited");
	futex_exit_robust(t->robust_list, t->tid);
	if (t->clear_child_tid) {
		uint32_t zero = 0;
		if (copy_to_user((void *)t->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake(t->clear_child_tid, 1, FUTEX_BITSET_MATCH_ANY);
	}
	fd_unpin_all(); /* exit(2) never returns to syscall_dispatch */
	signal_task_exit(t);
	sched_exit_current();
}
