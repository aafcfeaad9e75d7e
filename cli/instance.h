/* instance.h: `isle instance create|list|logs|stop|delete`: local instances, each a VM run
 * by a detached supervisor process (`isle __instance-supervise DIR`, the same code as
 * `isle run`) on its own copy of an image. State lives in
 * $XDG_STATE_HOME/isle/instances/NAME (default ~/.local/state/isle/instances/NAME):
 * state (inststate.h), runargs (the isle run arguments, NUL-separated), disk.img, log
 * and log.1, and stop (present once a stop was asked for). docs/instances.md. */
#ifndef ISLE_CLI_INSTANCE_H
#define ISLE_CLI_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inststate.h"

#define INST_SUPERVISE_CMD "__instance-supervise"
#define INST_MAX_RESTARTS 10   /* RebootOnExit restarts before giving up */
#define INST_BACKOFF_MAX 30    /* seconds between restarts: 1, 2, 4, ... up to this */
#define INST_STOP_TIMEOUT 30   /* isle instance stop: seconds before SIGKILL */
#define INST_START_TIMEOUT 120 /* isle instance create: seconds to wait for QEMU */

/* argv[0] is "instance". Exit status, message printed. */
int instance_main(int argc, char **argv);

/* `isle instance create` (instcreate.c); argv[0] is "create". Exit status, message
 * printed. */
int instance_create(int argc, char **argv);

/* `isle instance logs` (instlogs.c); argv[0] is "logs". Exit status, message printed. */
int instance_logs(int argc, char **argv);

/* argv[0] is INST_SUPERVISE_CMD, argv[1] the instance directory. Runs the instance to its
 * end (detached by instance create) and returns 0, or 1 when its state is unusable. */
int instance_supervise(int argc, char **argv);

/* Process helpers (instproc.c). */

/* Start time of pid (/proc/PID/stat field 22, clock ticks after boot), or 0 when there
 * is no such process. */
unsigned long long inst_proc_start(long pid);

/* True when s->pid is alive, started at s->pid_start and runs the supervisor. */
bool inst_alive(const struct inst_state *s);

/* The first child of pid whose command name starts with "qemu" (its VM), or 0. */
long inst_vm_pid(long pid);

/* Resident set size of pid in bytes, or 0. */
uint64_t inst_rss(long pid);

/* One instance found by inst_scan. */
struct inst_entry {
	struct inst_state s;
	bool alive; /* inst_alive(&s) when scanned */
};

/* Reads the state of every instance under root (directories whose state names them),
 * sorted by name, into a new array *out (caller frees; NULL when none). Returns the
 * count. */
size_t inst_scan(const char *root, struct inst_entry **out);

/* Reads DIR/state. 0, or -errno / -EINVAL. */
int inst_read_state(const char *dir, struct inst_state *s);

/* Writes DIR/state atomically. 0 or -errno. */
int inst_write_state(const char *dir, const struct inst_state *s);

#endif
