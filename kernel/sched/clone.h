/* clone.h: thread creation and exit (clone.c). Locking: BKL. */
#ifndef ISLE_SCHED_CLONE_H
#define ISLE_SCHED_CLONE_H

#include <stdint.h>

/* clone/clone3 arguments, decoded by the syscall handlers. */
struct clone_request {
	uint64_t flags;	      /* CLONE_* (the exit-signal byte already split off) */
	uint64_t exit_signal; /* must be 0 for a thread */
	uint64_t stack;	      /* new user rsp, 0 = the creator's */
	uint64_t tls;	      /* with CLONE_SETTLS */
	uint64_t parent_tid;  /* user addresses for CLONE_PARENT_SETTID / CHILD_* */
	uint64_t child_tid;
};

/* Start a thread running the program like the current one (Linux clone(2) semantics for
 * threads). Returns its tid, or -EINVAL (bad flag mix), -ENOSYS (a new process), -EAGAIN
 * (no memory or stack slot), -EFAULT, -EPERM (bad TLS). */
long clone_thread(const struct clone_request *rq);
/* exit(2) of the current thread: robust list, clear-tid wake-up, and away. The last
 * thread's exit ends the program with status. */
_Noreturn void thread_exit(int status);

#endif
