/* genfs_out.c: the output window of generated files (genfs.h): everything a generator
 * writes is counted, and only the part inside [off, off + size) is kept. Freestanding
 * (string and format only), so the host unit tests use it as it is. */
#include <stdarg.h>

#include "fs/genfs.h"
#include "lib/format.h"
#include "lib/string.h"

void genfs_out_init(struct genfs_out *o, char *buf, size_t size, uint64_t off)
{
	o->buf = buf;
	o->size = size;
	o->off = off;
	o->len = 0;
}

void genfs_write(struct genfs_out *o, const void *data, size_t n)
{
	uint64_t from = o->len, to = o->len + n;
	uint64_t lo = from > o->off ? from : o->off;
	uint64_t hi = to < o->off + o->size ? to : o->off + o->size;

	if (lo < hi)
		memcpy(o->buf + (lo - o->off), (const char *)data + (lo - from), (size_t)(hi - lo));
	o->len = to;
}

void genfs_puts(struct genfs_out *o, const char *s)
{
	genfs_write(o, s, strlen(s));
}

void genfs_printf(struct genfs_out *o, const char *fmt, ...)
{
	char line[GENFS_PRINTF_MAX];
	va_list ap;
	int n;

	if (genfs_out_full(o))
		return; /* nothing more is kept: skip the formatting */
	va_start(ap, fmt);
	n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	genfs_write(o, line, (size_t)n);
}

size_t genfs_out_count(const struct genfs_out *o)
{
	if (o->len <= o->off)
		return 0;
	return o->len - o->off < o->size ? (size_t)(o->len - o->off) : o->size;
}

bool genfs_out_full(const struct genfs_out *o)
{
	return o->len >= o->off + o->size;
}

long genfs_link(char *buf, size_t size, const char *target)
{
	size_t n = strlen(target);

	if (n > size)
		n = size;
	memcpy(buf, target, n);
	return (long)n;
}
