/* sysstat.h: what the dispatcher remembers about system calls besides the trace
 * (sysstat.c): the `syscall_summary` counters printed at exit as `strace -c -w` does, and
 * the ring of the last SYSSTAT_RECENT calls that a kernel panic or fault report prints.
 *
 * Locking: the BKL (the dispatcher holds it around both calls; a handler that sleeps drops
 * and retakes it, so the counters are only touched with it held). The ring is read
 * without it by the panic and fault reports, which accept a torn entry. */
#ifndef ISLE_SYSCALL_SYSSTAT_H
#define ISLE_SYSCALL_SYSSTAT_H

#include <stdint.h>

#define SYSSTAT_RECENT 16

/* Record call nr with its arguments in the ring (always on: a few stores). Returns the
 * call's sequence number for sysstat_recent_exit. Also fires an armed selftest. */
uint64_t sysstat_recent_enter(long nr, const uint64_t args[6]);
/* The call numbered seq returned ret (skipped when the ring has moved past it). */
void sysstat_recent_exit(uint64_t seq, long ret);
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
