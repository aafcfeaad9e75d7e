/* rdata.c: from zone file tokens to wire form: names (escapes \X and \DDD, '@',
 * relative names), decimal numbers, and the record data of A, AAAA, NS, CNAME, MX, SOA
 * and TXT (each string up to 255 bytes; a longer one is split into 255-byte strings). */
#include "zone_parse.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

/* One byte of token text at *i, resolving an escape; -1 for a bad escape. */
static int next_byte(struct zp *c, const struct zp_tok *k, size_t *i, int *escaped)
{
	unsigned char ch = (unsigned char)k->s[*i];
	*escaped = 0;
	if (ch != '\\') {
		(*i)++;
		return ch;
	}
	*escaped = 1;
	if (*i + 1 >= k->len)
		return zp_fail(c, c->lineno, "'\\' at the end of '%.*s'", (int)k->len, k->s);
	if (k->s[*i + 1] >= '0' && k->s[*i + 1] <= '9') {
		unsigned v = 0;
		for (int d = 1; d <= 3; d++) {
			char dc = *i + (size_t)d < k->len ? k->s[*i + (size_t)d] : 0;
			if (dc < '0' || dc > '9')
				return zp_fail(c, c->lineno, "\\DDD needs three digits in '%.*s'",
					       (int)k->len, k->s);
			v = v * 10 + (unsigned)(dc - '0');
		}
		if (v > 255)
			return zp_fail(c, c->lineno, "\\%u is over 255 in '%.*s'", v, (int)k->len,
				       k->s);
		*i += 4;
		return (int)v;
	}
	*i += 2;
	return (unsigned char)k->s[*i - 1];
}

int zp_name(struct zp *c, const struct zp_tok *k, uint8_t *out)
{
	size_t i = 0, o = 1, lab = 0;
	int absolute = 0;

	if (k->quoted || !k->len)
		return zp_fail(c, c->lineno, "a name cannot be a quoted string");
	if (k->len == 1 && k->s[0] == '@') {
		if (!c->have_origin)
			return zp_fail(c, c->lineno, "'@' with no $ORIGIN");
		memcpy(out, c->origin, dns_name_len(c->origin));
		return 0;
	}
	if (k->len == 1 && k->s[0] == '.') {
		out[0] = 0;
		return 0;
	}
	out[0] = 0;
	while (i < k->len) {
		int esc, b = next_byte(c, k, &i, &esc);
		if (b < 0)
			return -1;
		if (b == '.' && !esc) {
			if (!out[lab])
				return zp_fail(c, c->lineno, "empty label in '%.*s'", (int)k->len,
					       k->s);
			if (i == k->len) {
				absolute = 1;
				break;
			}
			lab = o++;
			if (o > DNS_MAXNAME - 1)
				goto toolong;
			out[lab] = 0;
			continue;
		}
		if (out[lab] == DNS_MAXLABEL)
			return zp_fail(c, c->lineno, "a label over 63 bytes in '%.*s'", (int)k->len,
				       k->s);
		if (o >= DNS_MAXNAME - 1)
			goto toolong;
		out[o++] = (uint8_t)b;
		out[lab]++;
	}
	if (!absolute) {
		if (!c->have_origin)
			return zp_fail(c, c->lineno, "relative name '%.*s' with no $ORIGIN",
				       (int)k->len, k->s);
		size_t ol = dns_name_len(c->origin);
		if (o + ol > DNS_MAXNAME)
			goto toolong;
		memcpy(out + o, c->origin, ol);
		return 0;
	}
	out[o] = 0;
	return 0;
toolong:
	return zp_fail(c, c->lineno, "name '%.*s' is over 255 bytes", (int)k->len, k->s);
}

int zp_number(struct zp *c, const struct zp_tok *k, uint32_t max, const char *what, uint32_t *out)
{
	uint64_t v = 0;
	if (!k->len || k->quoted)
		goto bad;
	for (size_t i = 0; i < k->len; i++) {
		if (k->s[i] < '0' || k->s[i] > '9')
			goto bad;
		v = v * 10 + (uint64_t)(k->s[i] - '0');
		if (v > max)
			return zp_fail(c, c->lineno, "%s %.*s is over %u", what, (int)k->len, k->s,
				       max);
	}
	*out = (uint32_t)v;
	return 0;
bad:
	return zp_fail(c, c->lineno, "%s '%.*s' is not a decimal number", what, (int)k->len, k->s);
}

static const struct {
	const char *name;
	uint16_t type;
} types[] = {
	{"A", DNS_T_A},	  {"AAAA", DNS_T_AAAA}, {"NS", DNS_T_NS},   {"CNAME", DNS_T_CNAME},
	{"MX", DNS_T_MX}, {"SOA", DNS_T_SOA},	{"TXT", DNS_T_TXT},
};

uint16_t zp_type(const struct zp_tok *k)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (!k->quoted && strlen(types[i].name) == k->len &&
		    !strncasecmp(types[i].name, k->s, k->len))
			return types[i].type;
	return 0;
}

static int put(struct zp *c, const void *p, size_t n)
{
	if (n > ZP_MAXRDATA - c->rdlen)
		return zp_fail(c, c->lineno, "record data over %d bytes", ZP_MAXRDATA);
	memcpy(c->rd + c->rdlen, p, n);
	c->rdlen += n;
	return 0;
}

static int put_name(struct zp *c, const struct zp_tok *k)
{
	uint8_t n[DNS_MAXNAME];
	if (zp_name(c, k, n) < 0)
		return -1;
	return put(c, n, dns_name_len(n));
}

static int put_u(struct zp *c, const struct zp_tok *k, uint32_t max, const char *what, int bytes)
{
	uint32_t v;
	if (zp_number(c, k, max, what, &v) < 0)
		return -1;
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	return put(c, b + 4 - bytes, (size_t)bytes);
}

static int put_txt(struct zp *c, const struct zp_tok *k)
{
	uint8_t s[256];
	size_t i = 0, n = 0;
	int esc;
	/* An empty string is one zero-length character-string. */
	do {
		if (i < k->len) {
			int b = next_byte(c, k, &i, &esc);
			if (b < 0)
				return -1;
			s[1 + n++] = (uint8_t)b;
		}
		if (n == 255 || i >= k->len) {
			s[0] = (uint8_t)n;
			if (put(c, s, 1 + n) < 0)
				return -1;
			n = 0;
		}
	} while (i < k->len);
	return 0;
}

static const char *const usage[] = {
	[DNS_T_A] = "A takes one IPv4 address",
	[DNS_T_AAAA] = "AAAA takes one IPv6 address",
	[DNS_T_NS] = "NS takes one name",
	[DNS_T_CNAME] = "CNAME takes one name",
	[DNS_T_MX] = "MX takes a preference (0-65535) and a name",
	[DNS_T_SOA] = "SOA takes MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM",
	[DNS_T_TXT] = "TXT takes one or more strings",
};

int zp_rdata(struct zp *c, uint16_t type, const struct zp_tok *k, int n)
{
	static const int want[] = {[DNS_T_A] = 1,     [DNS_T_AAAA] = 1, [DNS_T_NS] = 1,
				   [DNS_T_CNAME] = 1, [DNS_T_MX] = 2,	[DNS_T_SOA] = 7};
	char text[64];
	c->rdlen = 0;

	if (type == DNS_T_TXT ? n < 1 : n != want[type])
		return zp_fail(c, c->lineno, "%s (got %d fields)", usage[type], n);
	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA: {
		uint8_t addr[16];
		int fam = type == DNS_T_A ? AF_INET : AF_INET6;
		if (k[0].len >= sizeof text || k[0].quoted)
			goto badaddr;
		memcpy(text, k[0].s, k[0].len);
		text[k[0].len] = '\0';
		if (inet_pton(fam, text, addr) != 1)
			goto badaddr;
		return put(c, addr, type == DNS_T_A ? 4 : 16);
	}
	case DNS_T_NS:
	case DNS_T_CNAME:
		return put_name(c, &k[0]);
	case DNS_T_MX:
		if (put_u(c, &k[0], 65535, "MX preference", 2) < 0)
			return -1;
		return put_name(c, &k[1]);
	case DNS_T_SOA:
		if (put_name(c, &k[0]) < 0 || put_name(c, &k[1]) < 0)
			return -1;
		for (int i = 2; i < 7; i++)
			if (put_u(c, &k[i], 0xffffffffu, "SOA field", 4) < 0)
				return -1;
		return 0;
	default:
		for (int i = 0; i < n; i++)
			if (put_txt(c, &k[i]) < 0)
				return -1;
		return 0;
	}
badaddr:
	return zp_fail(c, c->lineno, "'%.*s' is not an IPv%d address", (int)k[0].len, k[0].s,
		       type == DNS_T_A ? 4 : 6);
}
