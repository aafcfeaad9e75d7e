/* vm.h: QEMU as a child process. isle feeds QEMU's stdin from its own, reads the kernel
 * log pipe line by line (klog.h), turns SIGINT/SIGTERM/SIGHUP into a clean stop, and
 * returns the program's exit status. */
#ifndef ISLE_CLI_VM_H
#define ISLE_CLI_VM_H

#include <stdbool.h>

struct vm_io {
	int in_fd;	/* isle's stdin: copied to QEMU's stdin; at EOF one 0x04 byte, then close */
	int log_out_fd; /* isle's stderr: receives the kernel log lines */
	bool show_exit; /* also show the "isle: exit ..." line (isle run -v) */
	/* If not NULL, a file QEMU reads at startup (the boot bundle), unlinked as soon as
	 * QEMU answers on its QMP socket or the guest shows life (its first log byte): QEMU
	 * loaded it before either, so that not even a SIGKILL of isle can leave it behind
	 * from then on. */
	const char *unlink_when_running;
	/* If not NULL, QEMU's QMP socket (qemu_config.qmp_socket): the first SIGINT, SIGTERM
	 * or SIGHUP then stops the VM gracefully (docs/stop.md): isle presses its ACPI power
	 * button and waits up to stop_timeout_ms for the VM to power off by itself. */
	const char *qmp_socket;
	int stop_timeout_ms;
	/* The first stop signal stops QEMU at once, even with qmp_socket (isle run --gdb: a
	 * VM halted by a debugger cannot answer the power button). */
	bool stop_at_once;
	/* If not NULL, the private directory holding qmp_socket: as soon as QEMU has made the
	 * socket isle connects to it and keeps the connection, then removes the socket and
	 * this directory, so that not even a SIGKILL of isle can leave them behind. */
	const char *qmp_dir;
};

/* Blocks SIGINT, SIGTERM and SIGHUP (vm_run reads them from a signalfd) and ignores SIGPIPE
 * (a write to a closed pipe then fails with EPIPE). Call it before creating anything that
 * must be cleaned up, so that an interrupt cannot skip the cleanup. Returns 0 or -errno. */
int vm_signals_block(void);

/* Runs argv (argv[0] a path, or a name looked up in PATH; normally QEMU) after
 * vm_signals_block(), with: stdin = a pipe fed from io->in_fd; stdout and stderr inherited;
 * fd QEMU_LOG_FD (qemu.h) = the write end of the log pipe; every other fd closed on exec;
 * its own process group (a terminal's ^C reaches only isle); SIGTERM if isle dies.
 * Returns when the log pipe reaches EOF and the child has been reaped:
 *   the STATUS of the last exit line, or
 *   ISLE_EXIT_NOSTATUS (message printed) when there was none,
 *   ISLE_EXIT_CANNOT_RUN (message printed) when argv[0] cannot be executed,
 *   ISLE_EXIT_SIGINT / ISLE_EXIT_SIGTERM after SIGINT / SIGTERM or SIGHUP: the child is
 *   sent SIGTERM (SIGKILL 5 s later), reaped, and "isle: interrupted, VM stopped" printed.
 * With io->qmp_socket, a stop signal first presses the power button (qmp_powerdown; again
 * every second, a missing socket retried); if the VM then powers off by itself, the
 * result is the STATUS of its exit line as above; a second signal, no power off within
 * io->stop_timeout_ms, or a first press that fails other than for a missing socket end it
 * as just described (the last two with a one-line message). */
int vm_run(char *const argv[], const struct vm_io *io);

#endif
