/* ops.c: the small privileged operations of arch.h (native ring-0 backend). */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"

void arch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
			 : "a"(leaf), "c"(subleaf));
}

uint64_t arch_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t arch_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

void arch_wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
			 : "memory");
}

static bool rdseed64(uint64_t *out)
{
	unsigned char ok;
	__asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
	return ok;
}

static bool rdrand64(uint64_t *out)
{
	unsigned char ok;
	__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
	return ok;
}

bool arch_hw_random(uint64_t *out)
{
	for (int i = 0; i < 32; i++) {
		if (cpu_features.rdseed && rdseed64(out))
			return true;
		if (cpu_features.rdrand && rdrand64(out))
			return true;
		if (!cpu_features.rdseed && !cpu_features.rdrand)
			return false;
		__asm__ volatile("pause");
	}
	return false;
}

void arch_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
void arch_outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
void arch_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

uint8_t arch_inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

uint16_t arch_inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

uint32_t arch_inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void arch_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}
void arch_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

unsigned long arch_irq_save(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
	return flags;
}

void arch_irq_restore(unsigned long state)
{
	if (state & (1UL << 9))
		arch_irq_enable();
}

void arch_wait_for_interrupt(void)
{
	/* sti takes effect after the next instruction, so no interrupt slips in between. */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void arch_load_root(uint64_t root_pa)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(root_pa) : "memory");
}

uint64_t arch_current_root(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v & ~0xfffUL;
}

void arch_flush_tlb_page(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

void arch_flush_tlb_all(void)
{
	/* Toggling CR4.PGE flushes global entries too. */
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4 & ~(1UL << 7)) : "memory");
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
}

void arch_set_fs_base(uint64_t base)
{
	arch_wrmsr(MSR_FS_BASE, base);
}
uint64_t arch_get_fs_base(void)
{
	return arch_rdmsr(MSR_FS_BASE);
}

void arch_reset(void)
{
	/* Load an empty IDT and trap: the CPU triple-faults and resets. */
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty = {0, 0};
	__asm__ volatile("cli; lidt %0; int3" ::"m"(empty));
	for (;;)
		__asm__ volatile("hlt");
}

void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

uint64_t arch_read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

uint64_t arch_thread_stack_init(uint64_t kstack_top, void (*fn)(void *arg), void *arg)
{
	extern char arch_thread_start[];
	/* What arch_switch pops: r15 r14 r13 r12 rbx rbp, then the return address. The two
	 * slots above make rsp 16-byte aligned at arch_thread_start's call, as the ABI wants
	 * (kstack_top is 16-byte aligned). */
	uint64_t *sp = (uint64_t *)(kstack_top - 9 * 8);
	sp[0] = 0;			     /* r15 */
	sp[1] = 0;			     /* r14 */
	sp[2] = (uint64_t)(uintptr_t)arg;    /* r13 */
	sp[3] = (uint64_t)(uintptr_t)fn;     /* r12 */
	sp[4] = 0;			     /* rbx */
	sp[5] = 0;			     /* rbp */
	sp[6] = (uint64_t)arch_thread_start; /* ret */
	sp[7] = 0;
	sp[8] = 0;
	return (uint64_t)sp;
}
