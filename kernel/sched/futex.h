/* futex.h: fast user-space mutex support (futex(2)). Waiters are keyed by the user
 * address of the 32-bit word: isle has one address space, so private and shared futexes
 * are the same thing. Locking: BKL; atomic operations on the word itself, since threads
 * on other CPUs change it from user mode at any time. */
#ifndef ISLE_SCHED_FUTEX_H
#define ISLE_SCHED_FUTEX_H

#include <stdint.h>

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* futex(2) with Linux's arguments; returns the result or a negative errno. */
long futex_op(uint64_t uaddr, int op, uint32_t val, uint64_t utimeout_or_val2, uint64_t uaddr2,
	      uint32_t val3);
/* Wake up to n waiters on uaddr whose bitset meets bitset; returns how many. */
int futex_wake(uint64_t uaddr, int n, uint32_t bitset);
/* Thread exit: walk the thread's robust list (set_robust_list), marking futexes it held
 * FUTEX_OWNER_DIED and waking one waiter on each. */
void futex_exit_robust(uint64_t head, int tid);

#endif
