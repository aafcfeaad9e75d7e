/* sched.c: per-CPU run queues, round robin with a time slice, and the switch itself.
 *
 * Invariants: a runnable task is either running on exactly one CPU (rq->curr) or queued on
 * exactly one run queue, never both. The CPU doing a switch holds the BKL across
 * arch_switch, so the switch is atomic for every other CPU; the BKL then belongs to the
 * task that resumes (ownership is per CPU, not per task). Run queues are changed with
 * interrupts off because timer and device interrupts wake tasks. A dead task's stack is
 * freed by the next task to run on that CPU (finish_switch), never by itself.
 *
 * Placement: a woken task goes to the CPU it last ran on when that CPU is idle, else to
 * any idle CPU it may run on, else back to its last CPU; a CPU whose queue is empty
 * steals from the longest other queue. Slices only matter when a queue is non-empty: a
 * CPU running its only task has no tick at all. */
#include "sched/sched.h"

#include <stddef.h>

#include "core/errno.h"
#include "core/exit.h"
#include "core/printk.h"
#include "core/time.h"
#include "exec/vdso.h"
#include "mm/vm.h"
#include "net/netdev.h"
#include "signal/signal.h"
#include "sched/lock.h"
#include "sched/smp.h"
#include "sched/task_internal.h"
#include "sched/timer.h"

struct cpu_rq {
	struct task *curr, *idle;
	struct task *head, *tail;
	int nr;
	bool need_resched;
	bool online;
	struct task *prev; /* the task this CPU switched away from, for finish_switch */
};

static struct cpu_rq rqs[SMP_MAX_CPUS];
static bool running;

static struct cpu_rq *this_rq(void)
{
	return &rqs[arch_cpu_id()];
}

static void enqueue(struct cpu_rq *rq, struct task *t)
{
	t->rq_next = NULL;
	if (rq->tail)
		rq->tail->rq_next = t;
	else
		rq->head = t;
	rq->tail = t;
	rq->nr++;
}

/* First task on rq allowed on cpu, removed from the queue. */
static struct task *dequeue_for(struct cpu_rq *rq, int cpu)
{
	struct task *prev = NULL;
	for (struct task *t = rq->head; t; prev = t, t = t->rq_next) {
		if (!(t->cpu_mask & (1ull << cpu)))
			continue;
		if (prev)
			prev->rq_next = t->rq_next;
		else
			rq->head = t->rq_next;
		if (rq->tail == t)
			rq->tail = prev;
		rq->nr--;
		t->rq_next = NULL;
		return t;
	}
	return NULL;
}

static bool cpu_idle(int cpu)
{
	return rqs[cpu].online && rqs[cpu].curr == rqs[cpu].idle && rqs[cpu].nr == 0;
}

static int pick_cpu(struct task *t)
{
	int n = smp_ncpus();
	if (t->cpu >= 0 && t->cpu < n && (t->cpu_mask & (1ull << t->cpu)) && cpu_idle(t->cpu))
		return t->cpu;
	for (int c = 0; c < n; c++)
		if ((t->cpu_mask & (1ull << c)) && cpu_idle(c))
			return c;
	if (t->cpu >= 0 && t->cpu < n && (t->cpu_mask & (1ull << t->cpu)) && rqs[t->cpu].online)
		return t->cpu;
	for (int c = 0; c < n; c++)
		if ((t->cpu_mask & (1ull << c)) && rqs[c].online)
			return c;
	return 0;
}

/* Queue a runnable task somewhere and make sure that CPU notices. Interrupts off. */
static void place(struct task *t)
{
	int cpu = pick_cpu(t), me = arch_cpu_id();
	struct cpu_rq *rq = &rqs[cpu];
	enqueue(rq, t);
	if (cpu != me) {
		smp_send_reschedule(cpu);
		return;
	}
	if (rq->curr == rq->idle)
		rq->need_resched = true;
	else
		ktimer_program_cpu(); /* a slice now matters */
}

void sched_wake(struct task *t)
{
	unsigned long fl = arch_irq_save();
	if (t->state == TASK_SLEEPING) {
		t->state = TASK_RUNNABLE;
		t->wake_pending = true;
		place(t);
	} else if (t->state == TASK_RUNNABLE) {
		t->wake_pending = true;
	}
	arch_irq_restore(fl);
}

void sched_kick(struct task *t)
{
	unsigned long fl = arch_irq_save();
	if (t->state == TASK_SLEEPING && t->sleep_interruptible)
		sched_wake(t);
	else if (t->state == TASK_RUNNABLE && t != current && rqs[t->cpu].curr == t)
		smp_send_reschedule(t->cpu);
	arch_irq_restore(fl);
}

void sched_add(struct task *t)
{
	unsigned long fl = arch_irq_save();
	t->state = TASK_RUNNABLE;
	t->cpu = arch_cpu_id();
	place(t);
	arch_irq_restore(fl);
}

static struct task *steal(int me)
{
	int n = smp_ncpus(), best = -1;
	for (int c = 0; c < n; c++)
		if (c != me && rqs[c].nr > 0 && (best < 0 || rqs[c].nr > rqs[best].nr))
			best = c;
	return best < 0 ? NULL : dequeue_for(&rqs[best], me);
}

/* After arch_switch returns into a task: free the task this CPU left if it died. */
static void finish_switch(void)
{
	struct cpu_rq *rq = this_rq();
	struct task *prev = rq->prev;
	rq->prev = NULL;
	if (prev && prev->state == TASK_DEAD)
		task_free(prev);
}

static void switch_to(struct cpu_rq *rq, struct task *prev, struct task *next)
{
	uint64_t now = time_monotonic_ns();
	if (!prev->idle) {
		prev->runtime_ns += now - prev->run_start_ns;
		if (prev->state != TASK_DEAD)
			arch_fpu_save(prev->xstate);
	}
	next->run_start_ns = now;
	next->slice_end_ns = now + SCHED_SLICE_NS;
	next->cpu = arch_cpu_id();
	rq->curr = next;
	arch_cpu_set_current(next);
	if (!next->idle) {
		vm_activate();
		arch_set_kernel_stack(next->kstack_top);
		arch_fpu_restore(next->xstate);
		arch_set_fs_base(next->fs_base);
	}
	rq->prev = prev;
	ktimer_program_cpu();
	arch_switch(&prev->ksp, next->ksp);
	finish_switch();
}

void schedule(void)
{
	unsigned long fl = arch_irq_save();
	int me = arch_cpu_id();
	struct cpu_rq *rq = &rqs[me];
	struct task *prev = rq->curr, *next;

	rq->need_resched = false;
	if (!prev->idle && prev->state == TASK_RUNNABLE) {
		if (prev->cpu_mask & (1ull << me))
			enqueue(rq, prev);
		else
			place(prev);
	}
	next = dequeue_for(rq, me);
	if (!next)
		next = steal(me);
	if (!next)
		next = rq->idle;
	if (next != prev) {
		if (prev->state == TASK_RUNNABLE)
			prev->nivcsw++;
		else
			prev->nvcsw++;
		switch_to(rq, prev, next);
	}
	arch_irq_restore(fl);
}

/* The idle loop of a CPU: holds the BKL except while halted. */
static _Noreturn void idle_loop(void)
{
	for (;;) {
		net_rx_poll(); /* what interrupts received, timers that fired */
		arch_irq_disable();
		struct cpu_rq *rq = this_rq();
		if (rq->head || rq->need_resched) {
			schedule();
			continue;
		}
		struct task *stolen = steal(arch_cpu_id());
		if (stolen) {
			enqueue(rq, stolen);
			continue;
		}
		if (net_rx_pending())
			continue; /* an interrupt since the poll: halting would leave it waiting */
		ktimer_program_cpu();
		bkl_leave(true);
		arch_wait_for_interrupt();
		bkl_enter();
	}
}

void sched_thread_tail(void)
{
	finish_switch();
}

static void idle_main(void *arg)
{
	(void)arg;
	finish_switch();
	idle_loop();
}

static struct task *make_idle(int cpu)
{
	struct task *t = task_alloc();
	if (!t)
		panic("no memory for the idle task of cpu %d", cpu);
	t->idle = true;
	t->cpu = cpu;
	t->ksp = arch_thread_stack_init(t->kstack_top, idle_main, NULL);
	return t;
}

void sched_init(void)
{
	extern char __stack_bottom[], __stack_top[];
	struct task *boot = task_alloc_bootstrap((uint64_t)__stack_bottom, (uint64_t)__stack_top);
	if (!boot)
		panic("no memory for the first task");
	task_register(boot);
	boot->state = TASK_RUNNABLE;
	boot->cpu = 0;
	boot->run_start_ns = time_monotonic_ns();
	boot->slice_end_ns = boot->run_start_ns + SCHED_SLICE_NS;
	struct cpu_rq *rq = &rqs[0];
	rq->curr = boot;
	rq->idle = make_idle(0);
	rq->online = true;
	arch_cpu_set_current(boot);
	arch_set_kernel_stack(boot->kstack_top);
	bkl_enter(); /* boot code is kernel code: held until the program starts */
	running = true;
}

_Noreturn void sched_ap_main(int cpu)
{
	vdso_cpu_init(cpu);
	bkl_enter();
	struct cpu_rq *rq = &rqs[cpu];
	struct task *idle = task_alloc_bootstrap(0, 0);
	if (!idle)
		panic("no memory for the idle task of cpu %d", cpu);
	idle->idle = true;
	idle->cpu = cpu;
	rq->idle = rq->curr = idle;
	arch_cpu_set_current(idle);
	rq->online = true;
	idle_loop();
}

bool sched_started(void)
{
	return running;
}

void sched_ipi(struct trap_frame *tf)
{
	(void)tf;
	struct cpu_rq *rq = this_rq();
	if (rq->curr == rq->idle && rq->head)
		rq->need_resched = true;
	ktimer_program_cpu();
}

void sched_tick(void)
{
	struct cpu_rq *rq = this_rq();
	if (!rq->curr)
		return;
	if (rq->curr == rq->idle) {
		if (rq->head)
			rq->need_resched = true;
		return;
	}
	if (rq->head && time_monotonic_ns() >= rq->curr->slice_end_ns)
		rq->need_resched = true;
}

uint64_t sched_next_deadline(void)
{
	if (!running)
		return 0;
	struct cpu_rq *rq = this_rq();
	if (!rq->curr || rq->curr == rq->idle || !rq->head)
		return 0;
	return rq->curr->slice_end_ns ? rq->curr->slice_end_ns : 1;
}

static bool is_restart(uint64_t rax)
{
	long r = (long)rax;
	return r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND ||
	       r == -ERESTART_RESTARTBLOCK;
}

void sched_return_to_user(struct trap_frame *tf)
{
	struct task *t = current;
	net_rx_poll(); /* no stack code is in progress on this CPU here */
	for (;;) {
		arch_irq_disable();
		if (this_rq()->need_resched) {
			schedule();
			continue;
		}
		if (signal_pending(t) || t->sig.restore_saved ||
		    (t->syscall_nr >= 0 && is_restart(tf->rax))) {
			arch_irq_enable();
			signal_deliver(tf);
			t->syscall_nr = -1;
			continue;
		}
		break;
	}
	t->syscall_nr = -1;
	bkl_leave(true);
}

/* ---- the end of threads and of the program ---- */

static bool stopping;

void sched_stop_program(void)
{
	stopping = true;
}

void sched_park_if_stopping(void)
{
	if (!stopping)
		return;
	arch_irq_disable();
	current->state = TASK_SLEEPING;
	current->sleep_interruptible = false;
	for (;;)
		schedule();
}

_Noreturn void sched_exit_current(void)
{
	struct task *t = current;
	arch_irq_disable();
	task_unregister(t);
	t->state = TASK_DEAD;
	schedule();
	panic("dead task %d ran again", t->tid);
}
