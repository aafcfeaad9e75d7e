/* internal.h: what the files of kernel/signal/ share and nothing else includes: flag
 * values of the Linux ABI, the disposition table entry, the pending-queue primitives
 * (sigqueue.c), the process-wide state accessors (signal.c) and the frame code (frame.c).
 *
 * Locking: the BKL, plus interrupts off around anything an interrupt handler sending a
 * signal (a timer) can also touch: the pending sets and queues. */
#ifndef ISLE_SIGNAL_INTERNAL_H
#define ISLE_SIGNAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signal/signal.h"
#include "signal/sigstate.h"

#define SIG_BIT(sig) (1ULL << ((sig)-1))
#define SIG_UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
/* Faults first, as Linux dequeues them before other signals. */
#define SIG_SYNCHRONOUS                                                                            \
	(SIG_BIT(SIGSEGV) | SIG_BIT(SIGBUS) | SIG_BIT(SIGILL) | SIG_BIT(SIGTRAP) |                 \
	 SIG_BIT(SIGFPE) | SIG_BIT(SIGSYS))

#define SIG_DFL 0
#define SIG_IGN 1

#define SA_NOCLDSTOP 0x1UL
#define SA_NOCLDWAIT 0x2UL
#define SA_SIGINFO 0x4UL
#define SA_UNSUPPORTED 0x400UL
#define SA_EXPOSE_TAGBITS 0x800UL
#define SA_RESTORER 0x04000000UL
#define SA_ONSTACK 0x08000000UL
#define SA_RESTART 0x10000000UL
#define SA_NODEFER 0x40000000UL
#define SA_RESETHAND 0x80000000UL
/* The flags Linux x86-64 keeps; others are dropped, so a program can find out that, for
 * one, SA_UNSUPPORTED is not supported. */
#define SA_KNOWN                                                                                   \
	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_EXPOSE_TAGBITS | SA_RESTORER | SA_ONSTACK | \
	 SA_RESTART | SA_NODEFER | SA_RESETHAND)

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)
#define MINSIGSTKSZ 2048

/* Queued siginfo beyond which real-time signals sent with sigqueue fail with EAGAIN
 * (Linux's RLIMIT_SIGPENDING plays this role). */
#define SIGQUEUE_MAX 1024

struct sigqueue {
	struct sigqueue *next;
	struct ksiginfo info;
};

/* ---- sigqueue.c: pending sets and their queues (pure; unit-tested on the host) ---- */

/* Make sig pending in (*set, *queue) with info. A standard signal already pending is
 * not queued again; a real-time one is, while fewer than SIGQUEUE_MAX are queued in all
 * (*nqueued counts them). Without room, the signal still becomes pending without its
 * siginfo, except a real-time one sent with a si_code other than SI_USER: -EAGAIN.
 * alloc_ok false: use only the static reserve (interrupt handlers cannot kmalloc).
 * Returns 0 or -EAGAIN. */
int sigq_add(uint64_t *set, struct sigqueue **queue, int sig, const struct ksiginfo *info,
	     bool alloc_ok);
/* Take the oldest queued entry of sig out into *info (one made up with SI_USER when its
 * siginfo was lost); sig stays pending while more entries of it are queued. sig must be
 * pending. */
void sigq_take(uint64_t *set, struct sigqueue **queue, int sig, struct ksiginfo *info);
/* Discard every pending signal in mask (SIG_IGN, sigaction to ignore). */
void sigq_flush(uint64_t *set, struct sigqueue **queue, uint64_t mask);
/* Queued entries in all queues now (for tests and the limit). */
int sigq_count(void);
/* The signal to deliver from pending minus blocked: SIGKILL, then faults, then the lowest
 * number; 0 when none. */
int sigq_pick(uint64_t pending, uint64_t blocked);

/* ---- signal.c: process-wide state ---- */

struct sig_action *signal_action(int sig);
/* The process-directed pending set and queue. */
uint64_t *signal_proc_set(void);
struct sigqueue **signal_proc_queue(void);
/* Dequeue the signal to deliver for t among those not in block: thread-directed first.
 * Returns the signal (info filled) or 0. Interrupts are handled inside. */
int signal_take(struct task *t, uint64_t block, struct ksiginfo *info);
/* Set t's mask (SIGKILL/SIGSTOP never blocked); process-directed signals it now blocks
 * are handed to another thread that does not. */
void signal_set_blocked(struct task *t, uint64_t mask);
/* "SIGSEGV", "SIGRTMIN+3" into buf; returns buf. */
const char *signal_name(int sig, char *buf, size_t size);
/* Default action of a signal that kills: report and end the program with 128 + sig. */
_Noreturn void signal_kill_default(int sig, const char *why);

/* ---- frame.c: the rt_sigframe ---- */

/* Build sig's frame for the handler of ka on the current thread's stack (or alternate
 * stack) from the registers in tf and point tf at the handler. oldmask is the mask to
 * restore at rt_sigreturn. Returns 0, or -EFAULT when the frame cannot be written. */
int sigframe_push(struct trap_frame *tf, int sig, const struct sig_action *ka,
		  const struct ksiginfo *info, uint64_t oldmask);

#endif
