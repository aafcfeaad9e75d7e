/* zone.c: the zone file loader. A subset of the RFC 1035 5 master file format: $ORIGIN,
 * $TTL, comments, parentheses joining lines, quoted strings, '@', relative names, an
 * owner left out by starting the line with a blank, TTL and class (IN only) in either
 * order, and the types A, AAAA, NS, CNAME, MX, SOA and TXT. Tokens are split here;
 * record data is built in rdata.c. Errors name the file and line. */
#include "zone_parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_RECORDS 100000
#define MAX_FILE (16u << 20)

int zp_fail(struct zp *c, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errcap, "%s:%d: ", c->name, line);
	if (n < 0 || (size_t)n >= c->errcap)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errcap - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Split the next logical line (parentheses join physical lines) into c->tok. Returns 1
 * with a line, 0 at the end of the text, -1 on a lexical error. */
static int next_line(struct zp *c, const char *t, size_t len, size_t *pos)
{
	int depth = 0;
	size_t p = *pos;

	c->ntok = 0;
	c->lineno = c->next_lineno;
	c->indented = p < len && is_space(t[p]);
	if (p >= len)
		return 0;
	for (;;) {
		if (p >= len) {
			if (depth)
				return zp_fail(c, c->lineno,
					       "'(' not closed before the end of the file");
			break;
		}
		char ch = t[p];
		if (ch == '\n') {
			c->next_lineno++;
			p++;
			if (!depth)
				break;
			continue;
		}
		if (is_space(ch)) {
			p++;
		} else if (ch == ';') {
			while (p < len && t[p] != '\n')
				p++;
		} else if (ch == '(') {
			depth++;
			p++;
		} else if (ch == ')') {
			if (!depth)
				return zp_fail(c, c->next_lineno, "')' without '('");
			depth--;
			p++;
		} else {
			int quoted = ch == '"';
			size_t start = quoted ? ++p : p;
			while (p < len) {
				ch = t[p];
				if (quoted ? ch == '"'
					   : (is_space(ch) || ch == '\n' || ch == ';' ||
					      ch == '(' || ch == ')' || ch == '"'))
					break;
				if (ch == '\n')
					return zp_fail(c, c->next_lineno,
						       "string not closed on its line");
				p += (ch == '\\' && p + 1 < len && t[p + 1] != '\n') ? 2 : 1;
			}
			if (quoted && p >= len)
				return zp_fail(c, c->next_lineno,
					       "string not closed before the end of the file");
			if (c->ntok == ZP_MAXTOK)
				return zp_fail(c, c->lineno, "more than %d fields in one record",
					       ZP_MAXTOK);
			c->tok[c->ntok++] = (struct zp_tok){t + start, p - start, quoted};
			if (quoted)
				p++;
		}
	}
	*pos = p;
	return 1;
}

static int tok_is(const struct zp_tok *k, const char *word)
{
	return k->len == strlen(word) && !strncasecmp(k->s, word, k->len);
}

static int add_rr(struct zp *c, const uint8_t *owner, uint16_t type, uint32_t ttl)
{
	struct dns_zone *z = c->z;
	if (z->n == MAX_RECORDS)
		return zp_fail(c, c->lineno, "more than %d records", MAX_RECORDS);
	if (z->n == z->cap) {
		size_t ncap = z->cap ? z->cap * 2 : 64;
		struct dns_rr *nrr = realloc(z->rr, ncap * sizeof *nrr);
		if (!nrr)
			return zp_fail(c, c->lineno, "out of memory");
		z->rr = nrr;
		z->cap = ncap;
	}
	struct dns_rr *rr = &z->rr[z->n];
	memcpy(rr->owner, owner, dns_name_len(owner));
	rr->type = type;
	rr->ttl = ttl;
	rr->rdlen = (uint16_t)c->rdlen;
	rr->line = c->lineno;
	rr->rdata = malloc(c->rdlen ? c->rdlen : 1);
	if (!rr->rdata)
		return zp_fail(c, c->lineno, "out of memory");
	memcpy(rr->rdata, c->rd, c->rdlen);
	z->n++;
	return 0;
}

static int directive(struct zp *c)
{
	const struct zp_tok *k = &c->tok[0];
	if (tok_is(k, "$ORIGIN")) {
		if (c->ntok != 2)
			return zp_fail(c, c->lineno, "$ORIGIN takes one name");
		uint8_t o[DNS_MAXNAME];
		if (zp_name(c, &c->tok[1], o) < 0)
			return -1;
		memcpy(c->origin, o, sizeof o);
		c->have_origin = 1;
		return 0;
	}
	if (tok_is(k, "$TTL")) {
		if (c->ntok != 2)
			return zp_fail(c, c->lineno, "$TTL takes one number");
		if (zp_number(c, &c->tok[1], ZP_TTL_MAX, "TTL", &c->default_ttl) < 0)
			return -1;
		c->have_ttl = 1;
		return 0;
	}
	return zp_fail(c, c->lineno, "unsupported directive '%.*s' (only $ORIGIN and $TTL)",
		       (int)k->len, k->s);
}

static int record(struct zp *c)
{
	int i = 0, have_ttl = 0;
	uint32_t ttl = 0;
	uint16_t type = 0;
	uint8_t owner[DNS_MAXNAME];

	if (c->indented) {
		if (!c->have_owner)
			return zp_fail(c, c->lineno,
				       "no owner name (the line starts with a blank "
				       "and no record came before)");
		memcpy(owner, c->owner, sizeof owner);
	} else {
		if (zp_name(c, &c->tok[0], owner) < 0)
			return -1;
		i = 1;
	}
	for (; i < c->ntok && !type; i++) {
		const struct zp_tok *k = &c->tok[i];
		if (k->len && k->s[0] >= '0' && k->s[0] <= '9' && !k->quoted) {
			if (have_ttl)
				return zp_fail(c, c->lineno, "two TTLs in one record");
			if (zp_number(c, k, ZP_TTL_MAX, "TTL", &ttl) < 0)
				return -1;
			have_ttl = 1;
		} else if (tok_is(k, "IN")) {
			continue;
		} else if (tok_is(k, "CH") || tok_is(k, "HS") || tok_is(k, "CS") ||
			   tok_is(k, "ANY")) {
			return zp_fail(c, c->lineno, "class %.*s not supported (only IN)",
				       (int)k->len, k->s);
		} else {
			type = zp_type(k);
			if (!type)
				return zp_fail(
					c, c->lineno,
					"unknown record type '%.*s' (supported: A AAAA CNAME "
					"MX NS SOA TXT)",
					(int)k->len, k->s);
		}
	}
	if (!type)
		return zp_fail(c, c->lineno, "no record type");
	/* No TTL: $TTL (RFC 2308 4), else the last one given (RFC 1035 5.1). */
	if (have_ttl) {
		c->last_ttl = ttl;
		c->have_last = 1;
	} else if (c->have_ttl) {
		ttl = c->default_ttl;
	} else if (c->have_last) {
		ttl = c->last_ttl;
	} else {
		return zp_fail(c, c->lineno, "no TTL: give one or set $TTL first");
	}
	if (zp_rdata(c, type, &c->tok[i], c->ntok - i) < 0)
		return -1;
	memcpy(c->owner, owner, sizeof owner);
	c->have_owner = 1;
	if (type == DNS_T_SOA) {
		if (c->nsoa++)
			return zp_fail(c, c->lineno, "a second SOA record");
		c->z->soa = c->z->n;
	}
	return add_rr(c, owner, type, ttl);
}

/* Every record under the apex, the first error in file order; sets *ns when the apex
 * has an NS record. clash: cname_clashes. */
static int check_records(struct zp *c, const size_t *clash, char *text, size_t cap, int *ns)
{
	struct dns_zone *z = c->z;

	memcpy(z->origin, z->rr[z->soa].owner, sizeof z->origin);
	for (size_t i = 0; i < z->n; i++) {
		const struct dns_rr *rr = &z->rr[i];
		if (!dns_name_under(rr->owner, z->origin)) {
			dns_name_to_text(rr->owner, text, cap);
			return zp_fail(c, rr->line, "%s is outside the zone (the SOA's owner)",
				       text);
		}
		if (rr->type == DNS_T_NS && dns_name_eq(rr->owner, z->origin))
			*ns = 1;
		if (clash[i] != SIZE_MAX) {
			int other = z->rr[clash[i]].line;
			dns_name_to_text(rr->owner, text, cap);
			return zp_fail(c, rr->line > other ? rr->line : other,
				       "%s has a CNAME and other records (RFC 1034 3.6.2)", text);
		}
	}
	return 0;
}

/* Owner order for the CNAME rule: case-insensitive, then file order (a total order that
 * puts records with the same owner next to each other). */
static const struct dns_zone *order_zone;

static int by_owner(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const uint8_t *x = order_zone->rr[a].owner, *y = order_zone->rr[b].owner;
	size_t lx = dns_name_len(x), ly = dns_name_len(y);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	for (size_t i = 0; i < lx; i++) {
		int cx = tolower(x[i]), cy = tolower(y[i]);
		if (cx != cy)
			return cx - cy;
	}
	return (a > b) - (a < b);
}

/* For every CNAME record that shares its owner with another record, the first such other
 * record (file order) in clash[i]; SIZE_MAX otherwise. Sorting keeps this O(n log n):
 * comparing every pair made a large zone take minutes to load. */
static int cname_clashes(const struct dns_zone *z, size_t *clash)
{
	size_t *idx = malloc(z->n * sizeof *idx);
	if (!idx)
		return -1;
	for (size_t i = 0; i < z->n; i++) {
		idx[i] = i;
		clash[i] = SIZE_MAX;
	}
	order_zone = z;
	qsort(idx, z->n, sizeof *idx, by_owner);
	for (size_t g = 0, e; g < z->n; g = e) {
		for (e = g + 1; e < z->n && dns_name_eq(z->rr[idx[e]].owner, z->rr[idx[g]].owner);)
			e++;
		if (e - g < 2)
			continue;
		for (size_t k = g; k < e; k++) /* the group is in file order */
			if (z->rr[idx[k]].type == DNS_T_CNAME)
				clash[idx[k]] = idx[k == g ? g + 1 : g];
	}
	free(idx);
	return 0;
}

/* Zone-wide rules, once everything is read. */
static int check(struct zp *c)
{
	struct dns_zone *z = c->z;
	char text[1024];
	int ns = 0;

	if (!c->nsoa) {
		snprintf(c->err, c->errcap, "%s: no SOA record (it names the zone)", c->name);
		return -1;
	}
	size_t *clash = malloc(z->n * sizeof *clash);
	if (!clash || cname_clashes(z, clash) < 0) {
		free(clash);
		snprintf(c->err, c->errcap, "%s: out of memory", c->name);
		return -1;
	}
	int r = check_records(c, clash, text, sizeof text, &ns);
	free(clash);
	if (r < 0)
		return -1;
	if (!ns) {
		dns_name_to_text(z->origin, text, sizeof text);
		snprintf(c->err, c->errcap, "%s: no NS record at the apex %s", c->name, text);
		return -1;
	}
	return 0;
}

int dns_zone_parse(struct dns_zone *z, const char *text, size_t len, const char *name, char *err,
		   size_t errcap)
{
	struct zp *c = calloc(1, sizeof *c);
	size_t pos = 0;
	int r;

	memset(z, 0, sizeof *z);
	if (!c) {
		snprintf(err, errcap, "%s: out of memory", name);
		return -1;
	}
	c->z = z;
	c->name = name;
	c->err = err;
	c->errcap = errcap;
	c->next_lineno = 1;
	while ((r = next_line(c, text, len, &pos)) > 0) {
		if (!c->ntok)
			continue;
		if (!c->indented && c->tok[0].len && c->tok[0].s[0] == '$' && !c->tok[0].quoted)
			r = directive(c);
		else
			r = record(c);
		if (r < 0)
			break;
	}
	if (r == 0)
		r = check(c);
	free(c);
	if (r < 0)
		dns_zone_free(z);
	return r;
}

int dns_zone_load(struct dns_zone *z, const char *path, char *err, size_t errcap)
{
	memset(z, 0, sizeof *z);
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errcap, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char *buf = malloc(MAX_FILE + 1);
	size_t n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
	int bad = !buf || ferror(f);
	fclose(f);
	if (bad || n > MAX_FILE) {
		snprintf(err, errcap, "%s: %s", path,
			 !buf		? "out of memory"
			 : n > MAX_FILE ? "larger than 16 MiB"
					: "read error");
		free(buf);
		return -1;
	}
	int r = dns_zone_parse(z, buf, n, path, err, errcap);
	free(buf);
	return r;
}

void dns_zone_free(struct dns_zone *z)
{
	for (size_t i = 0; i < z->n; i++)
		free(z->rr[i].rdata);
	free(z->rr);
	memset(z, 0, sizeof *z);
}
