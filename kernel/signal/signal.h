/* signal.h: POSIX signals for the one process and its threads: dispositions
 * (rt_sigaction), per-thread masks, thread- and process-directed pending signals with
 * queued siginfo, delivery on the way back to user mode (a Linux x86-64 rt_sigframe with
 * ucontext and the XSAVE state, on the alternate stack with SA_ONSTACK), rt_sigreturn,
 * default actions (terminate with 128+N and a report, ignore), synchronous faults, and
 * the restart rules of interrupted syscalls.
 *
 * Locking: BKL. signal_send_* may be called from interrupt handlers (timers). */
#ifndef ISLE_SIGNAL_SIGNAL_H
#define ISLE_SIGNAL_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/arch.h"

struct task;

/* Signal numbers used by the kernel itself (Linux x86-64). */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGURG 23
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGSYS 31
#define SIGRTMIN 32

/* si_code values. */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define TRAP_BRKPT 1

/* siginfo_t as Linux x86-64 lays it out (128 bytes). */
struct ksiginfo {
	int32_t si_signo, si_errno, si_code, _pad0;
	union {
		struct { /* SI_USER, SI_TKILL */
			int32_t pid;
			uint32_t uid;
		} kill;
		struct { /* SI_TIMER */
			int32_t tid, overrun;
			uint64_t value;
		} timer;
		struct { /* SI_QUEUE, mq */
			int32_t pid;
			uint32_t uid;
			uint64_t value;
		} rt;
		struct { /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			uint64_t addr;
		} fault;
		uint8_t raw[112];
	};
};
_Static_assert(sizeof(struct ksiginfo) == 128, "siginfo size");

/* Queue sig for thread t (tkill, tgkill, faults, SIGPIPE) or for the process (kill,
 * timers, alarm: any thread not blocking it takes it). info may be NULL (SI_KERNEL).
 * Wakes the thread chosen when it sleeps interruptibly. Standard signals already pending
 * are not queued twice; real-time ones are (up to a limit: -EAGAIN). Returns 0. */
int signal_send_thread(struct task *t, int sig, const struct ksiginfo *info);
int signal_send_process(int sig, const struct ksiginfo *info);

/* Is an unblocked signal pending for t (thread or process)? */
bool signal_pending(struct task *t);

/* On the way back to user mode (sched_return_to_user), with tf = the current thread's
 * user frame: apply the restart rules to an interrupted syscall (-ERESTART* in tf->rax),
 * then deliver one pending unblocked signal: build its frame and point tf at the handler,
 * or perform the default action (which may end the program). Restores the mask saved by
 * rt_sigsuspend & co. */
void signal_deliver(struct trap_frame *tf);

/* A synchronous fault in the program (trap.c): deliver sig with si_code/si_addr to the
 * current thread. If it is blocked or ignored, or the handler cannot be reached (bad
 * stack), end the program with a crash report as Linux would kill it. */
void signal_fault(struct trap_frame *tf, int sig, int code, uint64_t addr);

/* Dequeue one pending signal in mask for the current thread (rt_sigtimedwait, signalfd):
 * fills *info, returns the signal number, or 0 when none. */
int signal_dequeue(uint64_t mask, struct ksiginfo *info);

/* Process-wide wait queue woken whenever a signal becomes pending (signalfd polls it). */
struct wait_queue;
struct wait_queue *signal_waitq(void);

/* Is sig pending, blocked or not, for the process (process-directed) or, when t is not
 * NULL, for thread t? POSIX timers count overruns while their last signal waits
 * (kernel/signal/pending.c, added by the timers work). */
bool signal_is_pending(struct task *t, int sig);

/* Default action of sig is to ignore it (SIGCHLD, SIGURG, SIGWINCH, SIGCONT)? */
bool signal_default_ignored(int sig);

/* Would a synchronous fault sig kill the program now (blocked, ignored, or default
 * action)? trap.c prints its crash report then, before signal_fault ends the program. */
bool signal_fault_is_fatal(int sig);

/* Threads (clone.c / exit): a new thread inherits parent's mask (parent NULL: empty),
 * nothing pending, no alternate stack (Linux clears it for CLONE_VM threads). An exiting
 * thread's own pending signals are discarded. */
void signal_task_init(struct task *child, const struct task *parent);
void signal_task_exit(struct task *t);

/* ---- for the syscall handlers (sys_signal.c); each returns 0 / a result or -errno with
 * Linux's checks in Linux's order, program memory already copied in or out ---- */
/* struct sigaction as the x86-64 kernel ABI has it (stack_t: struct sig_stack,
 * sigframe.h). */
struct sig_action {
	uint64_t handler, flags, restorer, mask;
};
struct sig_stack;
/* rt_sigaction: act/old may be NULL; -EINVAL for a bad sig or changing SIGKILL/STOP. */
int signal_set_action(int sig, const struct sig_action *act, struct sig_action *old);
/* rt_sigprocmask for the current thread (how SIG_BLOCK/UNBLOCK/SETMASK; set may be NULL). */
int signal_procmask(int how, const uint64_t *set, uint64_t *old);
/* rt_sigpending: pending (thread or process) and blocked. */
uint64_t signal_pending_blocked(void);
/* kill / tkill (tgid -1) / tgkill. */
int signal_kill(int pid, int sig);
int signal_tgkill(int tgid, int tid, int sig);
/* rt_sigqueueinfo (tid 0) and rt_tgsigqueueinfo; info is the program's (si_signo is
 * overwritten). */
int signal_queueinfo(int tgid, int tid, int sig, struct ksiginfo *info);
/* rt_sigsuspend and pause: sleep until a signal is pending; -ERESTARTNOHAND. */
long signal_suspend(uint64_t mask);
long signal_pause(void);
/* rt_sigtimedwait: timeout_ns < 0 = none. The signal number, -EAGAIN, -EINTR. */
long signal_timedwait(uint64_t mask, int64_t timeout_ns, struct ksiginfo *info);
/* sigaltstack for the current thread, whose user rsp is sp (ss/old may be NULL). */
int signal_altstack(const struct sig_stack *ss, struct sig_stack *old, uint64_t sp);
/* rt_sigreturn: restore the frame at tf->rsp - 8 into tf; returns the restored rax (the
 * syscall exit stores it back). A bad frame ends the program with SIGSEGV. */
long signal_sigreturn(struct trap_frame *tf);
/* signalfd4 (fd -1: a new one; else change the mask of signalfd fd). */
long signal_signalfd(int fd, uint64_t mask, int flags);

#endif
