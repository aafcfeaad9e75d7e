/* missing.h: the `missing_files` kernel option (missing.c): every path the program looked
 * up and did not find, listed once at exit with the call that first asked and how often,
 * so the user learns what to add to Files or Dirs in config.json.
 *
 * The dispatcher is the one place that sees them all: after any path-taking call (open,
 * openat, stat, lstat, newfstatat, statx, access, faccessat(2), readlink(at), chdir,
 * execve, truncate, ...) returns -ENOENT, the path is copied in again and made absolute
 * against the working directory or the dirfd (both unchanged by a failed call; only
 * another thread's chdir while the call slept could move a relative one), "." and ".."
 * removed by name (symlinks are not followed: this is the name the program used).
 * Bounded: MISSING_MAX paths in MISSING_POOL bytes; what does not fit is counted and
 * reported as such. Locking: the BKL. */
#ifndef ISLE_SYSCALL_MISSING_H
#define ISLE_SYSCALL_MISSING_H

#include <stdint.h>

#define MISSING_MAX 256
#define MISSING_POOL 32768

/* Call nr with args returned -ENOENT: note its path when nr takes one. */
void missing_note(long nr, const uint64_t args[6]);
/* Print the list (program_exit). */
void missing_print(void);

#endif
