/* stackprot.c: the guard value and the failure path of the kernel's stack protector
 * (core/stackprot.h). This file is compiled like the rest of the kernel, but neither
 * function may be instrumented: stackprot_init changes the guard, and __stack_chk_fail
 * runs on a frame that is already known to be smashed. */
#include "core/stackprot.h"
#include "abi/exit.h"
#include "arch/x86_64/arch.h"
#include "core/ksyms.h"
#include "core/printk.h"
#include "core/random.h"
#include "drivers/platform.h"

/* A fixed value until stackprot_init (the window documented in stackprot.h). */
uint64_t __stack_chk_guard = 0x5eed0f15e0c0de00ULL;

__attribute__((no_stack_protector)) void stackprot_init(void)
{
	uint64_t v = random_u64() & ~0xffULL;
	if (!v)
		v = 0x100; /* never all zero */
	__atomic_store_n(&__stack_chk_guard, v, __ATOMIC_RELAXED);
}

__attribute__((no_stack_protector)) _Noreturn void __stack_chk_fail(void)
{
	static int failing;
	arch_irq_disable();
	if (failing++) {
		printk("isle: exit %d (kernel panic)\n", ISLE_EXIT_PANIC);
		arch_reset();
	}
	char sym[96];
	uint64_t caller = (uint64_t)__builtin_return_address(0);
	ksyms_lookup(caller, sym, sizeof(sym));
	printk("isle: kernel panic: stack smashing detected in %s\n", sym);
	kernel_backtrace_from(caller, (uint64_t)__builtin_frame_address(0));
	printk("isle: exit %d (kernel panic)\n", ISLE_EXIT_PANIC);
	platform_poweroff();
}
