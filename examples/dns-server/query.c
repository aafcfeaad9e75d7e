/* query.c: parsing a query from untrusted bytes. Every read is bounds-checked against
 * the datagram or TCP message length; the only sections accepted are one question and
 * an additional section (of which only an OPT record, RFC 6891, is used). */
#include "dns.h"

#include <string.h>

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* Skip one resource record at *off; fill the fields the caller wants. */
static int read_rr(const uint8_t *p, size_t len, size_t *off, uint8_t *owner, uint16_t *type,
		   uint16_t *class, uint32_t *ttl)
{
	if (dns_name_read(p, len, off, owner) < 0)
		return -1;
	if (len - *off < 10)
		return -1;
	const uint8_t *f = p + *off;
	*type = get16(f);
	*class = get16(f + 2);
	*ttl = ((uint32_t)f[4] << 24) | ((uint32_t)f[5] << 16) | ((uint32_t)f[6] << 8) | f[7];
	uint16_t rdlen = get16(f + 8);
	*off += 10;
	if (rdlen > len - *off)
		return -1;
	*off += rdlen;
	return 0;
}

int dns_query_parse(const uint8_t *p, size_t len, struct dns_query *q)
{
	memset(q, 0, sizeof *q);
	if (len < DNS_HDR_LEN)
		return -1;
	q->id = get16(p);
	q->flags = get16(p + 2);
	if (q->flags & DNS_F_QR)
		return -1; /* a response: answering it could start a loop */
	if (DNS_OPCODE(q->flags) != 0)
		return DNS_R_NOTIMP;
	uint16_t qd = get16(p + 4), an = get16(p + 6), ns = get16(p + 8), ar = get16(p + 10);
	if (qd != 1 || an != 0 || ns != 0)
		return DNS_R_FORMERR;

	size_t off = DNS_HDR_LEN;
	if (dns_name_read(p, len, &off, q->qname) < 0 || len - off < 4)
		return DNS_R_FORMERR;
	q->qtype = get16(p + off);
	q->qclass = get16(p + off + 2);
	off += 4;
	q->question_len = off - DNS_HDR_LEN;

	for (unsigned i = 0; i < ar; i++) {
		uint8_t owner[DNS_MAXNAME];
		uint16_t type, class;
		uint32_t ttl;
		if (read_rr(p, len, &off, owner, &type, &class, &ttl) < 0)
			return DNS_R_FORMERR;
		if (type != DNS_T_OPT)
			continue; /* TSIG and others: not used here */
		if (q->edns || owner[0] != 0)
			return DNS_R_FORMERR; /* RFC 6891 6.1.1 */
		q->edns = 1;
		q->udp_size = class < DNS_UDP_MIN ? DNS_UDP_MIN : class;
		q->edns_version = (uint8_t)(ttl >> 16);
	}
	return DNS_R_NOERROR;
}
