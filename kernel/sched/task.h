/* task.h: threads. Every thread of the program is a struct task with its own kernel stack
 * (with a guard page), saved kernel context, FS base and extended (FPU/SSE/AVX) state.
 * The process-wide state (address space, fd table, cwd, signal dispositions) exists once
 * and is shared by all threads: isle runs one process.
 *
 * Locking: fields are protected by the BKL (lock.h); fields also touched by interrupt
 * handlers on this CPU (state, wake_pending, on run queues) are changed with interrupts
 * off. */
#ifndef ISLE_SCHED_TASK_H
#define ISLE_SCHED_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/arch.h"
#include "signal/sigstate.h"

#define TASK_COMM_LEN 16
#define TASK_PINNED_FILES 4 /* files one syscall holds open (fd_get_pinned) */

struct file;
#define TASK_KSTACK_SIZE (32 * 1024) /* plus an unmapped guard page below */

enum task_state {
	TASK_RUNNABLE, /* on a run queue or running on a CPU */
	TASK_SLEEPING, /* blocked in waiter_sleep (wait.h) */
	TASK_DEAD,     /* exited; its stack is freed once it no longer runs */
};

struct task {
	int tid;
	enum task_state state;
	bool idle;    /* a CPU's idle task: never on a run queue, never runs the program */
	int cpu;      /* the CPU it runs on or last ran on */
	uint64_t ksp; /* saved kernel stack pointer while switched out (arch_switch) */
	uint64_t kstack_bottom, kstack_top;
	uint32_t stack_slot; /* task.c's stack window slot; TASK_NO_SLOT for boot stacks */
	uint64_t fs_base;
	void *xstate; /* user FPU/SSE/AVX state while switched out (arch_fpu_*) */

	/* Scheduling (sched.c). */
	struct task *rq_next;
	uint64_t slice_end_ns;
	uint64_t runtime_ns, run_start_ns; /* CPU time, for getrusage/times/clock_gettime */
	uint64_t sys_ns;		   /* of which in the kernel (approximate) */
	uint64_t nvcsw, nivcsw;		   /* voluntary / involuntary switches */
	uint64_t cpu_mask;		   /* sched_setaffinity; bit per CPU */
	int sched_policy, sched_priority;  /* sched_setscheduler: stored, not used */

	/* Sleeping (wait.h): set by waiter_wake / signal delivery, consumed by the sleeper. */
	bool wake_pending;
	bool sleep_interruptible;

	/* Syscall in progress (for restart after a signal): its number, -1 outside. */
	long syscall_nr;
	/* Files held open for the syscall in progress (fdtable.h fd_get_pinned). */
	struct file *pinned[TASK_PINNED_FILES];
	int npinned;

	/* Thread exit (clone.c). */
	uint64_t clear_child_tid; /* user address: zeroed and futex-woken at exit */
	uint64_t robust_list;	  /* user address of struct robust_list_head */
	uint64_t robust_list_len;
	int exit_signal;

	/* Signals (signal/): per-thread mask, pending set, alternate stack. */
	struct sigstate sig;

	char comm[TASK_COMM_LEN];
	struct task *all_next; /* every live task, in creation order (task_first/task_next) */
};

/* The task running on this CPU. */
struct task *task_current(void);
#define current (task_current())

/* The trap frame holding the program's registers of t (at the top of its kernel stack,
 * built by every entry from user mode). Meaningful while t is in a syscall or trap from
 * user mode, or switched out. */
static inline struct trap_frame *task_user_frame(struct task *t)
{
	return (struct trap_frame *)(t->kstack_top - sizeof(struct trap_frame));
}

/* Look a live thread up by tid; NULL when none. */
struct task *task_find(int tid);
/* Iterate over live threads (idle tasks excluded): for (t = task_first(); t; t =
 * task_next(t)). */
struct task *task_first(void);
struct task *task_next(struct task *t);
/* Number of live threads of the program. */
int task_count(void);

/* Set t's name (comm) from a path's last component, truncated to 15 bytes as Linux. */
void task_set_comm(struct task *t, const char *path);

/* The process id (the first thread's tid, 1). */
#define TASK_PID 1

#endif
