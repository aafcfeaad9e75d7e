/* strpack.c: split packed NUL-terminated strings (strpack.h). */
#include "lib/strpack.h"
#include "core/errno.h"
#include "lib/string.h"

int strpack_split(const char *p, size_t size, uint32_t count, const char **out)
{
	const char *end = p + size;
	for (uint32_t i = 0; i < count; i++) {
		size_t left = (size_t)(end - p);
		size_t len = strnlen(p, left);
		if (len == left)
			return -EINVAL;
		out[i] = p;
		p += len + 1;
	}
	return p == end ? 0 : -EINVAL;
}
