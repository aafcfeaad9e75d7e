/* exit.c: the program is done: write the file systems back, say how it ended on the log
 * channel, and power off. */
#include "core/exit.h"
#include "arch/x86_64/arch.h"
#include "core/printk.h"
#include "drivers/platform.h"
#include "drivers/powerbtn.h"
#include "fs/vfs.h"
#include "sched/sched.h"

void program_exit(int status, const char *reason)
{
	/* Other threads stop at their next kernel entry; nothing they do from now on
	 * reaches the file systems. */
	sched_stop_program();
	powerbtn_exiting();
	/* Nothing the program wrote is lost: write every file system back first. */
	int r = vfs_sync_all();
	if (r < 0)
		printk("isle: writing file systems back at exit failed (error %d)\n", r);
	arch_irq_disable();
	printk("isle: exit %d (%s)\n", status & 0xff, reason);
	platform_poweroff();
}
