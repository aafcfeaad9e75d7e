/* lock.c: spinlocks and the big kernel lock (see lock.h for the locking model). The BKL
 * records its owner CPU so a CPU can tell whether it holds it (interrupts arriving in
 * kernel code) without a per-CPU depth count. */
#include "sched/lock.h"
#include "arch/x86_64/arch.h"
#include "core/printk.h"
#include "sched/smp.h"

#define NO_OWNER (-1)

static struct spinlock bkl;
static volatile int bkl_owner = NO_OWNER;

void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

bool spin_trylock(struct spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

bool bkl_held(void)
{
	return bkl_owner == arch_cpu_id();
}

/* Taking the lock and recording the owner happen with interrupts off: an interrupt
 * between the two would find the lock taken by a CPU that is not "this one" and spin on
 * it forever. While waiting, interrupts are as the caller had them. */
bool bkl_enter(void)
{
	unsigned long fl = arch_irq_save();
	int me = arch_cpu_id();
	if (bkl_owner == me) {
		arch_irq_restore(fl);
		return false;
	}
	while (!spin_trylock(&bkl)) {
		arch_irq_restore(fl);
		/* The holder may be waiting for this CPU to flush its TLB. */
		while (__atomic_load_n(&bkl.locked, __ATOMIC_RELAXED)) {
			smp_poll_tlb();
			__builtin_ia32_pause();
		}
		fl = arch_irq_save();
	}
	bkl_owner = me;
	arch_irq_restore(fl);
	return true;
}

void bkl_leave(bool taken)
{
	if (!taken)
		return;
	unsigned long fl = arch_irq_save();
	if (bkl_owner != arch_cpu_id())
		panic("bkl_leave on cpu %d, held by %d", arch_cpu_id(), bkl_owner);
	bkl_owner = NO_OWNER;
	spin_unlock(&bkl);
	arch_irq_restore(fl);
}
