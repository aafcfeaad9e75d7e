/* cpu.c: CPU bring-up for the native backend: feature detection, control registers
 * (NX, SMEP, SMAP, UMIP, XSAVE/AVX), GDT with TSS, IDT, and the syscall MSRs.
 * Design: the boot CPU decides the features once (cpu_features, read-only afterwards);
 * every CPU then applies the same settings to its own registers. Each CPU has its own
 * GDT (its TSS descriptor: ltr marks it busy, so CPUs cannot share one), TSS and per-CPU
 * block; the IDT is shared. The boot CPU's tables are static and its boot stack is the
 * first kernel stack; an application processor's come from cpu_prepare_ap (smp.c
 * supplies its stacks). #DF and NMI run on per-CPU IST stacks so a kernel stack
 * overflow still produces a report. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "sched/smp.h"

struct cpu_features cpu_features;
uint8_t uaccess_smap;

extern char __stack_top[], __ist_df_top[], __ist_nmi_top[];
extern const uint64_t trap_vectors[256];
extern void syscall_entry(void);

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_entry {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __attribute__((packed));

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* One CPU's own tables and per-CPU block. */
struct cpu_local {
	uint64_t gdt[7] __attribute__((aligned(16)));
	struct tss tss __attribute__((aligned(16)));
	struct percpu percpu;
};
_Static_assert(sizeof(struct cpu_local) <= PAGE_SIZE, "cpu_local fits a page");

static const uint64_t gdt_template[5] = {
	0,
	0x00af9a000000ffffULL, /* 0x08 kernel code */
	0x00cf92000000ffffULL, /* 0x10 kernel data */
	0x00cff2000000ffffULL, /* 0x18 user data */
	0x00affa000000ffffULL, /* 0x20 user code; 0x28 TSS (two slots) follows */
};
static struct cpu_local cpu0 __attribute__((aligned(16)));
static struct cpu_local *ap_local[SMP_MAX_CPUS]; /* cpu_prepare_ap; [0] unused */
static struct idt_entry idt[256] __attribute__((aligned(16)));

/* What the CPU offered, for the log (names in a fixed order). */
static struct cpu_features offered;

#define CR0_MP (1UL << 1)
#define CR0_EM (1UL << 2)
#define CR0_TS (1UL << 3)
#define CR0_NE (1UL << 5)
#define CR0_WP (1UL << 16)
#define CR4_PGE (1UL << 7)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_UMIP (1UL << 11)
#define CR4_OSXSAVE (1UL << 18)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)
#define EFER_SCE (1UL << 0)
#define EFER_NXE (1UL << 11)

static uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory");
}
static void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

static void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void detect(void)
{
	uint32_t r[4];
	struct cpu_features *f = &offered;

	arch_cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	memcpy(f->vendor, &r[1], 4);
	memcpy(f->vendor + 4, &r[3], 4);
	memcpy(f->vendor + 8, &r[2], 4);
	f->vendor[12] = 0;

	arch_cpuid(1, 0, r);
	f->xsave = r[2] & (1u << 26);
	f->avx = r[2] & (1u << 28);
	f->rdrand = r[2] & (1u << 30);
	f->x2apic = r[2] & (1u << 21);
	f->tsc_deadline = r[2] & (1u << 24);
	f->hypervisor = r[2] & (1u << 31);
	f->pcid = r[2] & (1u << 17);
	if (max_leaf >= 7) {
		arch_cpuid(7, 0, r);
		f->fsgsbase = r[1] & (1u << 0);
		f->smep = r[1] & (1u << 7);
		f->smap = r[1] & (1u << 20);
		f->rdseed = r[1] & (1u << 18);
		f->avx512 = r[1] & (1u << 16);
		f->umip = r[2] & (1u << 2);
	}
	arch_cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000001) {
		arch_cpuid(0x80000001, 0, r);
		f->nx = r[3] & (1u << 20);
	}
	if (r[0] >= 0x80000007) {
		arch_cpuid(0x80000007, 0, r);
		f->invariant_tsc = r[3] & (1u << 8);
	}
}

/* Boot CPU: what to enable, from what the CPU offered (cpu_features; xsave_size is
 * filled in by cpu_init once XCR0 is set). */
static void choose_features(void)
{
	struct cpu_features *f = &cpu_features;
	*f = offered;
	f->xcr0 = 0;
	f->xsave_size = 512;
	if (!f->xsave) {
		f->avx = f->avx512 = false;
		return;
	}
	uint32_t r[4];
	arch_cpuid(0xd, 0, r);
	uint64_t supported = ((uint64_t)r[3] << 32) | r[0];
	uint64_t want = 0x3; /* x87, SSE */
	if (f->avx && (supported & 0x4))
		want |= 0x4;
	else
		f->avx = false;
	if (f->avx512 && (supported & 0xe0) == 0xe0 && (want & 0x4))
		want |= 0xe0;
	else
		f->avx512 = false;
	f->xcr0 = want;
}

/* Every CPU: apply cpu_features to this CPU's EFER, CR0, CR4 and XCR0. */
static void apply_features(void)
{
	const struct cpu_features *f = &cpu_features;
	uint64_t efer = arch_rdmsr(MSR_EFER) | EFER_SCE;
	if (f->nx)
		efer |= EFER_NXE;
	arch_wrmsr(MSR_EFER, efer);

	write_cr0((read_cr0() | CR0_MP | CR0_NE | CR0_WP) & ~(CR0_EM | CR0_TS));
	uint64_t cr4 = read_cr4() | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (f->umip)
		cr4 |= CR4_UMIP;
	if (f->smep)
		cr4 |= CR4_SMEP;
	if (f->smap)
		cr4 |= CR4_SMAP;
	if (f->xsave)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	if (f->xsave)
		xsetbv(0, f->xcr0);
	/* A clean FPU/SSE state for the program. */
	uint32_t mxcsr = 0x1f80;
	__asm__ volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));
}

static void set_gate(int vec, uint64_t handler, int ist, int dpl)
{
	struct idt_entry *e = &idt[vec];
	e->off_lo = handler & 0xffff;
	e->off_mid = (handler >> 16) & 0xffff;
	e->off_hi = handler >> 32;
	e->sel = SEL_KCODE;
	e->ist = ist;
	e->type = 0x8e | (dpl << 5); /* present, 64-bit interrupt gate */
	e->zero = 0;
}

static void build_idt(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, trap_vectors[v], v == 8 ? 1 : v == 2 ? 2 : 0, v == 3 ? 3 : 0);
}

/* Load c's GDT (with its TSS descriptor), the segments, the TSS and the shared IDT. */
static void load_tables(struct cpu_local *c)
{
	uint64_t base = (uint64_t)&c->tss;
	c->tss.iomap_base = sizeof(c->tss); /* no I/O bitmap: all ports denied in ring 3 */
	memcpy(c->gdt, gdt_template, sizeof(gdt_template));
	c->gdt[5] = (sizeof(c->tss) - 1) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
		    (((base >> 24) & 0xff) << 56);
	c->gdt[6] = base >> 32;

	struct descriptor_ptr gdtr = {sizeof(c->gdt) - 1, (uint64_t)c->gdt};
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 :
			 : "m"(gdtr), "i"(SEL_KCODE), "i"(SEL_KDATA)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" ::"r"(SEL_TSS));
	struct descriptor_ptr idtr = {sizeof(idt) - 1, (uint64_t)idt};
	__asm__ volatile("lidt %0" ::"m"(idtr));
}

/* GS base and the syscall MSRs of this CPU (after load_tables cleared GS). */
static void set_percpu(struct cpu_local *c, int cpu, uint64_t kstack_top)
{
	struct percpu *p = &c->percpu;
	p->self = p;
	p->kstack_top = kstack_top;
	p->cpu_id = cpu;
	p->tss = &c->tss;
	arch_wrmsr(MSR_GS_BASE, (uint64_t)p);
	arch_wrmsr(MSR_KERNEL_GS_BASE, 0);
	arch_wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)SEL_KCODE << 32));
	arch_wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	arch_wrmsr(MSR_SFMASK, 0x47700); /* TF DF IF IOPL AC NT */
}

void cpu_init(void)
{
	detect();
	choose_features();
	apply_features();
	if (cpu_features.xsave) {
		uint32_t r[4];
		arch_cpuid(0xd, 0, r);
		cpu_features.xsave_size = r[1];
	}
	uaccess_smap = cpu_features.smap;
	build_idt();
	cpu0.tss.rsp[0] = (uint64_t)__stack_top;
	cpu0.tss.ist[0] = (uint64_t)__ist_df_top;
	cpu0.tss.ist[1] = (uint64_t)__ist_nmi_top;
	load_tables(&cpu0);
	set_percpu(&cpu0, 0, (uint64_t)__stack_top);
}

int cpu_prepare_ap(int cpu, uint64_t kstack_top, uint64_t ist_df_top, uint64_t ist_nmi_top)
{
	if (cpu <= 0 || cpu >= SMP_MAX_CPUS)
		panic("cpu_prepare_ap: cpu %d out of range", cpu);
	if (!ap_local[cpu]) {
		uint64_t pa = pmm_alloc_zeroed_page();
		if (!pa)
			return -ENOMEM;
		ap_local[cpu] = phys_to_virt(pa);
	}
	struct cpu_local *c = ap_local[cpu];
	c->tss.rsp[0] = kstack_top;
	c->tss.ist[0] = ist_df_top;
	c->tss.ist[1] = ist_nmi_top;
	c->percpu.kstack_top = kstack_top;
	return 0;
}

void cpu_init_ap(int cpu)
{
	struct cpu_local *c = ap_local[cpu];
	apply_features();
	load_tables(c);
	set_percpu(c, cpu, c->percpu.kstack_top);
}

void arch_set_kernel_stack(uint64_t top)
{
	struct percpu *p = percpu_this();
	p->kstack_top = top;
	p->tss->rsp[0] = top;
}

int arch_cpu_id(void)
{
	return percpu_this()->cpu_id;
}

void *arch_cpu_current(void)
{
	return percpu_this()->current;
}

void arch_cpu_set_current(void *task)
{
	percpu_this()->current = task;
}

static void feature_names(const struct cpu_features *f, char *buf, size_t size)
{
	struct {
		const char *name;
		bool on;
	} list[] = {
		{"nx", f->nx},	       {"smep", f->smep},     {"smap", f->smap},
		{"umip", f->umip},     {"xsave", f->xsave},   {"avx", f->avx},
		{"avx512", f->avx512}, {"rdrand", f->rdrand}, {"rdseed", f->rdseed},
	};
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
		if (!list[i].on)
			continue;
		int n = fmt_snprintf(buf + used, size - used, "%s%s", used ? " " : "",
				     list[i].name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += n;
	}
}

void cpu_log_features(void)
{
	char buf[128];
	if (!printk_verbose)
		return;
	feature_names(&offered, buf, sizeof(buf));
	pr_info("isle: cpu: %s, xsave area %u bytes\n", offered.vendor, cpu_features.xsave_size);
	pr_info("isle: cpu features: offered: %s\n", buf);
	feature_names(&cpu_features, buf, sizeof(buf));
	pr_info("isle: cpu features: enabled: %s\n", buf);
}
