/* inststate.h: the pure parts of local instances (instance.h): names, the state file
 * (key=value lines), the state shown to users, host port clashes, and the size-capped
 * log with one rotated generation. No processes are touched here. */
#ifndef ISLE_CLI_INSTSTATE_H
#define ISLE_CLI_INSTSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netopts.h"
#include "qemu.h"

#define INST_NAME_MAX 64
#define INST_PATH_MAX 4096
#define INST_LOG_CAP (1u << 20) /* bytes in "log" before it is rotated to "log.1" */

/* What the supervisor last recorded. */
enum inst_phase {
	INST_STARTING, /* supervisor started, VM not yet */
	INST_RUNNING,  /* VM running (or restarting after an exit, RebootOnExit) */
	INST_STOPPED,  /* stopped by `isle instance stop` */
	INST_EXITED,   /* the VM ended by itself: status holds isle run's exit status */
};

struct inst_state {
	char name[INST_NAME_MAX + 1];
	char image[INST_PATH_MAX];    /* as the user named it: a store name or a path */
	char disk[INST_PATH_MAX];     /* absolute path of the disk image booted */
	long pid;		      /* the supervisor, 0 when none */
	unsigned long long pid_start; /* its start time (/proc/PID/stat field 22) */
	long long started;	      /* unix time the supervisor started */
	enum inst_phase phase;
	int status;	 /* INST_EXITED: isle run's exit status */
	int restarts;	 /* RebootOnExit restarts so far */
	uint64_t memory; /* guest memory, bytes (0: unknown) */
	struct qemu_port ports[NET_MAX_PORTS];
	size_t nports;
};

/* 1 when s is a valid instance or image name: 1..INST_NAME_MAX characters of
 * [A-Za-z0-9._-], the first a letter or digit. */
bool inst_name_valid(const char *s);

/* Formats s as "key=value\n" lines into a new string (caller frees). */
char *inst_state_format(const struct inst_state *s);

/* Parses text (NUL-terminated) into s. Unknown keys are ignored (newer isle). Returns 0,
 * or -EINVAL when a known key has a bad value or name/phase is missing. */
int inst_state_parse(const char *text, struct inst_state *s);

/* The STATE column: "starting", "running", "stopped", "exited(N)", or "crashed" when the
 * state says starting/running but the supervisor is not alive. buf holds >= 16 bytes. */
void inst_state_show(const struct inst_state *s, bool alive, char *buf, size_t len);

/* Ports as "H:G/tcp,H:G/udp" ("-" when none) into buf. */
void inst_ports_show(const struct qemu_port *p, size_t n, char *buf, size_t len);

/* Returns the index in want of the first port whose host port and protocol are also in
 * have, or -1 when none clashes. */
int inst_ports_clash(const struct qemu_port *want, size_t nwant, const struct qemu_port *have,
		     size_t nhave);

/* A log file capped at cap bytes: when a write would take it past cap, "PATH" is renamed
 * to "PATH.1" (replacing it) and a new PATH started. A single write larger than cap goes
 * whole into a fresh file. */
struct inst_log {
	char path[INST_PATH_MAX];
	int fd;
	uint64_t size; /* bytes in the current file */
	uint64_t cap;
};

/* Opens (appends to) path. 0 or -errno. */
int inst_log_open(struct inst_log *l, const char *path, uint64_t cap);

/* Appends n bytes, rotating first when needed. 0 or -errno. */
int inst_log_write(struct inst_log *l, const void *buf, size_t n);

void inst_log_close(struct inst_log *l);

#endif
