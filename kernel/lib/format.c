/* format.c: printf-style formatting into a bounded buffer (contract in format.h). */
#include "lib/format.h"

#include <stdbool.h>
#include <stdint.h>

#include "lib/string.h"

/*
 * Output goes through a sink that stores what fits (keeping one byte for the NUL) and
 * counts everything, so the return value is the untruncated length however small the
 * buffer. Padding is counted arithmetically, so a huge width costs no time past the end
 * of the buffer. Integers are converted as a 64-bit magnitude plus a sign. Where the C
 * standard leaves a choice (%p, a NULL %s), the output is glibc's, so logs and traces
 * compare directly with the host's. <limits.h> is avoided: with -nostdinc, GCC's copy
 * #include_next's a C library one that is not there; __INT_MAX__ is used instead.
 */

struct sink {
	char *buf;
	size_t cap; /* bytes that may receive output: n - 1, or 0 when n == 0 */
	size_t len; /* length of the full output so far */
};

struct spec {
	bool left;  /* '-': pad on the right */
	bool zero;  /* '0': pad numbers with zeros */
	bool alt;   /* '#': 0x for hex, a leading 0 for octal */
	bool space; /* ' ': a space before non-negative signed numbers */
	bool plus;  /* '+': a plus before non-negative signed numbers */
	int width;  /* 0 when absent */
	int prec;   /* -1 when absent */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

static void put_bytes(struct sink *s, const char *p, size_t count)
{
	for (size_t i = 0; i < count && s->len + i < s->cap; i++)
		s->buf[s->len + i] = p[i];
	s->len += count;
}

static void put_repeat(struct sink *s, char c, size_t count)
{
	for (size_t i = 0; i < count && s->len + i < s->cap; i++)
		s->buf[s->len + i] = c;
	s->len += count;
}

static void put_char(struct sink *s, char c)
{
	put_bytes(s, &c, 1);
}

/* Parses a decimal field at *fmt, saturating at __INT_MAX__. */
static int parse_int(const char **fmt)
{
	const char *p = *fmt;
	int v = 0;

	while (*p >= '0' && *p <= '9') {
		int d = *p - '0';

		v = v > (__INT_MAX__ - d) / 10 ? __INT_MAX__ : v * 10 + d;
		p++;
	}
	*fmt = p;
	return v;
}

/* Puts `body` (count bytes) padded to the field width with spaces. */
static void put_padded(struct sink *s, const struct spec *sp, const char *body, size_t count)
{
	size_t pad = (size_t)sp->width > count ? (size_t)sp->width - count : 0;

	if (!sp->left)
		put_repeat(s, ' ', pad);
	put_bytes(s, body, count);
	if (sp->left)
		put_repeat(s, ' ', pad);
}

/* Puts one integer conversion: [spaces][prefix][zeros][digits][spaces]. */
static void put_number(struct sink *s, const struct spec *sp, uint64_t mag, const char *prefix,
		       unsigned int base, bool upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24]; /* 22 octal digits hold 64 bits */
	size_t nd = 0, zeros = 0, plen = strlen(prefix), total, pad;

	while (mag) {
		digits[sizeof(digits) - 1 - nd++] = set[mag % base];
		mag /= base;
	}
	/* Precision is the minimum digit count; the default is 1, and 0 prints nothing
	 * for a zero value. */
	if (sp->prec < 0) {
		if (nd == 0)
			zeros = 1;
	} else if ((size_t)sp->prec > nd) {
		zeros = (size_t)sp->prec - nd;
	}
	if (sp->alt && base == 8 && zeros == 0)
		zeros = 1;
	total = plen + zeros + nd;
	pad = (size_t)sp->width > total ? (size_t)sp->width - total : 0;
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		put_repeat(s, ' ', pad);
	put_bytes(s, prefix, plen);
	put_repeat(s, '0', zeros);
	put_bytes(s, digits + sizeof(digits) - nd, nd);
	if (sp->left)
		put_repeat(s, ' ', pad);
}

static int64_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
	case LEN_Z: /* the signed type of size_t's width is long on x86-64 */
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		return (uint64_t)va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static enum length parse_length(const char **fmt)
{
	const char *p = *fmt;
	enum length len = LEN_NONE;

	switch (*p) {
	case 'h':
		len = p[1] == 'h' ? LEN_HH : LEN_H;
		break;
	case 'l':
		len = p[1] == 'l' ? LEN_LL : LEN_L;
		break;
	case 'z':
		len = LEN_Z;
		break;
	case 't':
		len = LEN_T;
		break;
	case 'j':
		len = LEN_J;
		break;
	default:
		return LEN_NONE;
	}
	*fmt = p + (len == LEN_HH || len == LEN_LL ? 2 : 1);
	return len;
}

/* Formats one conversion; *fmt points just past the '%' and is advanced past it. */
static void convert(struct sink *s, const char **fmt, va_list *ap)
{
	const char *start = *fmt - 1, *p = *fmt;
	struct spec sp = {.prec = -1};
	enum length len;

	for (;; p++) {
		if (*p == '-')
			sp.left = true;
		else if (*p == '0')
			sp.zero = true;
		else if (*p == '#')
			sp.alt = true;
		else if (*p == ' ')
			sp.space = true;
		else if (*p == '+')
			sp.plus = true;
		else
			break;
	}
	if (*p == '*') {
		int w = va_arg(*ap, int);

		p++;
		if (w < 0) {
			sp.left = true;
			w = w == (-__INT_MAX__ - 1) ? __INT_MAX__ : -w;
		}
		sp.width = w;
	} else {
		sp.width = parse_int(&p);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			int pr = va_arg(*ap, int);

			p++;
			sp.prec = pr < 0 ? -1 : pr;
		} else {
			sp.prec = parse_int(&p);
		}
	}
	len = parse_length(&p);

	switch (*p) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, len);
		uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
		const char *sign = v < 0 ? "-" : sp.plus ? "+" : sp.space ? " " : "";

		put_number(s, &sp, mag, sign, 10, false);
		break;
	}
	case 'u':
		put_number(s, &sp, arg_unsigned(ap, len), "", 10, false);
		break;
	case 'o':
		put_number(s, &sp, arg_unsigned(ap, len), "", 8, false);
		break;
	case 'x':
	case 'X': {
		uint64_t v = arg_unsigned(ap, len);
		const char *prefix = sp.alt && v ? (*p == 'x' ? "0x" : "0X") : "";

		put_number(s, &sp, v, prefix, 16, *p == 'X');
		break;
	}
	case 'p': {
		/* Like glibc: %#lx that keeps 0x for zero and honours '+' and ' '. */
		const char *prefix = sp.plus ? "+0x" : sp.space ? " 0x" : "0x";

		put_number(s, &sp, (uintptr_t)va_arg(*ap, void *), prefix, 16, false);
		break;
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);

		put_padded(s, &sp, &c, 1);
		break;
	}
	case 's': {
		const char *str = va_arg(*ap, const char *);

		/* Like glibc: a NULL that would be cut short prints nothing, not "(nu". */
		if (!str)
			str = sp.prec < 0 || sp.prec >= 6 ? "(null)" : "";
		put_padded(s, &sp, str, sp.prec < 0 ? strlen(str) : strnlen(str, (size_t)sp.prec));
		break;
	}
	case '%':
		put_char(s, '%');
		break;
	case '\0':
		/* The format ends inside a conversion: print what there is. */
		put_bytes(s, start, (size_t)(p - start));
		*fmt = p;
		return;
	default:
		/* Unknown conversion (including %n, which is never honoured): print it. */
		put_bytes(s, start, (size_t)(p + 1 - start));
		break;
	}
	*fmt = p + 1;
}

int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sink s = {.buf = buf, .cap = n > 0 ? n - 1 : 0, .len = 0};
	va_list args;

	/* A va_list parameter may be an array that decayed to a pointer; a local copy can
	 * be passed around by address. */
	va_copy(args, ap);
	while (*fmt) {
		const char *lit = fmt;

		while (*fmt && *fmt != '%')
			fmt++;
		put_bytes(&s, lit, (size_t)(fmt - lit));
		if (*fmt == '%') {
			fmt++;
			convert(&s, &fmt, &args);
		}
	}
	va_end(args);
	if (n > 0)
		buf[s.len < s.cap ? s.len : s.cap] = '\0';
	return s.len > __INT_MAX__ ? __INT_MAX__ : (int)s.len;
}

int fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
