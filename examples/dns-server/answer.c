/* answer.c: authoritative answers from the zone (RFC 1034 4.3.2 without delegation or
 * wildcards): records of the asked type, CNAMEs followed inside the zone, NXDOMAIN or
 * NODATA with the SOA in authority (negative TTL per RFC 2308), A/AAAA of in-zone NS
 * and MX targets as additional data, REFUSED outside the zone, and the header rules:
 * ID, opcode and RD copied, QR set, RA clear. */
#include "dns.h"

#include <string.h>

#define MAX_CNAME_HOPS 8
#define OPT_LEN 11 /* root owner, type, class, ttl, rdlen 0 */

struct build {
	const struct dns_zone *z;
	struct dns_msg m;
	uint16_t count[3]; /* answer, authority, additional */
	int tc;
};

static int add(struct build *b, int section, const struct dns_rr *rr, uint32_t ttl)
{
	if (b->tc)
		return -1;
	if (dns_msg_put_rr(&b->m, rr->owner, rr->type, ttl, rr->rdata, rr->rdlen) < 0) {
		if (section < 2)
			b->tc = 1; /* additional data may be dropped without TC (RFC 2181 9) */
		return -1;
	}
	b->count[section]++;
	return 0;
}

static int name_exists(const struct dns_zone *z, const uint8_t *name)
{
	for (size_t i = 0; i < z->n; i++)
		if (dns_name_under(z->rr[i].owner, name))
			return 1; /* the name itself, or an empty non-terminal above a name */
	return 0;
}

static void add_soa(struct build *b)
{
	const struct dns_rr *soa = &b->z->rr[b->z->soa];
	const uint8_t *mn = soa->rdata + soa->rdlen - 4;
	uint32_t min =
		((uint32_t)mn[0] << 24) | ((uint32_t)mn[1] << 16) | ((uint32_t)mn[2] << 8) | mn[3];
	add(b, 1, soa, soa->ttl < min ? soa->ttl : min);
}

static void add_glue(struct build *b, const struct dns_rr *rr)
{
	const uint8_t *target;
	if (rr->type == DNS_T_NS)
		target = rr->rdata;
	else if (rr->type == DNS_T_MX)
		target = rr->rdata + 2;
	else
		return;
	for (size_t i = 0; i < b->z->n; i++) {
		const struct dns_rr *g = &b->z->rr[i];
		if ((g->type == DNS_T_A || g->type == DNS_T_AAAA) && dns_name_eq(g->owner, target))
			add(b, 2, g, g->ttl);
	}
}

/* Fill answer and authority for qname/qtype; returns the rcode. */
static int resolve(struct build *b, const uint8_t *qname, uint16_t qtype)
{
	const struct dns_zone *z = b->z;
	const uint8_t *name = qname;
	size_t nanswer = 0;
	size_t answers[64];

	for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
		const struct dns_rr *cname = NULL;
		int found = 0, matched = 0;
		for (size_t i = 0; i < z->n; i++) {
			const struct dns_rr *rr = &z->rr[i];
			if (!dns_name_eq(rr->owner, name))
				continue;
			found = 1;
			if (rr->type == DNS_T_CNAME && qtype != DNS_T_CNAME && qtype != DNS_T_ANY)
				cname = rr;
		}
		if (!found) {
			add_soa(b);
			return name_exists(z, name) ? DNS_R_NOERROR : DNS_R_NXDOMAIN;
		}
		if (cname) {
			add(b, 0, cname, cname->ttl);
			name = cname->rdata;
			if (!dns_name_under(name, z->origin))
				return DNS_R_NOERROR; /* the resolver goes on from there */
			continue;
		}
		for (size_t i = 0; i < z->n; i++) {
			const struct dns_rr *rr = &z->rr[i];
			if (dns_name_eq(rr->owner, name) &&
			    (rr->type == qtype || qtype == DNS_T_ANY)) {
				if (add(b, 0, rr, rr->ttl) == 0 && nanswer < 64)
					answers[nanswer++] = i;
				matched = 1;
			}
		}
		if (!matched)
			add_soa(b);
		break;
	}
	for (size_t i = 0; i < nanswer; i++)
		add_glue(b, &z->rr[answers[i]]);
	return DNS_R_NOERROR;
}

size_t dns_answer(const struct dns_zone *z, const uint8_t *p, size_t len, uint8_t *out, size_t cap,
		  int tcp)
{
	struct dns_query q;
	struct build b = {.z = z};
	int rcode = dns_query_parse(p, len, &q);

	if (rcode < 0)
		return 0;
	size_t limit = tcp ? DNS_TCP_MAX : DNS_UDP_MIN;
	if (!tcp && q.edns)
		limit = q.udp_size > DNS_UDP_MAX ? DNS_UDP_MAX : q.udp_size;
	if (limit > cap)
		limit = cap;
	/* Keep room for the OPT record, added last. */
	dns_msg_init(&b.m, out, q.edns ? limit - OPT_LEN : limit);

	uint16_t flags = DNS_F_QR | (q.flags & (0xf << 11)) | (q.flags & DNS_F_RD);
	int question = 0;
	if (rcode == DNS_R_NOERROR) {
		question = 1;
		dns_msg_put_name(&b.m, q.qname); /* first in the message: always fits */
		uint8_t tc[4] = {(uint8_t)(q.qtype >> 8), (uint8_t)q.qtype,
				 (uint8_t)(q.qclass >> 8), (uint8_t)q.qclass};
		memcpy(b.m.buf + b.m.len, tc, 4);
		b.m.len += 4;
		if (q.edns && q.edns_version != 0)
			rcode = DNS_R_BADVERS;
		else if ((q.qclass != DNS_C_IN && q.qclass != DNS_C_ANY) ||
			 !dns_name_under(q.qname, z->origin))
			rcode = DNS_R_REFUSED;
		else if (q.qtype == DNS_T_OPT)
			rcode = DNS_R_FORMERR;
		else if (q.qtype >= 251 && q.qtype <= 254)
			rcode = DNS_R_NOTIMP; /* IXFR, AXFR, MAILB, MAILA: no transfers here */
		else {
			flags |= DNS_F_AA;
			rcode = resolve(&b, q.qname, q.qtype);
		}
	}
	if (b.tc)
		flags |= DNS_F_TC;
	flags |= (uint16_t)(rcode & 0xf);
	dns_msg_set16(&b.m, 0, q.id);
	dns_msg_set16(&b.m, 2, flags);
	dns_msg_set16(&b.m, 4, (uint16_t)question);
	dns_msg_set16(&b.m, 6, b.count[0]);
	dns_msg_set16(&b.m, 8, b.count[1]);
	if (q.edns) {
		uint8_t opt[OPT_LEN] = {0,
					0,
					DNS_T_OPT,
					DNS_UDP_MAX >> 8,
					DNS_UDP_MAX & 0xff,
					(uint8_t)(rcode >> 4),
					0,
					0,
					0,
					0,
					0};
		memcpy(out + b.m.len, opt, OPT_LEN);
		b.m.len += OPT_LEN;
		b.count[2]++;
	}
	dns_msg_set16(&b.m, 10, b.count[2]);
	return b.m.len;
}
