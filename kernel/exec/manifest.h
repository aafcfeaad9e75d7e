/* manifest.h: read the image manifest (include/abi/manifest.h) that says what to run. */
#ifndef ISLE_EXEC_MANIFEST_H
#define ISLE_EXEC_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

struct manifest {
	const char *path;     /* the program, absolute path in the image */
	const char *cwd;      /* working directory, absolute */
	const char *built_by; /* isle version that built the image */
	uint32_t flags;	      /* ISLE_MF_* */
	int argc;
	const char *const *argv;
	int envc;
	const char *const *envp;
};

/* Validate the manifest bytes and fill m; the strings point into data, the pointer
 * arrays are kmalloc'ed. 0, -ENOMEM, or -EINVAL after logging exactly what is wrong
 * (including a version newer than this kernel understands). */
int manifest_parse(const void *data, size_t size, struct manifest *m);

#endif
