/* exit.c: the program is done: let TCP deliver what the program sent, write the file
 * systems back, print the syscall summary and missing files when asked, say how it ended
 * on the log channel, and power off. */
#include "core/exit.h"
#include "arch/x86_64/arch.h"
#include "core/cmdline.h"
#include "core/printk.h"
#include "drivers/platform.h"
#include "drivers/powerbtn.h"
#include "core/time.h"
#include "core/wxcheck.h"
#include "fs/vfs.h"
#include "net/tcp.h"
#include "sched/sched.h"
#include "sched/wait.h"
#include "syscall/missing.h"
#include "syscall/sysstat.h"

/* How long the exit path waits for TCP connections to get their data acknowledged. Linux
 * keeps sending after a process exits; the VM is about to power off, so bounded. */
#define EXIT_TCP_DRAIN_NS (3ull * 1000000000ull)
#define EXIT_TCP_POLL_NS (5ull * 1000000ull)

/* Sleep (the idle loop runs the network stack meanwhile) until every connection has had
 * its data and FIN acknowledged, or the bound passes. */
static void tcp_drain(void)
{
	uint64_t deadline = time_monotonic_ns() + EXIT_TCP_DRAIN_NS;
	int n;

	while ((n = tcp_pending_count()) > 0) {
		if (time_monotonic_ns() >= deadline) {
			printk("isle: exit: %d TCP connection%s still had data unacknowledged "
			       "after %llu s\n",
			       n, n == 1 ? "" : "s", EXIT_TCP_DRAIN_NS / 1000000000ull);
			return;
		}
		sched_sleep_until(time_monotonic_ns() + EXIT_TCP_POLL_NS, 0);
	}
}

void program_exit(int status, const char *reason)
{
	/* Other threads stop at their next kernel entry; nothing they do from now on
	 * reaches the file systems. */
	sched_stop_program();
	powerbtn_exiting();
	tcp_drain();
	/* Nothing the program wrote is lost: write every file system back first. */
	int r = vfs_sync_all();
	if (r < 0)
		printk("isle: writing file systems back at exit failed (error %d)\n", r);
	/* The reports the user asked for (--syscall-summary, --missing-files). */
	if (kopt.syscall_summary)
		sysstat_summary_print();
	if (kopt.missing_files)
		missing_print();
	if (wxcheck_at_exit)
		wxcheck_report();
	arch_irq_disable();
	printk("isle: exit %d (%s)\n", status & 0xff, reason);
	platform_poweroff();
}
