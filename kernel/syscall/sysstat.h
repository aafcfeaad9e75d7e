/* sysstat.h: what the dispatcher remembers about system calls besides the trace
 * (sysstat.c): the `syscall_summary` counters printed at exit as `strace -c -w` does, and
 * the ring of the last SYSSTAT_RECENT calls that a kernel panic or fault report prints.
 *
 * Locking: the BKL (the dispatcher holds it around both calls; a handler that sleeps drops
 * and retakes it, so the counters are only touched with it held). The ring is read
 * without it by the panic and fault reports, which accept a torn entry. */
#ifndef ISLE_SYSCALL_SYSSTAT_H
#define ISLE_SYSCALL_SYSSTAT_H

#include <stdbool.h>
#include <stdint.h>

#define SYSSTAT_RECENT 16 /* a power of two */

struct recent_call {
	uint64_t seq; /* 0: never used */
	long nr;
	uint64_t args[6];
	long ret;
	int tid;
	bool done; /* ret is set; else the call is still running (or never returned) */
};

/* The ring and its counter, only for the inline functions below (sysstat.c owns them). */
extern struct recent_call sysstat_recent[SYSSTAT_RECENT];
extern uint64_t sysstat_recent_seq;   /* calls made so far */
extern uint64_t sysstat_selftest_seq; /* the call the selftest fires on; 0: none */
_Noreturn void sysstat_selftest_fire(void);

/* Record call nr of thread tid with its arguments in the ring (always on: a few stores,
 * inline because the dispatcher runs it on every call). Returns the call's sequence
 * number for sysstat_recent_exit. Also fires an armed selftest. */
static inline uint64_t sysstat_recent_enter(long nr, const uint64_t args[6], int tid)
{
	uint64_t seq = ++sysstat_recent_seq;
	struct recent_call *r = &sysstat_recent[seq % SYSSTAT_RECENT];

	r->seq = seq;
	r->nr = nr;
	/* Six stores rather than memcpy's rep movsb, which TCG emulates byte by byte. */
	r->args[0] = args[0];
	r->args[1] = args[1];
	r->args[2] = args[2];
	r->args[3] = args[3];
	r->args[4] = args[4];
	r->args[5] = args[5];
	r->tid = tid;
	r->done = false;
	if (__builtin_expect(seq == sysstat_selftest_seq, 0))
		sysstat_selftest_fire();
	return seq;
}

/* The call numbered seq returned ret (skipped when the ring has moved past it). */
static inline void sysstat_recent_exit(uint64_t seq, long ret)
{
	struct recent_call *r = &sysstat_recent[seq % SYSSTAT_RECENT];

	if (r->seq == seq) {
		r->ret = ret;
		r->done = true;
	}
}
/* Print the ring, oldest first, as "isle:   last syscalls (oldest first):" and one line
 * per call ("none" before the first). For the panic and kernel fault reports. */
void sysstat_recent_print(void);

/* Arm the selftest that panics (fault == 0) or takes a kernel page fault (fault != 0) on
 * the program's call number n (1 = the first). */
void sysstat_selftest_arm(uint64_t n, int fault);

/* Count one call of nr (any value: unknown numbers share one bucket) that took ns
 * nanoseconds of wall time and returned ret (-4095..-1 counts as an error). */
void sysstat_count(long nr, uint64_t ns, long ret);
/* Print the strace -c style table of the counted calls (program_exit). */
void sysstat_summary_print(void);

#endif
