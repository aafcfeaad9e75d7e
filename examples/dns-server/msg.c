/* msg.c: building a response. Names are compressed (RFC 1035 4.1.4): every label
 * sequence written is remembered by offset, and a later name ends in a pointer to the
 * longest suffix already present. Writes never pass the capacity; a record that does
 * not fit leaves the message as it was, so the caller can set TC and stop. */
#include "dns.h"

#include <string.h>

void dns_msg_init(struct dns_msg *m, uint8_t *buf, size_t cap)
{
	m->buf = buf;
	m->cap = cap;
	m->len = DNS_HDR_LEN;
	m->nptr = 0;
	memset(buf, 0, DNS_HDR_LEN);
}

void dns_msg_set16(struct dns_msg *m, size_t off, uint16_t v)
{
	m->buf[off] = (uint8_t)(v >> 8);
	m->buf[off + 1] = (uint8_t)v;
}

static int put(struct dns_msg *m, const void *p, size_t n)
{
	if (n > m->cap - m->len)
		return -1;
	memcpy(m->buf + m->len, p, n);
	m->len += n;
	return 0;
}

static int put16(struct dns_msg *m, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	return put(m, b, 2);
}

static uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* 1 when the name written at message offset at equals name (uncompressed). Only names
 * this file wrote are followed, so the pointers are known to be good. */
static int same_at(const struct dns_msg *m, size_t at, const uint8_t *name)
{
	for (;;) {
		uint8_t c = m->buf[at];
		if ((c & 0xc0) == 0xc0) {
			at = ((size_t)(c & 0x3f) << 8) | m->buf[at + 1];
			continue;
		}
		if (c != name[0])
			return 0;
		if (c == 0)
			return 1;
		for (size_t i = 1; i <= c; i++)
			if (lower(m->buf[at + i]) != lower(name[i]))
				return 0;
		at += 1u + c;
		name += 1u + c;
	}
}

/* A suffix is looked up only among names complete before this one (the first nptr): a
 * label sequence this call is still writing continues into bytes not written yet, stale
 * data of an earlier message in a reused buffer; comparing against it matched garbage or
 * looped on stale pointers (the fuzzer's timeouts in same_at). Only a remembered name of
 * the suffix's own length can equal it, so few candidates reach the byte compare. */
int dns_msg_put_name(struct dns_msg *m, const uint8_t *name)
{
	size_t start = m->len, total = dns_name_len(name);
	int nptr = m->nptr;

	for (size_t i = 0; name[i]; i += 1u + name[i]) {
		for (int k = 0; k < nptr; k++) {
			if (m->ptr_len[k] == total - i && same_at(m, m->ptr[k], name + i)) {
				if (put16(m, (uint16_t)(0xc000 | m->ptr[k])) < 0)
					goto full;
				return 0;
			}
		}
		if (m->len < 0x4000 && m->nptr < DNS_MSG_PTRS) {
			m->ptr[m->nptr] = (uint16_t)m->len;
			m->ptr_len[m->nptr++] = (uint16_t)(total - i);
		}
		if (put(m, name + i, 1u + name[i]) < 0)
			goto full;
	}
	if (put(m, "", 1) == 0)
		return 0;
full:
	m->len = start;
	m->nptr = nptr;
	return -1;
}

static int put_rdata(struct dns_msg *m, uint16_t type, const uint8_t *rd, uint16_t rdlen)
{
	switch (type) {
	case DNS_T_NS:
	case DNS_T_CNAME:
		return dns_msg_put_name(m, rd);
	case DNS_T_MX:
		if (put(m, rd, 2) < 0)
			return -1;
		return dns_msg_put_name(m, rd + 2);
	case DNS_T_SOA: {
		size_t l1 = dns_name_len(rd), l2 = dns_name_len(rd + l1);
		if (dns_msg_put_name(m, rd) < 0 || dns_msg_put_name(m, rd + l1) < 0)
			return -1;
		return put(m, rd + l1 + l2, 20);
	}
	default:
		return put(m, rd, rdlen);
	}
}

int dns_msg_put_rr(struct dns_msg *m, const uint8_t *owner, uint16_t type, uint32_t ttl,
		   const uint8_t *rdata, uint16_t rdlen)
{
	size_t start = m->len;
	int nptr = m->nptr;
	uint8_t fixed[10] = {(uint8_t)(type >> 8),
			     (uint8_t)type,
			     0,
			     DNS_C_IN,
			     (uint8_t)(ttl >> 24),
			     (uint8_t)(ttl >> 16),
			     (uint8_t)(ttl >> 8),
			     (uint8_t)ttl,
			     0,
			     0};

	if (dns_msg_put_name(m, owner) < 0 || put(m, fixed, sizeof fixed) < 0)
		goto full;
	size_t rdstart = m->len;
	if (put_rdata(m, type, rdata, rdlen) < 0)
		goto full;
	dns_msg_set16(m, rdstart - 2, (uint16_t)(m->len - rdstart));
	return 0;
full:
	m->len = start;
	m->nptr = nptr;
	return -1;
}
