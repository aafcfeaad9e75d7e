/* size.h: memory sizes as users write them ("128M", "1GiB", "512" meaning MiB). */
#ifndef ISLE_CLI_SIZE_H
#define ISLE_CLI_SIZE_H

#include <stdint.h>

/* Parses s = DIGITS [SUFFIX] into bytes. SUFFIX is K, M or G (binary: 1024-based),
 * case-insensitive, optionally followed by "iB" or "B" ("64k", "64KiB", "64KB" are the
 * same); no suffix means MiB, as QEMU's -m. No signs, spaces or fractions.
 * Returns 0, -EINVAL (not a size) or -ERANGE (does not fit in 64 bits). Zero is a valid
 * result; the caller decides the minimum. */
int size_parse(const char *s, uint64_t *bytes);

#endif
