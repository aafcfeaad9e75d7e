/* manifest.h: encoding the image manifest (include/abi/manifest.h) that tells the kernel
 * what to run: program path, working directory, isle version, argv, envp, flags. */
#ifndef ISLE_CLI_MANIFEST_H
#define ISLE_CLI_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

struct manifest_input {
	const char *program; /* absolute path in the image */
	const char *cwd;     /* absolute path in the image */
	const char *version; /* isle's version, e.g. "0.1.0" */
	char *const *argv;   /* argc strings, argv[0] first; argc >= 1 */
	size_t argc;
	char *const *envp; /* envc "KEY=VALUE" strings */
	size_t envc;
	uint32_t flags; /* ISLE_MF_* */
};

/* Encodes in into a new buffer (*buf, *len; caller frees). Returns 0, or -EINVAL (argc is
 * 0, a path is not absolute) / -E2BIG (larger than ISLE_MANIFEST_MAX_SIZE) with a
 * one-line reason in why. */
int manifest_encode(const struct manifest_input *in, void **buf, size_t *len, char *why,
		    size_t whylen);

#endif
