/* lapic.c: the local APIC (Intel SDM vol. 3A chapter 11): enable, EOI, and the one-shot
 * timer that wakes the CPU from time_sleep_until.
 *
 * xAPIC registers are reached through the MMIO window at the base in IA32_APIC_BASE; if
 * firmware left the APIC in x2APIC mode, the same registers are MSRs 0x800 + offset/16.
 * The timer uses TSC-deadline mode when the CPU has it (no calibration: the deadline is
 * a TSC value); otherwise one-shot mode, divide by 16, whose tick rate comes from the
 * hypervisor's timing leaf (CPUID 0x40000010 EBX, the APIC bus in kHz) or is measured
 * against the TSC over 1 ms the first time a timer is armed (not at boot: boot stays
 * fast). Single CPU, no locking: callers run with interrupts off or accept a re-arm. */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/paging.h"
#include "core/printk.h"
#include "core/time.h"
#include "drivers/platform.h"
#include "mm/layout.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull
#define MSR_X2APIC_FIRST 0x800
#define MSR_TSC_DEADLINE 0x6e0

#define REG_TPR 0x80
#define REG_EOI 0xb0
#define REG_SVR 0xf0
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE 0x3e0

#define SVR_ENABLE (1u << 8)
#define SPURIOUS_VECTOR 0xff
#define LVT_MASKED (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)
#define DIVIDE_BY_16 0x3
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_HYPERVISOR (1u << 31)

#define NS_PER_MS 1000000ull
#define CALIBRATE_MS 1
#define MAX_DEADLINE_NS (1ull << 50) /* ~13 days; keeps ns * kHz within 64 bits */

static volatile uint32_t *regs;
static bool x2apic, ready, deadline_mode;
static uint64_t ticks_per_ms; /* one-shot mode, at divide 16; 0 until known */
static uint64_t max_oneshot_ns;

static uint32_t rd(unsigned reg)
{
	if (x2apic)
		return (uint32_t)arch_rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
	return regs[reg / 4];
}

static void wr(unsigned reg, uint32_t v)
{
	if (x2apic)
		arch_wrmsr(MSR_X2APIC_FIRST + (reg >> 4), v);
	else
		regs[reg / 4] = v;
}

void lapic_init(void)
{
	if (ready)
		return;
	uint64_t base = arch_rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE)) {
		base |= APIC_BASE_ENABLE;
		arch_wrmsr(MSR_APIC_BASE, base);
	}
	x2apic = base & APIC_BASE_X2APIC;
	if (!x2apic)
		regs = paging_map_mmio(base & APIC_BASE_ADDR_MASK, PAGE_SIZE);
	uint32_t r[4];
	arch_cpuid(1, 0, r);
	deadline_mode = r[2] & CPUID1_ECX_TSC_DEADLINE;
	wr(REG_TPR, 0);
	wr(REG_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
	wr(REG_TIMER_DIVIDE, DIVIDE_BY_16);
	wr(REG_LVT_TIMER, LAPIC_TIMER_VECTOR | (deadline_mode ? LVT_TSC_DEADLINE : 0));
	ready = true;
}

void lapic_eoi(void)
{
	wr(REG_EOI, 0);
}

/* One (TSC, current count) pair. Always the same code, so under TCG both samples of a
 * measurement run already-translated code and no translation delay skews the interval. */
static __attribute__((noinline)) uint32_t sample(uint64_t *tsc)
{
	*tsc = arch_rdtsc();
	return rd(REG_TIMER_CURRENT);
}

/* Ticks per ms of the one-shot timer: the hypervisor's figure, else measured against the
 * TSC while the timer counts down, masked, from its maximum. */
static void calibrate(void)
{
	uint32_t r[4];
	arch_cpuid(1, 0, r);
	if (r[2] & CPUID1_ECX_HYPERVISOR) {
		arch_cpuid(0x40000000, 0, r);
		if (r[0] >= 0x40000010 && r[0] < 0x40010000) {
			arch_cpuid(0x40000010, 0, r);
			if (r[1] >= 16) /* APIC bus kHz */
				ticks_per_ms = r[1] / 16;
		}
	}
	if (ticks_per_ms == 0) {
		uint64_t khz = time_tsc_khz(), window = khz * CALIBRATE_MS, t0, t1, t;
		unsigned long flags = arch_irq_save();
		wr(REG_LVT_TIMER, LAPIC_TIMER_VECTOR | LVT_MASKED);
		wr(REG_TIMER_INIT, 0xffffffff);
		sample(&t);
		uint32_t c0 = sample(&t0);
		while (arch_rdtsc() - t0 < window)
			__builtin_ia32_pause();
		uint32_t c1 = sample(&t1);
		wr(REG_TIMER_INIT, 0);
		wr(REG_LVT_TIMER, LAPIC_TIMER_VECTOR);
		arch_irq_restore(flags);
		ticks_per_ms = (uint64_t)(c0 - c1) * khz / (t1 - t0);
		if (ticks_per_ms == 0)
			ticks_per_ms = 1;
	}
	max_oneshot_ns = 0xffffffffull * NS_PER_MS / ticks_per_ms;
	pr_info("isle: lapic: timer %lu ticks/ms\n", (unsigned long)ticks_per_ms);
}

void lapic_timer_oneshot(uint64_t ns)
{
	if (!ready)
		return;
	if (deadline_mode) {
		if (ns == 0) {
			arch_wrmsr(MSR_TSC_DEADLINE, 0);
			return;
		}
		if (ns > MAX_DEADLINE_NS)
			ns = MAX_DEADLINE_NS;
		uint64_t khz = time_tsc_khz();
		uint64_t ticks =
			ns / NS_PER_MS * khz + ((ns % NS_PER_MS) * khz + NS_PER_MS - 1) / NS_PER_MS;
		arch_wrmsr(MSR_TSC_DEADLINE, arch_rdtsc() + ticks);
		return;
	}
	if (ns == 0) {
		wr(REG_TIMER_INIT, 0);
		return;
	}
	if (ticks_per_ms == 0) {
		/* The first arming pays for calibration; do not add that time to the sleep. */
		uint64_t before = arch_rdtsc();
		calibrate();
		uint64_t spent = time_tsc_to_ns(arch_rdtsc() - before);
		ns = ns > spent ? ns - spent : 1;
	}
	uint64_t count = 0xffffffff;
	if (ns < max_oneshot_ns)
		count = (ns * ticks_per_ms + NS_PER_MS - 1) / NS_PER_MS;
	wr(REG_TIMER_INIT, count ? (uint32_t)count : 1);
}
