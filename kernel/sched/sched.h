/* sched.h: the scheduler. Per-CPU run queues of runnable tasks, round robin with a time
 * slice; a CPU with nothing to run halts in its idle task. Preemption happens only on the
 * way back to the program (the kernel is not preemptible): a tick that ends a slice sets
 * need_resched, and sched_return_to_user switches.
 *
 * Locking: BKL held for every call; run-queue changes with interrupts off (interrupt
 * handlers wake tasks). */
#ifndef ISLE_SCHED_SCHED_H
#define ISLE_SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/task.h"

#define SCHED_SLICE_NS 10000000ull /* 10 ms */

/* Boot: make the running code the first task (tid 1) and this CPU's idle task. */
void sched_init(void);
/* An application processor, after smp brought it up with its own GDT/TSS/percpu: become
 * that CPU's idle loop and start scheduling. Never returns. */
_Noreturn void sched_ap_main(int cpu);

/* Give up the CPU: the current task stays runnable (sched_yield), or, when its state was
 * set to TASK_SLEEPING/TASK_DEAD, leaves the run queue. Returns when the task runs again
 * (never for TASK_DEAD). */
void schedule(void);
/* Make a sleeping task runnable (or note a pending wake-up for a task about to sleep).
 * Safe from interrupt handlers. Sends a reschedule IPI when t's CPU is idle. */
void sched_wake(struct task *t);
/* Make t notice new work (a signal) soon: wake it when it sleeps interruptibly, send its
 * CPU a reschedule IPI when it runs the program on another CPU. */
void sched_kick(struct task *t);
/* The reschedule IPI's handler (SMP_RESCHEDULE_VECTOR, with the BKL). */
void sched_ipi(struct trap_frame *tf);
/* Put a new task on a run queue (clone). */
void sched_add(struct task *t);

/* Called with the BKL held on every return to user mode (syscall or trap): switches when
 * this CPU's slice is over or something more urgent is runnable, then delivers pending
 * signals (signal_deliver), then releases the BKL. tf is the current task's user frame. */
void sched_return_to_user(struct trap_frame *tf);

/* Timer tick bookkeeping: called from the timer interrupt; sets need_resched when the
 * slice of the running task is over. */
void sched_tick(void);
/* The earliest time this CPU must be woken for scheduling (slice end), 0 for none. */
uint64_t sched_next_deadline(void);

/* Has sched_init run (may kernel code sleep on wait queues yet)? */
bool sched_started(void);

/* The current thread is gone (exit, after its clear-tid and robust-list work): take it
 * off the task list and switch away for good. */
_Noreturn void sched_exit_current(void);
/* The program is ending (program_exit): from now on a thread entering the kernel from
 * user mode, other than the one ending it, parks forever (sched_park_if_stopping, called
 * on every entry from user mode). */
void sched_stop_program(void);
void sched_park_if_stopping(void);

#endif
