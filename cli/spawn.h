/* spawn.h: running a host tool (mke2fs, debugfs) to completion, never through a shell,
 * with its stderr captured so that isle can quote it in its own messages. */
#ifndef ISLE_CLI_SPAWN_H
#define ISLE_CLI_SPAWN_H

#include <stddef.h>

struct spawn_result {
	int status; /* exit status; 128 + N when killed by signal N */
	char *out;  /* captured stdout (NUL-terminated), or NULL when it went to out_fd */
	size_t out_len;
	char *err; /* captured stderr, NUL-terminated */
};

/* Runs argv (argv[0] looked up in PATH) with stdin from /dev/null and waits for it.
 * Its stdout goes to out_fd when out_fd >= 0, otherwise into r->out; its stderr into
 * r->err. Returns 0 when the tool ran (whatever its status), or a negative errno when it
 * could not be started (-ENOENT: not installed); r is then empty. */
int spawn_run(char *const argv[], int out_fd, struct spawn_result *r);

/* Frees what spawn_run captured. */
void spawn_result_free(struct spawn_result *r);

#endif
