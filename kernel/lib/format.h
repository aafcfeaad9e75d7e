/* format.h: printf-style formatting into a buffer, freestanding (kernel/lib/format.c).
 * Supports %d %i %u %x %X %o %c %s %p %% with flags '-', '0', '#', ' ', '+', a width and
 * precision (also '*'), and length modifiers hh h l ll z t j. %s of NULL prints "(null)".
 * %p prints 0x followed by hex digits. Unknown conversions are printed literally. */
#ifndef ISLE_LIB_FORMAT_H
#define ISLE_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: writes at most n bytes including the NUL (nothing when n == 0) and
 * returns the length the full output would have had. */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
