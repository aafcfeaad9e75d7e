/* bundle.h: writing the boot bundle (include/abi/bundle.h) that carries the program, its
 * guest path, argv and envp to the kernel, and the private temporary file that holds it. */
#ifndef ISLE_CLI_BUNDLE_H
#define ISLE_CLI_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

struct bundle_input {
	const char *guest_path; /* the program's path inside the guest, e.g. "/hello" */
	char *const *argv;	/* argc strings, argv[0] first */
	size_t argc;		/* >= 1 */
	char *const *envp;	/* envc "KEY=VALUE" strings */
	size_t envc;
	const void *program; /* the ELF file's bytes (may be NULL when program_size is 0) */
	uint64_t program_size;
	uint32_t flags; /* ISLE_BUNDLE_*: with ISLE_BUNDLE_OVERRIDES, guest_path is "" and
			 * there is no program (program_size 0): see include/abi/bundle.h */
};

/* Returns a new string: "/" + the last component of the host path program. */
char *bundle_guest_path(const char *program);

/* Checks the ABI limits (ISLE_BUNDLE_MAX_STRINGS, ISLE_BUNDLE_MAX_STRINGS_SIZE, argc >= 1)
 * and that an overrides bundle carries no program and only known flags. Returns 0, or
 * -E2BIG / -EINVAL with a one-line reason in why. */
int bundle_check(const struct bundle_input *in, char *why, size_t whylen);

/* Writes the whole bundle to fd from its current offset (normally an empty file):
 * header (with in->flags), strings, zero padding to ISLE_BUNDLE_ALIGN, program. An
 * overrides bundle has program_offset and program_size 0 and ends after its strings. The input must
 * have passed bundle_check(). Returns 0 or a negative errno from write(). */
int bundle_write(int fd, const struct bundle_input *in);

/* Creates a private (0600) temporary file "isle-bundle-XXXXXX" in $TMPDIR, or /tmp when
 * TMPDIR is unset or empty. Returns the open fd (close-on-exec) and stores the new path in
 * *path (caller frees), or returns a negative errno. The caller unlinks it. */
int bundle_tempfile(char **path);

#endif
