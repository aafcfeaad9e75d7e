/* cpu.h: x86-64 internals shared by the files of this backend (not by the rest of the
 * kernel): MSR numbers, segment selectors, the per-CPU block, and boot-time CPU setup. */
#ifndef ISLE_ARCH_CPU_H
#define ISLE_ARCH_CPU_H

#include <stdint.h>

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b
#define SEL_UCODE 0x23
#define SEL_TSS 0x28

struct tss;

/* Per-CPU block, reached through GS in the kernel. Offsets used by entry.S. */
struct percpu {
	struct percpu *self; /* 0 */
	uint64_t kstack_top; /* 8: loaded on syscall entry (the running task's stack) */
	uint64_t user_rsp;   /* 16: scratch for syscall entry */
	void *current;	     /* 24: the running struct task */
	int cpu_id;	     /* 32: 0 = boot CPU */
	struct tss *tss;     /* this CPU's TSS (rsp0 follows kstack_top) */
};

static inline struct percpu *percpu_this(void)
{
	struct percpu *p;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

/* Detect features, set CR0/CR4/EFER/XCR0, load GDT, TSS, IDT, syscall MSRs, GS. Logs
 * what the CPU offered and what was enabled (verbose). */
void cpu_init(void);
/* Application processors (smp.c). On the boot CPU, with the page allocator up: give cpu
 * (1..SMP_MAX_CPUS-1) its tables and per-CPU block, with its first kernel stack and IST
 * stacks (#DF, NMI); 0 or -ENOMEM. On that CPU, in long mode on the kernel page tables:
 * apply cpu_features (EFER, CR0, CR4, XCR0), load its GDT, TSS, the IDT, GS and the
 * syscall MSRs. */
int cpu_prepare_ap(int cpu, uint64_t kstack_top, uint64_t ist_df_top, uint64_t ist_nmi_top);
void cpu_init_ap(int cpu);
/* Log the offered/enabled feature lines (after the log level is known). */
void cpu_log_features(void);

uint64_t arch_read_cr2(void);

/* Set by cpu_init when SMAP is on: uaccess_copy brackets user access with stac/clac. */
extern uint8_t uaccess_smap;

#endif
