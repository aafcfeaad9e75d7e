/* lapic.c: the local APIC (Intel SDM vol. 3A chapter 11): enable, EOI, the one-shot
 * timer that wakes the CPU from time_sleep_until, and inter-processor interrupts.
 *
 * xAPIC registers are reached through the MMIO window at the base in IA32_APIC_BASE; if
 * firmware left the APIC in x2APIC mode, the same registers are MSRs 0x800 + offset/16
 * (and an application processor is switched to x2APIC mode too, so every CPU speaks the
 * same dialect). The timer uses TSC-deadline mode when the CPU has it (no calibration:
 * the deadline is a TSC value); otherwise one-shot mode, divide by 16, whose tick rate
 * comes from the hypervisor's timing leaf (CPUID 0x40000010 EBX, the APIC bus in kHz) or
 * is measured against the TSC over 1 ms the first time a timer is armed (not at boot:
 * boot stays fast).
 *
 * Per CPU: lapic_init programs the calling CPU's own APIC (the first call, on the boot
 * CPU, also finds the mode and maps the registers: shared, read-only afterwards). The
 * registers are per CPU in hardware, so no lock is needed; an ICR write pair (xAPIC) is
 * made with interrupts off so a handler on this CPU cannot interleave its own IPI. */
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

#define REG_ID 0x20
#define REG_TPR 0x80
#define REG_EOI 0xb0
#define REG_SVR 0xf0
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE 0x3e0
#define REG_ICR_LOW 0x300
#define REG_ICR_HIGH 0x310
#define MSR_X2APIC_ICR 0x830

#define ICR_FIXED (0u << 8)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_PENDING (1u << 12) /* xAPIC delivery status: send pending */
#define ICR_ASSERT (1u << 14)

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
static bool x2apic, configured, deadline_mode;
static volatile uint64_t ready; /* bit per CPU (arch_cpu_id) whose APIC lapic_init set up */
static uint64_t ticks_per_ms;	/* one-shot mode, at divide 16; 0 until known */
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

static bool ready_here(void)
{
	return ready & (1ull << arch_cpu_id());
}

void lapic_init(void)
{
	if (ready_here())
		return;
	uint64_t base = arch_rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE)) {
		base |= APIC_BASE_ENABLE;
		arch_wrmsr(MSR_APIC_BASE, base);
	}
	if (!configured) {
		x2apic = base & APIC_BASE_X2APIC;
		if (!x2apic)
			regs = paging_map_mmio(base & APIC_BASE_ADDR_MASK, PAGE_SIZE);
		uint32_t r[4];
		arch_cpuid(1, 0, r);
		deadline_mode = r[2] & CPUID1_ECX_TSC_DEADLINE;
		configured = true;
	} else if (x2apic && !(base & APIC_BASE_X2APIC)) {
		/* xAPIC -> x2APIC is the one allowed transition from the enabled state. */
		arch_wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
	}
	wr(REG_TPR, 0);
	wr(REG_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
	wr(REG_TIMER_DIVIDE, DIVIDE_BY_16);
	wr(REG_LVT_TIMER, LAPIC_TIMER_VECTOR | (deadline_mode ? LVT_TSC_DEADLINE : 0));
	__atomic_or_fetch(&ready, 1ull << arch_cpu_id(), __ATOMIC_RELEASE);
}

uint32_t lapic_id(void)
{
	uint32_t id = rd(REG_ID);
	return x2apic ? id : id >> 24;
}

bool lapic_x2apic(void)
{
	return x2apic;
}

/* Write the ICR: command bits low to the APIC apic_id, and wait (xAPIC) until the local
 * APIC has sent it, so the next command does not overwrite a pending one. */
static void send(uint32_t apic_id, uint32_t low)
{
	unsigned long flags = arch_irq_save();
	if (x2apic) {
		arch_wrmsr(MSR_X2APIC_ICR, (uint64_t)apic_id << 32 | low);
	} else {
		while (rd(REG_ICR_LOW) & ICR_PENDING)
			__builtin_ia32_pause();
		wr(REG_ICR_HIGH, apic_id << 24);
		wr(REG_ICR_LOW, low);
		while (rd(REG_ICR_LOW) & ICR_PENDING)
			__builtin_ia32_pause();
	}
	arch_irq_restore(flags);
}

void lapic_send_ipi(uint32_t apic_id, int vector)
{
	send(apic_id, ICR_FIXED | ICR_ASSERT | (uint32_t)(vector & 0xff));
}

void lapic_send_init(uint32_t apic_id)
{
	send(apic_id, ICR_INIT | ICR_ASSERT);
}

void lapic_send_startup(uint32_t apic_id, uint32_t page)
{
	send(apic_id, ICR_STARTUP | ICR_ASSERT | (page & 0xff));
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
	if (!ready_here())
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
