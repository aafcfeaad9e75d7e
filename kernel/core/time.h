/* time.h: clocks and sleeping. The monotonic clock is the TSC scaled to nanoseconds; its
 * rate comes from the hypervisor when it says (CPUID 0x40000010, leaf 0x15/0x16) and is
 * measured against the PIT otherwise. Wall time is the CMOS RTC read at boot plus the
 * monotonic clock. Sleeping arms the one-shot LAPIC timer and halts the CPU. */
#ifndef ISLE_CORE_TIME_H
#define ISLE_CORE_TIME_H

#include <stdint.h>

/* Boot: find the TSC rate, read the RTC, set up the LAPIC timer. */
void time_init(void);
uint64_t time_monotonic_ns(void); /* since boot */
uint64_t time_realtime_ns(void);  /* since the Unix epoch */
uint64_t time_tsc_to_ns(uint64_t tsc_ticks);
uint64_t time_tsc_khz(void);
/* The vDSO's view of the clocks (vdso/vvar.h): flags VVAR_TSC_OK / VVAR_WALL_OK as far
 * as they are known yet (nothing is calibrated or read for this), boot TSC, multiplier
 * and wall offset; seq is left alone. */
struct vdso_vvar;
void time_vvar_fill(struct vdso_vvar *v);
/* fn is called (with interrupts off) whenever time_vvar_fill's answer changes: when the
 * TSC rate becomes known or the RTC is read. One hook (exec/vdso.c). */
void time_set_change_hook(void (*fn)(void));
/* Halt until time_monotonic_ns() >= deadline_ns (interrupts may wake the CPU early; this
 * keeps sleeping until the deadline). */
void time_sleep_until(uint64_t deadline_ns);

#endif
