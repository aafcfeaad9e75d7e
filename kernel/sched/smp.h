/* smp.h: more than one CPU. Bring-up of the application processors (INIT-SIPI-SIPI with a
 * real-mode trampoline below 1 MiB), inter-processor interrupts, and TLB shoot-down.
 * The number of CPUs comes from the ACPI MADT (QEMU's -smp N); isle uses all of them.
 *
 * Locking: called with the BKL held, except smp_poll_tlb (called while spinning for it)
 * and the IPI handlers (which never take it). */
#ifndef ISLE_SCHED_SMP_H
#define ISLE_SCHED_SMP_H

#include <stdint.h>

#define SMP_MAX_CPUS 64
/* IPI vectors (LAPIC_TIMER_VECTOR is 0xf0, the spurious vector 0xff). */
#define SMP_RESCHEDULE_VECTOR 0xf1 /* normal handler (takes the BKL): sched_ipi() */
#define SMP_TLB_VECTOR 0xf2	   /* lock-free handler (arch_set_ipi_handler) */

/* Index of this CPU, 0 for the boot CPU. */
int smp_cpu_id(void);
/* CPUs online (started and scheduling). Indexes 0..smp_ncpus()-1 are online after boot
 * (a CPU that failed to start is not counted, and the ones after it are renumbered). */
int smp_ncpus(void);
/* The local APIC ID of CPU cpu (for /proc/cpuinfo); 0 for an index never started. */
uint32_t smp_cpu_apic_id(int cpu);

/* Start every application processor the MADT lists; each ends in sched_ap_main(i).
 * Returns when all are online (or reported as failed to start). */
void smp_start_aps(void);

/* Ask cpu to look at its run queue (it may be halted in its idle loop). */
void smp_send_reschedule(int cpu);

/* Make every other online CPU drop its TLB entries for [start, end) of the program's
 * address space (end - start > 32 pages: all), and wait until they did. The caller
 * flushes its own TLB. */
void smp_tlb_shootdown(uintptr_t start, uintptr_t end);
/* Answer a pending shoot-down request addressed to this CPU, if any (BKL spin loop). */
void smp_poll_tlb(void);

#endif
