/* strpack.h: packed strings, as the boot bundle and the image manifest store them: count
 * NUL-terminated strings back to back, filling the area exactly. */
#ifndef ISLE_LIB_STRPACK_H
#define ISLE_LIB_STRPACK_H

#include <stddef.h>
#include <stdint.h>

/* Point out[0..count-1] at the strings in [p, p+size). Returns 0, or -EINVAL when a
 * string is not terminated inside the area, there are fewer than count, or bytes remain
 * after the last one. Does not allocate; out points into p. */
int strpack_split(const char *p, size_t size, uint32_t count, const char **out);

#endif
