/* name.c: DNS names in wire form: comparison (ASCII case-insensitive, RFC 4343), the
 * bounds-checked reader for names in untrusted messages (compression pointers only
 * backwards, so no loops), and text output. Internal names are always uncompressed. */
#include "dns.h"

#include <stdio.h>

static uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

size_t dns_name_len(const uint8_t *name)
{
	size_t i = 0;
	while (name[i])
		i += 1u + name[i];
	return i + 1;
}

int dns_name_eq(const uint8_t *a, const uint8_t *b)
{
	size_t la = dns_name_len(a);
	if (la != dns_name_len(b))
		return 0;
	/* Length bytes are below 64 and so never letters: one loop compares both. */
	for (size_t i = 0; i < la; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}

static int count_labels(const uint8_t *name)
{
	int n = 0;
	for (size_t i = 0; name[i]; i += 1u + name[i])
		n++;
	return n;
}

int dns_name_under(const uint8_t *name, const uint8_t *origin)
{
	int skip = count_labels(name) - count_labels(origin);
	if (skip < 0)
		return 0;
	while (skip-- > 0)
		name += 1u + name[0];
	return dns_name_eq(name, origin);
}

int dns_name_read(const uint8_t *msg, size_t len, size_t *off, uint8_t *out)
{
	size_t pos = *off, outlen = 0;
	int jumped = 0, hops = 0;

	for (;;) {
		if (pos >= len)
			return -1;
		uint8_t c = msg[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return -1;
			size_t target = ((size_t)(c & 0x3f) << 8) | msg[pos + 1];
			/* Strictly backwards: each jump lowers pos, so this ends; the hop count
			 * bounds the work as well (a name has at most 127 labels). */
			if (target >= pos || ++hops > 127)
				return -1;
			if (!jumped)
				*off = pos + 2;
			jumped = 1;
			pos = target;
			continue;
		}
		if (c & 0xc0)
			return -1; /* 01 and 10: extended and reserved label types */
		if (c > len - pos - 1)
			return -1;
		if (outlen + 1u + c > DNS_MAXNAME)
			return -1;
		out[outlen++] = c;
		for (size_t i = 0; i < c; i++)
			out[outlen++] = msg[pos + 1 + i];
		pos += 1u + c;
		if (c == 0)
			break;
	}
	if (!jumped)
		*off = pos;
	return 0;
}

int dns_name_to_text(const uint8_t *name, char *buf, size_t cap)
{
	size_t o = 0;
	int over = 0;
#define PUT(...)                                                                                   \
	do {                                                                                       \
		int w_ = snprintf(buf + o, o < cap ? cap - o : 0, __VA_ARGS__);                    \
		if (w_ < 0 || o + (size_t)w_ >= cap)                                               \
			over = 1;                                                                  \
		o += (size_t)(w_ < 0 ? 0 : w_);                                                    \
	} while (0)
	if (cap)
		buf[0] = '\0';
	if (!name[0])
		PUT(".");
	for (size_t i = 0; name[i]; i += 1u + name[i]) {
		for (size_t j = 1; j <= name[i]; j++) {
			uint8_t c = name[i + j];
			if (c == '.' || c == '\\')
				PUT("\\%c", c);
			else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '-' || c == '_')
				PUT("%c", c);
			else
				PUT("\\%03u", c);
		}
		PUT(".");
	}
#undef PUT
	return over ? -1 : (int)o;
}
