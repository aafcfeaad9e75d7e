/* arch.h: every privileged CPU operation the rest of the kernel may use. One backend per
 * way the kernel runs (native ring 0 now; PVM later) implements this header; nothing
 * outside kernel/arch/ executes a privileged instruction. */
#ifndef ISLE_ARCH_H
#define ISLE_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* Register state saved on every entry from user mode (syscall, exception, interrupt) and
 * on kernel exceptions. Layout fixed by entry.S: do not reorder. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector; /* exception/IRQ vector; TRAP_SYSCALL for the syscall instruction */
	uint64_t error;	 /* CPU error code, 0 when the vector has none */
	uint64_t rip, cs, rflags, rsp, ss;
};
#define TRAP_SYSCALL 0x100

/* entry.S hard-codes these offsets. */
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame size");
_Static_assert(__builtin_offsetof(struct trap_frame, rip) == 17 * 8, "trap_frame.rip");
_Static_assert(__builtin_offsetof(struct trap_frame, cs) == 18 * 8, "trap_frame.cs");
_Static_assert(__builtin_offsetof(struct trap_frame, ss) == 21 * 8, "trap_frame.ss");
_Static_assert(__builtin_offsetof(struct trap_frame, rflags) == 19 * 8, "trap_frame.rflags");
_Static_assert(__builtin_offsetof(struct trap_frame, r11) == 4 * 8, "trap_frame.r11");
_Static_assert(__builtin_offsetof(struct trap_frame, rcx) == 12 * 8, "trap_frame.rcx");

static inline bool trap_from_user(const struct trap_frame *tf)
{
	return (tf->cs & 3) == 3;
}

/* CPU features found at boot (arch_cpu_init); read-only afterwards. */
struct cpu_features {
	bool nx, smep, smap, umip, xsave, avx, avx512, rdrand, rdseed, fsgsbase;
	bool x2apic, tsc_deadline, invariant_tsc, hypervisor, pcid;
	uint64_t xcr0;	     /* enabled XSAVE components */
	uint32_t xsave_size; /* bytes needed for an XSAVE area with xcr0 */
	char vendor[13];
};
extern struct cpu_features cpu_features;

/* Identification and counters. */
void arch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
uint64_t arch_rdtsc(void);
uint64_t arch_rdmsr(uint32_t msr);
void arch_wrmsr(uint32_t msr, uint64_t value);
/* A hardware random number (RDSEED, else RDRAND); false when the CPU has neither or it
 * failed repeatedly. */
bool arch_hw_random(uint64_t *out);

/* Port I/O. */
void arch_outb(uint16_t port, uint8_t v);
void arch_outw(uint16_t port, uint16_t v);
void arch_outl(uint16_t port, uint32_t v);
uint8_t arch_inb(uint16_t port);
uint16_t arch_inw(uint16_t port);
uint32_t arch_inl(uint16_t port);

/* Interrupts. irq_save returns the previous state for irq_restore. */
void arch_irq_enable(void);
void arch_irq_disable(void);
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long state);
/* Enable interrupts and halt until one arrives (atomically: no wake-up is lost);
 * returns with interrupts disabled, after the handler ran. */
void arch_wait_for_interrupt(void);
/* Install a handler for an interrupt vector (32..255). Handlers run with interrupts off
 * and must acknowledge their device; the LAPIC EOI is sent by the caller of the handler. */
void arch_set_irq_handler(int vector, void (*fn)(struct trap_frame *tf));
/* Same, for an IPI whose handler must run without the BKL (TLB shoot-down): it gets its
 * EOI and returns straight to whatever it interrupted. */
void arch_set_ipi_handler(int vector, void (*fn)(struct trap_frame *tf));

/* Address spaces. */
void arch_load_root(uint64_t root_pa);
uint64_t arch_current_root(void);
void arch_flush_tlb_page(uintptr_t va);
void arch_flush_tlb_all(void);

/* User mode. */
void arch_set_fs_base(uint64_t base);
uint64_t arch_get_fs_base(void);
/* Enter (or return to) user mode with the registers in tf (copied to the top of the
 * current kernel stack, kstack_top); tf->rip/rsp/rflags are taken as given (rflags is
 * sanitised: IF set, IOPL 0). */
_Noreturn void arch_enter_user(const struct trap_frame *tf, uint64_t kstack_top);

/* Threads and CPUs. */
/* Kernel context switch: push the callee-saved registers, store rsp in *from_ksp, load
 * to_ksp, pop and return into the other thread. */
void arch_switch(uint64_t *from_ksp, uint64_t to_ksp);
/* Prepare the kernel stack of a new thread so that the first arch_switch to the returned
 * ksp calls fn(arg) on that stack (fn must not return). */
uint64_t arch_thread_stack_init(uint64_t kstack_top, void (*fn)(void *arg), void *arg);
/* The kernel stack this CPU switches to on entry from user mode. */
void arch_set_kernel_stack(uint64_t top);
/* This CPU's index (0 = boot CPU) and the task it runs (per-CPU data through GS). */
int arch_cpu_id(void);
void *arch_cpu_current(void);
void arch_cpu_set_current(void *task);

/* User extended state (x87/SSE/AVX, XSAVE layout when the CPU has XSAVE, else FXSAVE).
 * The kernel never touches these registers (built -mgeneral-regs-only), so the program's
 * state stays live in the CPU until a thread switch or a signal saves it. Areas are
 * arch_fpu_size() bytes, 64-byte aligned. */
uint32_t arch_fpu_size(void);
void arch_fpu_init(void *area); /* the state a new program starts with */
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);
/* Check an area the program handed back (rt_sigreturn) before restoring it: 0, or -EINVAL
 * when restoring it would fault (reserved MXCSR bits, XSAVE header with unknown features
 * or reserved bits, compacted format). */
int arch_fpu_check(const void *area);

/* Power. Reset the CPU (triple fault); with QEMU -no-reboot this ends the VM. */
_Noreturn void arch_reset(void);
/* Stop this CPU for good with interrupts off. */
_Noreturn void arch_halt_forever(void);

/* Kernel backtrace from a frame pointer: calls fn for each return address, at most max. */
void arch_backtrace(uint64_t rbp, void (*fn)(uint64_t pc, void *arg), void *arg, int max);

#endif
