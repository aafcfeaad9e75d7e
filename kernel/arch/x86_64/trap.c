/* trap.c: what happens on an exception or interrupt. Interrupts go to the registered
 * handler and get an EOI. A page fault from the program (or from a user copy in the
 * kernel) is resolved by the VM layer; any other fault of the program becomes the signal
 * Linux would send (signal_fault), and when that signal would kill it (no handler, blocked,
 * ignored) the program ends with 128 + the signal number after a crash report.
 * Any other fault in kernel code is a kernel fault: report, backtrace, power off with
 * ISLE_EXIT_PANIC. */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "abi/exit.h"
#include "core/errno.h"
#include "core/exit.h"
#include "core/ksyms.h"
#include "core/printk.h"
#include "drivers/platform.h"
#include "exec/exec.h"
#include "lib/format.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "mm/uaccess.h"
#include "mm/vm.h"
#include "sched/lock.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "signal/signal.h"
#include "syscall/sysstat.h"

extern char uaccess_copy_insn[], uaccess_copy_fixup[];
extern char __stack_bottom[], __stack_top[], __ist_df_bottom[], __ist_df_top[];
extern char __ist_nmi_bottom[], __ist_nmi_top[];
extern char __stack_guard[], __ist_df_guard[], __ist_nmi_guard[];

void trap_handle(struct trap_frame *tf);

static void (*irq_handlers[256])(struct trap_frame *tf);
static bool ipi_lockfree[256]; /* handler runs without the BKL (arch_set_ipi_handler) */

static const char *const exception_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range exceeded",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 floating point",
	"alignment check",
	"machine check",
	"SIMD floating point",
	"virtualization",
	"control protection",
};

void arch_set_irq_handler(int vector, void (*fn)(struct trap_frame *tf))
{
	if (vector < 32 || vector > 255)
		panic("irq vector %d out of range", vector);
	irq_handlers[vector] = fn;
}

void arch_set_ipi_handler(int vector, void (*fn)(struct trap_frame *tf))
{
	arch_set_irq_handler(vector, fn);
	ipi_lockfree[vector] = true;
}

static const char *exception_name(uint64_t v)
{
	return v < 32 && exception_names[v] ? exception_names[v] : "exception";
}

static void dump_regs(const struct trap_frame *tf)
{
	printk("isle:   rip %016lx  rsp %016lx  rflags %016lx\n", tf->rip, tf->rsp, tf->rflags);
	printk("isle:   rax %016lx  rbx %016lx  rcx %016lx\n", tf->rax, tf->rbx, tf->rcx);
	printk("isle:   rdx %016lx  rsi %016lx  rdi %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	printk("isle:   rbp %016lx  r8  %016lx  r9  %016lx\n", tf->rbp, tf->r8, tf->r9);
	printk("isle:   r10 %016lx  r11 %016lx  r12 %016lx\n", tf->r10, tf->r11, tf->r12);
	printk("isle:   r13 %016lx  r14 %016lx  r15 %016lx\n", tf->r13, tf->r14, tf->r15);
	printk("isle:   cs %04lx ss %04lx error %#lx fs_base %#lx\n", tf->cs, tf->ss, tf->error,
	       arch_get_fs_base());
}

static void describe_pf(uint64_t err, char *buf, size_t size)
{
	fmt_snprintf(buf, size, "%s, %s, %s mode",
		     err & 16  ? "instruction fetch"
		     : err & 2 ? "write"
			       : "read",
		     err & 1 ? "protection violation" : "not present", err & 4 ? "user" : "kernel");
}

/* ---- kernel faults ---- */

static void print_kernel_frame(uint64_t pc, void *arg)
{
	int *n = arg;
	char sym[96];
	ksyms_lookup(pc, sym, sizeof(sym));
	printk("isle:     #%d %016lx %s\n", (*n)++, pc, sym);
}

static bool in_range(uint64_t p, const char *lo, const char *hi)
{
	return p >= (uint64_t)lo && p + 16 <= (uint64_t)hi;
}

static bool on_kernel_stack(uint64_t p)
{
	struct task *t = arch_cpu_current();
	if (t && t->kstack_top && p >= t->kstack_bottom && p + 16 <= t->kstack_top)
		return true;
	return in_range(p, __stack_bottom, __stack_top) ||
	       in_range(p, __ist_df_bottom, __ist_df_top) ||
	       in_range(p, __ist_nmi_bottom, __ist_nmi_top);
}

void arch_backtrace(uint64_t rbp, void (*fn)(uint64_t pc, void *arg), void *arg, int max)
{
	for (int i = 0; i < max && rbp && !(rbp & 7) && on_kernel_stack(rbp); i++) {
		uint64_t *frame = (uint64_t *)rbp;
		if (!frame[1])
			break;
		fn(frame[1], arg);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

void kernel_backtrace_from(uint64_t rip, uint64_t rbp)
{
	int n = 0;
	printk("isle:   backtrace:\n");
	if (rip)
		print_kernel_frame(rip, &n);
	arch_backtrace(rbp, print_kernel_frame, &n, 32);
}

/* addr lies in a guard page below a kernel stack: the boot CPU's (in the image, unmapped
 * by paging.c) or any unmapped page of the KSTACK window (task.c and smp.c leave one below
 * every stack they map). */
static bool in_stack_guard(uint64_t addr)
{
	uint64_t page = PAGE_ALIGN_DOWN(addr);
	if (page == (uint64_t)__stack_guard || page == (uint64_t)__ist_df_guard ||
	    page == (uint64_t)__ist_nmi_guard)
		return true;
	return addr >= KSTACK_BASE && addr - KSTACK_BASE < KSTACK_SIZE &&
	       !paging_lookup(kernel_root, addr, NULL, NULL);
}

/* A kernel stack overflow: a page fault (or the double fault that a page fault raised
 * while pushing its own frame on the same stack) at a guard-page address within a page
 * of the stack pointer. A stray pointer into a guard page far from rsp is not one. */
static bool stack_overflow(const struct trap_frame *tf, uint64_t addr)
{
	return (tf->vector == 8 || tf->vector == 14) && in_stack_guard(addr) &&
	       addr < tf->rsp + PAGE_SIZE && tf->rsp < addr + 2 * PAGE_SIZE;
}

static _Noreturn void kernel_fault(struct trap_frame *tf, uint64_t addr)
{
	char sym[96], what[96];
	ksyms_lookup(tf->rip, sym, sizeof(sym));
	if (tf->vector == 8)
		addr = arch_read_cr2(); /* the page fault that could not be delivered */
	if (stack_overflow(tf, addr)) {
		printk("isle: kernel fault: kernel stack overflow: %s at address %#lx in the guard "
		       "page below a kernel stack (rsp %#lx) in %s\n",
		       exception_name(tf->vector), addr, tf->rsp, sym);
	} else if (tf->vector == 14) {
		describe_pf(tf->error, what, sizeof(what));
		printk("isle: kernel fault: page fault at address %#lx (%s) in %s\n", addr, what,
		       sym);
	} else {
		printk("isle: kernel fault: %s (vector %lu) in %s\n", exception_name(tf->vector),
		       tf->vector, sym);
	}
	dump_regs(tf);
	if (tf->vector == 14 && (tf->error & 16) && on_kernel_stack(tf->rsp)) {
		/* A call to a bad address: its return address names the caller, which the
		 * frame-pointer chain below skips. */
		uint64_t ret = *(const uint64_t *)tf->rsp;
		ksyms_lookup(ret, sym, sizeof(sym));
		printk("isle:   called from %016lx %s\n", ret, sym);
	}
	kernel_backtrace_from(tf->rip, tf->rbp);
	sysstat_recent_print();
	printk("isle: exit %d (kernel panic)\n", ISLE_EXIT_PANIC);
	platform_poweroff();
}

/* ---- program faults ---- */

/* The signal Linux sends for a fault from the program, with its si_code and si_addr. */
struct fault_signal {
	int sig, code;
	uint64_t addr;
	const char *name;
};

static int vma_at(void *arg, const struct vm_area_info *area)
{
	uint64_t addr = *(const uint64_t *)arg;
	return addr >= area->start && addr < area->end;
}

static struct fault_signal classify(const struct trap_frame *tf, uint64_t addr, bool bus)
{
	struct fault_signal f = {SIGSEGV, SI_KERNEL, 0, "SIGSEGV"};

	switch (tf->vector) {
	case 0:
		f = (struct fault_signal){SIGFPE, FPE_INTDIV, tf->rip, "SIGFPE"};
		break;
	case 16:
	case 19:
		f = (struct fault_signal){SIGFPE, 7 /* FPE_FLTINV */, tf->rip, "SIGFPE"};
		break;
	case 1:
		f = (struct fault_signal){SIGTRAP, 2 /* TRAP_TRACE */, tf->rip, "SIGTRAP"};
		break;
	case 3: /* int3: Linux's do_trap sends a plain SIGTRAP (SI_KERNEL) */
		f = (struct fault_signal){SIGTRAP, SI_KERNEL, 0, "SIGTRAP"};
		break;
	case 6:
		f = (struct fault_signal){SIGILL, ILL_ILLOPN, tf->rip, "SIGILL"};
		break;
	case 11:
	case 12:
		f = (struct fault_signal){SIGBUS, SI_KERNEL, 0, "SIGBUS"};
		break;
	case 17:
		f = (struct fault_signal){SIGBUS, 1 /* BUS_ADRALN */, 0, "SIGBUS"};
		break;
	case 14:
		if (bus) {
			f = (struct fault_signal){SIGBUS, BUS_ADRERR, addr, "SIGBUS"};
			break;
		}
		/* MAPERR: nothing mapped there; ACCERR: a mapping forbids the access. */
		f.code = addr < USER_TOP && vm_for_each(vma_at, &addr) ? SEGV_ACCERR : SEGV_MAPERR;
		f.addr = addr;
		break;
	default:
		break;
	}
	return f;
}

/* The VMA holding an address, for the backtrace's plausibility checks. */
struct area_query {
	uint64_t addr;
	struct vm_area_info area;
};

static int area_at(void *arg, const struct vm_area_info *area)
{
	struct area_query *q = arg;
	if (q->addr < area->start || q->addr >= area->end)
		return 0;
	q->area = *area;
	return 1;
}

static bool area_of(uint64_t addr, struct vm_area_info *out)
{
	struct area_query q = {.addr = addr};
	if (addr >= USER_TOP || !vm_for_each(area_at, &q))
		return false;
	*out = q.area;
	return true;
}

/* Walks the rbp chain. A program built without frame pointers uses rbp as an ordinary
 * register, so a frame is believed only when it lies in the mapping holding rsp, above
 * the previous one, and its return address is in an executable mapping: a chain that
 * leaves the stack ends the backtrace instead of printing made-up callers. */
static void user_backtrace(const struct trap_frame *tf)
{
	char sym[96];
	exec_symbolize(tf->rip, sym, sizeof(sym));
	printk("isle:   backtrace (frame pointers; partial without them):\n");
	printk("isle:     #0 %016lx %s\n", tf->rip, sym);
	struct vm_area_info stack, code;
	if (!area_of(tf->rsp, &stack))
		return;
	uint64_t rbp = tf->rbp, low = tf->rsp;
	for (int i = 1; i < 32; i++) {
		uint64_t frame[2];
		if ((rbp & 7) || rbp < low || rbp < stack.start || rbp > stack.end - sizeof(frame))
			break;
		if (copy_from_user(frame, (const void *)rbp, sizeof(frame)) < 0)
			break;
		if (!area_of(frame[1], &code) || !(code.prot & PROT_EXEC))
			break;
		exec_symbolize(frame[1], sym, sizeof(sym));
		printk("isle:     #%d %016lx %s\n", i, frame[1], sym);
		low = rbp + sizeof(frame);
		rbp = frame[0];
	}
}

/* A fault from the program: to its handler when it has one that can run (signal.h),
 * else the crash report and the end of the program with 128 + the signal number.
 * bus: a page fault past the end of a mapped file (vm_handle_fault's -EIO): SIGBUS. */
static void user_fault_as(struct trap_frame *tf, uint64_t addr, bool bus)
{
	struct fault_signal fs = classify(tf, addr, bus);
	if (!signal_fault_is_fatal(fs.sig)) {
		signal_fault(tf, fs.sig, fs.code, fs.addr);
		return;
	}
	const char *signame = fs.name;
	char what[96], where[96], sym[96];
	exec_symbolize(tf->rip, sym, sizeof(sym));
	if (tf->vector == 14) {
		describe_pf(tf->error, what, sizeof(what));
		vm_describe(addr, where, sizeof(where));
		printk("isle: program fault: %s: page fault at address %#lx (%s)\n", signame, addr,
		       what);
		printk("isle:   address %#lx is in: %s\n", addr, where);
		uintptr_t slo, shi;
		if (vm_stack_guard_gap(addr, &slo, &shi))
			printk("isle:   stack overflow: the address is in the stack guard gap "
			       "below "
			       "the stack %#lx-%#lx (%lu KiB)\n",
			       (unsigned long)slo, (unsigned long)shi,
			       (unsigned long)((shi - slo) / 1024));
	} else {
		printk("isle: program fault: %s: %s (vector %lu)\n", signame,
		       exception_name(tf->vector), tf->vector);
	}
	vm_describe(tf->rip, where, sizeof(where));
	printk("isle:   at rip %#lx %s (%s)\n", tf->rip, sym, where);
	dump_regs(tf);
	user_backtrace(tf);
	char reason[32];
	fmt_snprintf(reason, sizeof(reason), "signal %s", signame);
	program_exit(ISLE_EXIT_SIGNAL_BASE + fs.sig, reason);
}

static _Noreturn void out_of_memory(uint64_t addr)
{
	printk("isle: out of memory: the program touched %#lx and no free page is left "
	       "(%lu KiB guest RAM); give the VM more memory with -m\n",
	       addr, (unsigned long)(pmm_total_pages() * (PAGE_SIZE / 1024)));
	program_exit(ISLE_EXIT_OOM, "out of memory");
}

static void page_fault(struct trap_frame *tf)
{
	uint64_t addr = arch_read_cr2();
	bool user = trap_from_user(tf);
	bool ucopy = !user && tf->rip == (uint64_t)uaccess_copy_insn;

	if (!user && !ucopy)
		kernel_fault(tf, addr);
	int r = -EFAULT;
	if (addr < USER_TOP) {
		r = vm_handle_fault(addr, tf->error);
		if (r == 0)
			return;
		if (r == -ENOMEM)
			out_of_memory(addr);
	}
	if (ucopy) {
		tf->rip = (uint64_t)uaccess_copy_fixup;
		return;
	}
	user_fault_as(tf, addr, r == -EIO);
}

static void dispatch(struct trap_frame *tf)
{
	uint64_t v = tf->vector;
	if (v >= 32) {
		if (irq_handlers[v])
			irq_handlers[v](tf);
		if (v != 0xff)
			lapic_eoi();
		return;
	}
	if (v == 14) {
		page_fault(tf);
		return;
	}
	if (v == 2) {
		printk("isle: NMI received (ignored)\n");
		return;
	}
	if (trap_from_user(tf)) {
		user_fault_as(tf, 0, false);
		return;
	}
	kernel_fault(tf, 0);
}

/* Every exception and interrupt: with the BKL (lock.h), except lock-free IPIs. From user
 * mode the way back goes through the scheduler and signal delivery. */
void trap_handle(struct trap_frame *tf)
{
	uint64_t v = tf->vector;
	if (v >= 32 && ipi_lockfree[v]) {
		irq_handlers[v](tf);
		lapic_eoi();
		return;
	}
	bool user = trap_from_user(tf);
	bool taken = bkl_enter();
	dispatch(tf);
	if (user) {
		sched_park_if_stopping(); /* after dispatch: an interrupt still gets its EOI */
		sched_return_to_user(tf); /* releases the BKL */
	} else
		bkl_leave(taken);
}
