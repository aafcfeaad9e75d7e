/* program.h: the program file named on the command line, opened, checked and mapped on
 * the host before anything is booted. */
#ifndef ISLE_CLI_PROGRAM_H
#define ISLE_CLI_PROGRAM_H

#include <stddef.h>

struct program {
	const char *path; /* as typed by the user (not owned) */
	const void *data; /* the whole file, mapped read-only; NULL when size is 0 */
	size_t size;
};

/* Opens path, requires a readable regular file that elfcheck() accepts, and maps it.
 * Returns 0, or prints "isle: PATH: REASON" on stderr and returns ISLE_EXIT_NOT_FOUND
 * (the file does not exist) or ISLE_EXIT_CANNOT_RUN (anything else). */
int program_load(const char *path, struct program *p);

/* Unmaps what program_load mapped; safe on a zeroed struct. */
void program_unload(struct program *p);

#endif
