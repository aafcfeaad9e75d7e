/* qmp.h: the QEMU Machine Protocol commands isle sends to a running VM, over the unix
 * socket QEMU listens on when struct qemu_config.qmp_socket is set
 * (-qmp unix:PATH,server=on,wait=off).
 *
 * Each call connects, reads the greeting, sends qmp_capabilities, sends the command, reads
 * up to the command's reply (skipping asynchronous events) and disconnects; every read and
 * write is bounded by timeout_ms in all. Returns 0, or a negative errno with a one-line
 * reason in err ("connect /x/qmp.sock: No such file or directory", "QEMU answered: ...",
 * "no answer within 2000 ms"). */
#ifndef ISLE_CLI_QMP_H
#define ISLE_CLI_QMP_H

#include <stddef.h>

/* Sends {"execute": command} (no arguments). */
int qmp_execute(const char *sock_path, const char *command, int timeout_ms, char *err,
		size_t errlen);

/* system_powerdown: presses the VM's ACPI power button. The isle kernel answers by sending
 * SIGTERM to the program and powering off once it has exited (docs/instances.md). */
int qmp_powerdown(const char *sock_path, int timeout_ms, char *err, size_t errlen);

/* A connection kept open (isle run holds one while the VM runs, so that the socket file
 * can be removed at once: docs/stop.md). qmp_open connects, reads the greeting and
 * negotiates capabilities within timeout_ms: 0 and *out, or a negative errno with the
 * reason in err (as above). qmp_command sends {"execute": command} and reads up to its
 * reply, skipping events, within timeout_ms. qmp_close closes it (NULL: no-op). */
struct qmp_conn;
int qmp_open(const char *sock_path, int timeout_ms, struct qmp_conn **out, char *err,
	     size_t errlen);
int qmp_command(struct qmp_conn *q, const char *command, int timeout_ms, char *err, size_t errlen);
void qmp_close(struct qmp_conn *q);

#endif
