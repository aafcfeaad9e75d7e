/* panic.c: a broken kernel invariant. Prints the message, a backtrace and the last
 * syscalls, reports ISLE_EXIT_PANIC on the log channel and powers off. A panic during a panic skips
 * straight to the status line and the reset. */
#include "abi/exit.h"
#include "arch/x86_64/arch.h"
#include "core/ksyms.h"
#include "core/printk.h"
#include "drivers/platform.h"
#include "syscall/sysstat.h"

void panic_at(const char *file, int line, const char *fmt, ...)
{
	static int panicking;
	arch_irq_disable();
	if (panicking++) {
		printk("isle: exit %d (kernel panic)\n", ISLE_EXIT_PANIC);
		arch_reset();
	}
	va_list ap;
	va_start(ap, fmt);
	printk("isle: kernel panic at %s:%d: ", file, line);
	vprintk(fmt, ap);
	printk("\n");
	va_end(ap);
	kernel_backtrace_from(0, (uint64_t)__builtin_frame_address(0));
	sysstat_recent_print();
	printk("isle: exit %d (kernel panic)\n", ISLE_EXIT_PANIC);
	platform_poweroff();
}
