/* exit.h: how the kernel tells the host how the program ended, and the exit statuses
 * `isle run` uses for itself. Shared by the kernel and the CLI.
 *
 * The kernel writes its log (and nothing of the program's) to the log channel, QEMU's
 * debugcon on I/O port 0xe9. Its last line is exactly
 *     "isle: exit STATUS (REASON)\n"
 * where STATUS is a decimal 0..255 and REASON a short phrase ("exited", "signal SIGSEGV",
 * "out of memory", "kernel panic"). The program cannot write to that port, so nothing it
 * prints can forge the status. */
#ifndef ISLE_ABI_EXIT_H
#define ISLE_ABI_EXIT_H

#define ISLE_LOG_PORT 0xe9
#define ISLE_EXIT_LINE_PREFIX "isle: exit "

/* Statuses that do not come from the program itself. */
#define ISLE_EXIT_SIGNAL_BASE 128 /* killed by signal N: 128 + N (SIGSEGV -> 139) */
#define ISLE_EXIT_OOM 137	  /* out of memory: 128 + SIGKILL, as Linux's OOM killer */
#define ISLE_EXIT_PANIC 125	  /* the kernel panicked or faulted */
#define ISLE_EXIT_NOSTATUS 124	  /* the VM stopped without reporting a status */
#define ISLE_EXIT_CANNOT_RUN 126  /* isle could not start the VM (bad program, no QEMU) */
#define ISLE_EXIT_NOT_FOUND 127	  /* the program file does not exist */
#define ISLE_EXIT_USAGE 2	  /* bad command line */
#define ISLE_EXIT_SIGINT 130	  /* isle run interrupted by SIGINT (Ctrl-C) */
#define ISLE_EXIT_SIGTERM 143	  /* isle run stopped by SIGTERM */

#endif
