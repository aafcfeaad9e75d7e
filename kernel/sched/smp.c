/* smp.c: application processors, IPIs and TLB shoot-down (smp.h; docs/smp.md).
 *
 * Bring-up: the MADT's enabled processors other than the boot CPU get indexes 1.. in table
 * order. For each, one at a time, the boot CPU maps its stacks (first kernel stack and
 * the #DF/NMI IST stacks, each above an unmapped guard page) in the upper half of the
 * KSTACK window (task.c owns the lower half), prepares its tables (cpu_prepare_ap),
 * writes the trampoline's data block and sends INIT, then two STARTUP IPIs (Intel SDM
 * vol. 3A 9.4.4 / MultiProcessor Specification B.4). The INIT-to-STARTUP wait is the
 * spec's 10 ms on hardware; under a hypervisor (CPUID.1:ECX[31]), which delivers INIT
 * synchronously, 10 us. A CPU that has not claimed its ticket 1 s after its STARTUPs is
 * reported and skipped (the ticket is withdrawn, so it halts if it wakes later, and its
 * index goes to the next CPU). The AP applies the boot
 * CPU's feature settings, loads its own GDT/TSS/GS, enables its local APIC, marks itself
 * online and enters sched_ap_main.
 *
 * TLB shoot-down: each CPU has a mailbox (range + request generation + acknowledged
 * generation). The initiator holds the BKL, so there is one request at a time; it fills
 * every other online CPU's mailbox, sends SMP_TLB_VECTOR, and spins until each has
 * acknowledged. Targets answer from the lock-free IPI handler, or from smp_poll_tlb while
 * spinning for the BKL with interrupts off. */
#include "sched/smp.h"
#include "arch/x86_64/ap_boot.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "core/printk.h"
#include "core/time.h"
#include "drivers/acpi.h"
#include "drivers/platform.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "sched/sched.h"

#define AP_STACK_SIZE (16 * 1024)
#define AP_IST_SIZE (8 * 1024)
/* Per AP: guard, stack, guard, #DF stack, guard, NMI stack; slots of 64 KiB. */
#define AP_SLOT_SIZE 0x10000ul
#define AP_SLOT_BASE (KSTACK_BASE + KSTACK_SIZE / 2)
_Static_assert(PAGE_SIZE * 3 + AP_STACK_SIZE + 2 * AP_IST_SIZE <= AP_SLOT_SIZE, "AP slot");
_Static_assert(AP_SLOT_SIZE *SMP_MAX_CPUS < KSTACK_SIZE / 2 - PAGE_SIZE, "AP slots");

/* For an AP to claim its ticket. Hardware needs well under 100 ms; under TCG on a loaded
 * host a vCPU thread can wait that long for a host CPU, so the bound is 1 s. */
#define START_TIMEOUT_NS 1000000000ull
#define ONLINE_TIMEOUT_NS 1000000000ull
/* A CPU that does not answer a shoot-down is stuck (a bug). Generous for the same reason
 * as START_TIMEOUT_NS: an overcommitted vCPU may wait long for a host CPU. */
#define TLB_TIMEOUT_NS 5000000000ull
#define TLB_FULL_FLUSH_PAGES 32

struct tlb_mailbox {
	volatile uint64_t start, end;
	volatile uint64_t req, ack; /* generations: pending while req != ack */
} __attribute__((aligned(64)));

static uint32_t apic_ids[SMP_MAX_CPUS];
static volatile bool online[SMP_MAX_CPUS];
static volatile int ncpus_online = 1;
static int ncpus_known = 1; /* indexes of started CPUs: 0..ncpus_known-1 */
static struct tlb_mailbox mailbox[SMP_MAX_CPUS];
static uint64_t tlb_generation; /* BKL */
static volatile bool released;	/* smp_start_aps is done: APs may go on to the scheduler */

int smp_cpu_id(void)
{
	return arch_cpu_id();
}

int smp_ncpus(void)
{
	return __atomic_load_n(&ncpus_online, __ATOMIC_ACQUIRE);
}

uint32_t smp_cpu_apic_id(int cpu)
{
	return cpu >= 0 && cpu < ncpus_known ? apic_ids[cpu] : 0;
}

/* Busy-wait on the TSC (time_init has run). */
static void delay_ns(uint64_t ns)
{
	uint64_t end = time_monotonic_ns() + ns;
	while (time_monotonic_ns() < end)
		__builtin_ia32_pause();
}

/* ---- TLB shoot-down ---- */

static void flush_range(uint64_t start, uint64_t end)
{
	if (end <= start)
		return;
	if ((end - start) / PAGE_SIZE > TLB_FULL_FLUSH_PAGES) {
		arch_flush_tlb_all();
		return;
	}
	for (uint64_t va = PAGE_ALIGN_DOWN(start); va < end; va += PAGE_SIZE)
		arch_flush_tlb_page(va);
}

void smp_poll_tlb(void)
{
	if (ncpus_online == 1)
		return;
	struct tlb_mailbox *m = &mailbox[arch_cpu_id()];
	uint64_t req = __atomic_load_n(&m->req, __ATOMIC_ACQUIRE);
	if (req == m->ack)
		return;
	flush_range(m->start, m->end);
	__atomic_store_n(&m->ack, req, __ATOMIC_RELEASE);
}

static void tlb_ipi(struct trap_frame *tf)
{
	smp_poll_tlb();
}

void smp_tlb_shootdown(uintptr_t start, uintptr_t end)
{
	int me = arch_cpu_id(), n = smp_ncpus();
	if (n == 1)
		return;
	uint64_t gen = ++tlb_generation;
	for (int c = 0; c < ncpus_known; c++) {
		if (c == me || !online[c])
			continue;
		mailbox[c].start = start;
		mailbox[c].end = end;
		__atomic_store_n(&mailbox[c].req, gen, __ATOMIC_RELEASE);
		lapic_send_ipi(apic_ids[c], SMP_TLB_VECTOR);
	}
	uint64_t deadline = time_monotonic_ns() + TLB_TIMEOUT_NS;
	for (int c = 0; c < ncpus_known; c++) {
		if (c == me || !online[c])
			continue;
		while (__atomic_load_n(&mailbox[c].ack, __ATOMIC_ACQUIRE) != gen) {
			if (time_monotonic_ns() > deadline)
				panic("smp: cpu %d did not answer a TLB shoot-down within 5 s", c);
			__builtin_ia32_pause();
		}
	}
}

void smp_send_reschedule(int cpu)
{
	if (cpu < 0 || cpu >= ncpus_known || !online[cpu] || cpu == arch_cpu_id())
		return;
	lapic_send_ipi(apic_ids[cpu], SMP_RESCHEDULE_VECTOR);
}

/* ---- bring-up ---- */

/* Map [va, va + size) to fresh pages; the top of the range. */
static uint64_t map_stack(uint64_t va, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t pa = pmm_alloc_page();
		if (!pa || paging_map(kernel_root, va + off, pa, PG_WRITE) < 0)
			return 0;
	}
	return va + size;
}

static uint64_t stack_top(int cpu)
{
	return AP_SLOT_BASE + (uint64_t)cpu * AP_SLOT_SIZE + PAGE_SIZE + AP_STACK_SIZE;
}

static bool alloc_stacks(int cpu)
{
	static uint64_t have_stacks; /* bit per index: mapped by an earlier (failed) start */
	if (have_stacks & (1ull << cpu))
		return true;
	uint64_t slot = AP_SLOT_BASE + (uint64_t)cpu * AP_SLOT_SIZE;
	uint64_t stack = map_stack(slot + PAGE_SIZE, AP_STACK_SIZE);
	uint64_t df = map_stack(slot + 2 * PAGE_SIZE + AP_STACK_SIZE, AP_IST_SIZE);
	uint64_t nmi = map_stack(slot + 3 * PAGE_SIZE + AP_STACK_SIZE + AP_IST_SIZE, AP_IST_SIZE);
	if (stack != stack_top(cpu) || !df || !nmi || cpu_prepare_ap(cpu, stack, df, nmi) < 0)
		return false;
	have_stacks |= 1ull << cpu;
	return true;
}

/* The trampoline and its page tables: the kernel half of kernel_root, plus PML4[0] ->
 * PDPT -> PD with one 2 MiB identity page at 0. */
static void install_trampoline(void)
{
	uint8_t *base = phys_to_virt(AP_TRAMP_PA);
	size_t len = (size_t)(ap_tramp_end - ap_tramp_start);
	if (len > AP_DATA - AP_TRAMP_PA)
		panic("smp: trampoline of %lu bytes overlaps its data", (unsigned long)len);
	memset(base, 0, AP_TRAMP_PAGES * PAGE_SIZE);
	memcpy(base, ap_tramp_start, len);
	uint64_t *pml4 = phys_to_virt(AP_TRAMP_PML4), *pdpt = phys_to_virt(AP_TRAMP_PDPT);
	uint64_t *pd = phys_to_virt(AP_TRAMP_PD);
	memcpy(pml4, phys_to_virt(kernel_root), PAGE_SIZE);
	pml4[0] = AP_TRAMP_PDPT | 3;
	pdpt[0] = AP_TRAMP_PD | 3;
	pd[0] = 0x83; /* present, writable, 2 MiB */

	struct ap_boot_data *d = phys_to_virt(AP_DATA);
	d->efer = (1u << 8) | (cpu_features.nx ? 1u << 11 : 0); /* LME, NXE */
	d->root = kernel_root;
	d->entry = (uint64_t)(uintptr_t)ap_entry64;
}

static bool wait_online(int cpu, uint64_t timeout_ns)
{
	uint64_t deadline = time_monotonic_ns() + timeout_ns;
	while (!__atomic_load_n(&online[cpu], __ATOMIC_ACQUIRE)) {
		if (time_monotonic_ns() > deadline)
			return false;
		__builtin_ia32_pause();
	}
	return true;
}

static bool start_ap(int cpu, uint32_t apic_id, uint64_t init_wait_ns)
{
	struct ap_boot_data *d = phys_to_virt(AP_DATA);
	if (!alloc_stacks(cpu)) {
		printk("isle: cpu %d did not start: out of memory for its stacks\n", cpu);
		return false;
	}
	apic_ids[cpu] = apic_id;
	d->stack = stack_top(cpu);
	__atomic_store_n(&d->ticket, (uint64_t)cpu, __ATOMIC_RELEASE);
	lapic_send_init(apic_id);
	delay_ns(init_wait_ns);
	for (int i = 0; i < 2; i++) {
		lapic_send_startup(apic_id, AP_TRAMP_PA >> 12);
		delay_ns(200000);
	}
	if (wait_online(cpu, START_TIMEOUT_NS))
		return true;
	if (__atomic_exchange_n(&d->ticket, 0, __ATOMIC_ACQ_REL) != 0) {
		printk("isle: cpu %d did not start (APIC ID %u)\n", cpu, apic_id);
		return false;
	}
	/* It claimed the ticket just now: it is on its way. */
	if (!wait_online(cpu, ONLINE_TIMEOUT_NS))
		panic("smp: cpu %d started but did not come online", cpu);
	return true;
}

_Noreturn void smp_ap_entry(int cpu)
{
	cpu_init_ap(cpu);
	lapic_init();
	/* Whichever CPU claimed ticket cpu is cpu (a late starter may have taken the place
	 * of the one asked): its own APIC ID is the one to send IPIs to. */
	apic_ids[cpu] = lapic_id();
	__atomic_store_n(&online[cpu], true, __ATOMIC_RELEASE);
	__atomic_add_fetch(&ncpus_online, 1, __ATOMIC_ACQ_REL);
	/* Halt until every AP was started: CPUs spinning for the BKL here would take host
	 * time from the ones still starting (vCPUs overcommitted on the host). The wake-up
	 * is an SMP_TLB_VECTOR IPI, whose handler needs no BKL; shoot-downs are answered. */
	while (!__atomic_load_n(&released, __ATOMIC_ACQUIRE))
		arch_wait_for_interrupt();
	sched_ap_main(cpu);
}

void smp_start_aps(void)
{
	const struct acpi_madt_info *m = &acpi_platform.madt;
	online[0] = true;
	apic_ids[0] = lapic_id();
	arch_set_irq_handler(SMP_RESCHEDULE_VECTOR, sched_ipi);
	arch_set_ipi_handler(SMP_TLB_VECTOR, tlb_ipi);
	if (!acpi_platform.have_madt)
		return;
	if (m->n_cpus_dropped)
		printk("isle: smp: %u more CPUs than the %d isle supports are not used\n",
		       m->n_cpus_dropped, SMP_MAX_CPUS);
	uint32_t r[4];
	arch_cpuid(1, 0, r);
	uint64_t init_wait = (r[2] & (1u << 31)) ? 10000 : 10000000;
	bool installed = false;
	for (unsigned i = 0; i < m->n_cpus && ncpus_known < SMP_MAX_CPUS; i++) {
		const struct acpi_cpu *c = &m->cpu[i];
		if (!c->enabled || c->apic_id == apic_ids[0])
			continue;
		if (!lapic_x2apic() && c->apic_id > 0xff) {
			printk("isle: cpu %d did not start: APIC ID %u needs x2APIC mode\n",
			       ncpus_known, c->apic_id);
			continue;
		}
		if (!installed) {
			install_trampoline();
			installed = true;
		}
		/* An index whose CPU did not start is given to the next one: online CPUs are
		 * 0..smp_ncpus()-1. */
		if (start_ap(ncpus_known, c->apic_id, init_wait))
			ncpus_known++;
	}
	__atomic_store_n(&released, true, __ATOMIC_RELEASE);
	for (int cpu = 1; cpu < ncpus_known; cpu++)
		lapic_send_ipi(apic_ids[cpu], SMP_TLB_VECTOR);
	pr_info("isle: smp: %d cpus online\n", smp_ncpus());
}
