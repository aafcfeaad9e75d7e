/* time.c: the monotonic clock (TSC), the wall clock (RTC at first use + monotonic) and
 * sleeping (one-shot LAPIC timer + halt).
 *
 * Boot does nothing slow: time_init records the TSC, takes the TSC rate from CPUID when
 * the hypervisor or CPU states it (0x40000010 EAX, else 0x15 with a crystal frequency,
 * else 0x16's base MHz), stops the PIT and enables the LAPIC. When CPUID says nothing
 * (QEMU TCG), the rate is measured against the PIT (5 ms, interrupts off) the first time
 * something needs it; likewise the RTC (dozens of slow port accesses) is read the first
 * time wall time is asked for. Conversions use a 32.32 fixed-point multiplier with a
 * 128-bit product: no division on the fast path and no libgcc helpers.
 *
 * State is written once (under irq_save, single CPU) and read without locks after. */
#include "core/time.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "arch/x86_64/arch.h"
#include "core/printk.h"
#include "drivers/pit.h"
#include "drivers/platform.h"
#include "drivers/rtc.h"
#include "vdso/vvar.h"

#define NS_PER_S 1000000000ull
#define KHZ_MIN 1000ull	     /* 1 MHz: anything below is not a TSC rate */
#define KHZ_MAX 100000000ull /* 100 GHz */
#define KHZ_GUESS 1000000ull /* 1 GHz, when nothing can measure it */
#define CPUID1_ECX_HYPERVISOR (1u << 31)

static uint64_t boot_tsc;
static uint64_t tsc_khz;    /* 0 until known */
static uint64_t ns_per_tsc; /* 32.32 fixed point; 0 until tsc_khz is known */
static uint64_t wall_at_boot_ns;
static bool wall_known;
static void (*change_hook)(void);

void time_set_change_hook(void (*fn)(void))
{
	change_hook = fn;
}

static void changed(void)
{
	if (change_hook)
		change_hook();
}

void time_vvar_fill(struct vdso_vvar *v)
{
	v->flags = (ns_per_tsc ? VVAR_TSC_OK : 0) | (wall_known ? VVAR_WALL_OK : 0);
	v->boot_tsc = boot_tsc;
	v->mult = ns_per_tsc;
	v->wall_offset_ns = wall_at_boot_ns;
}

static bool khz_plausible(uint64_t khz)
{
	return khz >= KHZ_MIN && khz <= KHZ_MAX;
}

/* The TSC rate as CPUID states it, 0 when it does not; *source names the leaf. */
static uint64_t khz_from_cpuid(const char **source)
{
	uint32_t r[4];
	arch_cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	arch_cpuid(1, 0, r);
	if (r[2] & CPUID1_ECX_HYPERVISOR) {
		arch_cpuid(0x40000000, 0, r);
		if (r[0] >= 0x40000010 && r[0] < 0x40010000) {
			arch_cpuid(0x40000010, 0, r);
			*source = "hypervisor leaf 0x40000010";
			if (khz_plausible(r[0]))
				return r[0];
		}
	}
	if (max_leaf >= 0x15) {
		arch_cpuid(0x15, 0, r); /* TSC = crystal (ECX Hz) * EBX / EAX */
		if (r[0] != 0 && r[1] != 0 && r[2] != 0) {
			uint64_t khz = (uint64_t)r[2] * r[1] / r[0] / 1000;
			*source = "cpuid 0x15";
			if (khz_plausible(khz))
				return khz;
		}
	}
	if (max_leaf >= 0x16) {
		arch_cpuid(0x16, 0, r);
		*source = "cpuid 0x16";
		if (khz_plausible((uint64_t)(r[0] & 0xffff) * 1000))
			return (uint64_t)(r[0] & 0xffff) * 1000;
	}
	return 0;
}

static void set_rate(uint64_t khz, const char *source)
{
	tsc_khz = khz;
	ns_per_tsc = (1000000ull << 32) / khz;
	pr_info("isle: time: TSC %lu kHz (%s)\n", (unsigned long)khz, source);
}

static void calibrate(void)
{
	unsigned long flags = arch_irq_save();
	if (ns_per_tsc == 0) {
		uint64_t khz = pit_measure_tsc_khz();
		if (khz_plausible(khz)) {
			set_rate(khz, "measured against the PIT");
		} else {
			printk("isle: time: cannot measure the TSC rate, assuming 1 GHz\n");
			set_rate(KHZ_GUESS, "guess");
		}
		changed();
	}
	arch_irq_restore(flags);
}

/* Before the scheduler starts it only ends arch_wait_for_interrupt (time_sleep_until). */
static void timer_irq(struct trap_frame *tf)
{
	if (sched_started())
		ktimer_run_expired();
}

void time_init(void)
{
	boot_tsc = arch_rdtsc();
	const char *source = NULL;
	uint64_t khz = khz_from_cpuid(&source);
	if (khz != 0)
		set_rate(khz, source);
	pit_stop();
	lapic_init();
	arch_set_irq_handler(LAPIC_TIMER_VECTOR, timer_irq);
}

uint64_t time_tsc_khz(void)
{
	if (__builtin_expect(ns_per_tsc == 0, 0))
		calibrate();
	return tsc_khz;
}

uint64_t time_tsc_to_ns(uint64_t tsc_ticks)
{
	if (__builtin_expect(ns_per_tsc == 0, 0))
		calibrate();
	return (uint64_t)(((unsigned __int128)tsc_ticks * ns_per_tsc) >> 32);
}

uint64_t time_monotonic_ns(void)
{
	return time_tsc_to_ns(arch_rdtsc() - boot_tsc);
}

uint64_t time_realtime_ns(void)
{
	if (__builtin_expect(!wall_known, 0)) {
		unsigned long flags = arch_irq_save();
		if (!wall_known) {
			uint64_t s = 0;
			if (rtc_read(&s) != 0)
				printk("isle: time: cannot read the RTC, wall clock starts at "
				       "1970\n");
			uint64_t mono = time_monotonic_ns();
			uint64_t wall = s * NS_PER_S;
			wall_at_boot_ns = wall > mono ? wall - mono : 0;
			wall_known = true;
			changed();
		}
		arch_irq_restore(flags);
	}
	return wall_at_boot_ns + time_monotonic_ns();
}

void time_sleep_until(uint64_t deadline_ns)
{
	unsigned long flags = arch_irq_save();
	for (;;) {
		uint64_t now = time_monotonic_ns();
		if (now >= deadline_ns)
			break;
		lapic_timer_oneshot(deadline_ns - now);
		arch_wait_for_interrupt();
	}
	arch_irq_restore(flags);
}
