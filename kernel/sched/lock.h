/* lock.h: spinlocks and the big kernel lock (BKL).
 *
 * Locking model (docs/smp.md): every CPU holds the BKL while it runs kernel code, from the
 * entry of a syscall, exception or interrupt until it returns to the program or halts in
 * its idle loop. So kernel data needs no finer locks against other CPUs; against
 * interrupt handlers on the same CPU (which interrupt BKL-holding code and run with the
 * BKL themselves) code still uses arch_irq_save/restore around critical sections, as on
 * one CPU. The BKL is recursive per CPU: an interrupt arriving while this CPU already
 * holds it does not take it again.
 *
 * A CPU spinning for the BKL keeps answering TLB shoot-down requests (smp.h), so a holder
 * that waits for every CPU to flush cannot deadlock with a CPU spinning with interrupts
 * off. Nothing else may be awaited while holding the BKL: blocking code sleeps on a wait
 * queue (wait.h), which lets the CPU run another task or go idle. */
#ifndef ISLE_SCHED_LOCK_H
#define ISLE_SCHED_LOCK_H

#include <stdbool.h>
#include <stdint.h>

/* A plain test-and-set spinlock for the few places outside the BKL (IPI mailboxes, the
 * BKL itself). Callers disable interrupts themselves when a handler could take it. */
struct spinlock {
	volatile uint32_t locked;
};
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_trylock(struct spinlock *l);

/* Take the BKL for this CPU (no-op when it already holds it: returns false then, true
 * when it was taken, for bkl_leave). May be called with interrupts on or off. */
bool bkl_enter(void);
/* Release it when taken is true (the value bkl_enter returned). */
void bkl_leave(bool taken);
/* Does this CPU hold the BKL? */
bool bkl_held(void);

#endif
