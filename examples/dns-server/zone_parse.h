/* zone_parse.h: the zone loader's internal state, shared by zone.c (lines, directives,
 * records, zone-wide checks) and rdata.c (names, numbers and record data from tokens). */
#ifndef ZONE_PARSE_H
#define ZONE_PARSE_H

#include "dns.h"

#define ZP_MAXTOK 256
#define ZP_MAXRDATA 16384
#define ZP_TTL_MAX 2147483647u /* RFC 2181 8 */

struct zp_tok {
	const char *s; /* into the file text; quotes excluded, escapes not yet resolved */
	size_t len;
	int quoted;
};

struct zp {
	struct dns_zone *z;
	const char *name;
	char *err;
	size_t errcap;
	int lineno, next_lineno, indented;
	struct zp_tok tok[ZP_MAXTOK];
	int ntok;
	uint8_t origin[DNS_MAXNAME], owner[DNS_MAXNAME];
	int have_origin, have_owner, have_ttl, nsoa;
	uint32_t default_ttl; /* $TTL (have_ttl) */
	uint32_t last_ttl;    /* the last TTL a record gave (have_last) */
	int have_last;
	uint8_t rd[ZP_MAXRDATA];
	size_t rdlen;
};

/* Write "PATH:LINE: message" into c->err; returns -1. */
int zp_fail(struct zp *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The name k means ('@', relative to $ORIGIN, or absolute) in wire form into out.
 * 0, or -1 with the error set. */
int zp_name(struct zp *c, const struct zp_tok *k, uint8_t *out);

/* A decimal number from 0 to max; what names it in messages. 0, or -1 with the error. */
int zp_number(struct zp *c, const struct zp_tok *k, uint32_t max, const char *what, uint32_t *out);

/* The type a mnemonic names (case ignored), or 0 for one not supported. */
uint16_t zp_type(const struct zp_tok *k);

/* Build the rdata of a record of type from its n fields into c->rd/c->rdlen. 0, or -1
 * with the error set. */
int zp_rdata(struct zp *c, uint16_t type, const struct zp_tok *k, int n);

#endif
