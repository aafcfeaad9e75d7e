/* sigstate.h: the per-thread part of signal state, embedded in struct task (task.h). The
 * process-wide part (dispositions, process-directed pending signals) lives in signal.c. */
#ifndef ISLE_SIGNAL_SIGSTATE_H
#define ISLE_SIGNAL_SIGSTATE_H

#include <stdbool.h>
#include <stdint.h>

#define SIG_NSIG 64

struct sigqueue; /* queued siginfo, signal.c */

struct sigstate {
	uint64_t blocked;	/* the thread's signal mask, bit (sig - 1) */
	uint64_t pending;	/* thread-directed signals pending, bit (sig - 1) */
	struct sigqueue *queue; /* their siginfo, in arrival order */
	uint64_t saved_blocked; /* mask to restore after rt_sigsuspend / ppoll / pselect */
	bool restore_saved;	/* saved_blocked is to be restored on return to user */
	uint64_t altstack_sp;	/* sigaltstack; size 0 = none */
	uint64_t altstack_size;
	int altstack_flags; /* SS_AUTODISARM */
};

#endif
