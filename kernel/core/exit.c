/* exit.c: the program is done: say how, on the log channel, and power off. */
#include "core/exit.h"
#include "arch/x86_64/arch.h"
#include "core/printk.h"
#include "drivers/platform.h"

void program_exit(int status, const char *reason)
{
	arch_irq_disable();
	printk("isle: exit %d (%s)\n", status & 0xff, reason);
	platform_poweroff();
}
