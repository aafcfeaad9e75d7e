/* bundle.h: read the boot bundle (include/abi/bundle.h) the CLI packed the program in. */
#ifndef ISLE_EXEC_BUNDLE_H
#define ISLE_EXEC_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/exec.h"

/* Validate the bundle at [data, data+size) and fill args (path, argv, envp, ELF); the
 * string arrays are allocated with kmalloc and point into the bundle. Returns 0, or
 * -EINVAL after logging exactly what is wrong. */
int bundle_parse(const void *data, uint64_t size, struct exec_args *args);

/* An overrides-only bundle (ISLE_BUNDLE_OVERRIDES): parsed into args (elf NULL), its
 * flags in *flags. Returns 0, -EINVAL (logged), -ENOMEM. A bundle with a program gives
 * *flags without ISLE_BUNDLE_OVERRIDES and a full args. */
int bundle_parse_flags(const void *data, uint64_t size, struct exec_args *args, uint32_t *flags);

/* Apply overrides (from an overrides bundle) to args (from the image's manifest): env
 * entries by KEY, argv[1..] when replace_args. The arrays are kmalloc'ed; strings are
 * shared. 0 or -ENOMEM. */
int bundle_apply_overrides(struct exec_args *args, const struct exec_args *over, bool replace_args);

#endif
