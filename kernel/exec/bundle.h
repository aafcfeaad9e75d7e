/* bundle.h: read the boot bundle (include/abi/bundle.h) the CLI packed the program in. */
#ifndef ISLE_EXEC_BUNDLE_H
#define ISLE_EXEC_BUNDLE_H

#include "exec/exec.h"

/* Validate the bundle at [data, data+size) and fill args (path, argv, envp, ELF); the
 * string arrays are allocated with kmalloc and point into the bundle. Returns 0, or
 * -EINVAL after logging exactly what is wrong. */
int bundle_parse(const void *data, uint64_t size, struct exec_args *args);

#endif
