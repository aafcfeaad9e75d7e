/* dns.h: the DNS server's wire constants, zone model and the contracts of its modules
 * (name.c: wire names, msg.c: response builder with compression, query.c: query parser,
 * zone.c: zone file loader, answer.c: authoritative answers). Everything that reads
 * network bytes checks bounds itself; nothing here allocates per query. */
#ifndef DNS_H
#define DNS_H

#include <stddef.h>
#include <stdint.h>

#define DNS_HDR_LEN 12
#define DNS_MAXNAME 255 /* wire length of a name, root byte included (RFC 1035 2.3.4) */
#define DNS_MAXLABEL 63
#define DNS_UDP_MIN 512	  /* the size every client accepts (RFC 1035 4.2.1) */
#define DNS_UDP_MAX 4096  /* the largest EDNS payload this server answers with */
#define DNS_TCP_MAX 65535 /* a TCP message's 2-byte length prefix (RFC 1035 4.2.2) */

enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_OPT = 41,
	DNS_T_ANY = 255,
};

#define DNS_C_IN 1
#define DNS_C_ANY 255

enum dns_rcode {
	DNS_R_NOERROR = 0,
	DNS_R_FORMERR = 1,
	DNS_R_SERVFAIL = 2,
	DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4,
	DNS_R_REFUSED = 5,
	DNS_R_BADVERS = 16, /* extended: the upper 8 bits go in the OPT record */
};

/* Header flag bits (RFC 1035 4.1.1), in the 16-bit flags word. */
#define DNS_F_QR 0x8000
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_OPCODE(f) (((f) >> 11) & 0xf)

/* ---- name.c: names in uncompressed wire form (length-prefixed labels, root 0). ---- */

/* Length in bytes of a well-formed uncompressed name (one the server built itself). */
size_t dns_name_len(const uint8_t *name);

/* 1 when a and b are the same name, ASCII case ignored (RFC 4343), else 0. */
int dns_name_eq(const uint8_t *a, const uint8_t *b);

/* 1 when name equals origin or lies below it (whole labels), else 0. */
int dns_name_under(const uint8_t *name, const uint8_t *origin);

/* Read the possibly compressed name at msg[*off] (msg is len bytes, untrusted) into out
 * (DNS_MAXNAME bytes) uncompressed. On success *off moves past the name in place (past
 * the first pointer, if any) and 0 is returned. -1 for: running past len, a label over
 * 63 bytes, a label type other than 00/11, a name over 255 bytes, or a pointer that does
 * not point strictly backwards of the place it was read from (so no loops, no forward
 * references). */
int dns_name_read(const uint8_t *msg, size_t len, size_t *off, uint8_t *out);

/* Write name as text ("www.example.test.", "." for the root; bytes other than letters,
 * digits, '-' and '_' as \DDD, '.' and '\' escaped) into buf of size cap; returns the
 * text length, or -1 when it does not fit (buf then holds a truncated string). */
int dns_name_to_text(const uint8_t *name, char *buf, size_t cap);

/* ---- zone.c: the zone, loaded once at start and read-only afterwards. ---- */

struct dns_rr {
	uint8_t owner[DNS_MAXNAME]; /* uncompressed wire form, case as in the file */
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t *rdata; /* wire form with uncompressed names; owned by the zone */
	int line;	/* where the zone file defines it, for messages */
};

struct dns_zone {
	uint8_t origin[DNS_MAXNAME]; /* the apex: the SOA's owner */
	struct dns_rr *rr;
	size_t n, cap;
	size_t soa; /* index of the SOA record in rr */
};

/* Load the master file at path (the subset documented in README.md) into z. Returns 0,
 * or -1 with a message "PATH:LINE: what is wrong" (at most errcap bytes) in err; z is
 * left empty on failure. Checks: one SOA, NS at the apex, every owner inside the zone,
 * no CNAME beside other data, names and labels within RFC 1035 limits. */
int dns_zone_load(struct dns_zone *z, const char *path, char *err, size_t errcap);

/* Same as dns_zone_load on the text (len bytes, need not be NUL-terminated); name is
 * what error messages call it. */
int dns_zone_parse(struct dns_zone *z, const char *text, size_t len, const char *name, char *err,
		   size_t errcap);

/* Free what a zone holds (safe on an empty or zeroed zone). */
void dns_zone_free(struct dns_zone *z);

/* ---- query.c: what a query asks, parsed from untrusted bytes. ---- */

struct dns_query {
	uint16_t id;
	uint16_t flags;
	uint8_t qname[DNS_MAXNAME];
	size_t question_len; /* the question's bytes as sent (header excluded) */
	uint16_t qtype, qclass;
	int edns;	   /* 1 when an OPT record came with the query */
	uint16_t udp_size; /* the OPT's payload size, at least DNS_UDP_MIN */
	uint8_t edns_version;
};

/* Parse the len-byte query p into q. Returns -1 when the packet must be dropped (shorter
 * than a header, or a response: QR set), else the rcode to answer with: NOERROR (q fully
 * filled), NOTIMP (opcode not QUERY; q->id/flags set), FORMERR (QDCOUNT != 1, answer or
 * authority records present, a bad name, truncated sections, more than one OPT, an OPT
 * not owned by the root; q->id/flags set). */
int dns_query_parse(const uint8_t *p, size_t len, struct dns_query *q);

/* ---- msg.c: building a response with name compression (RFC 1035 4.1.4). ---- */

#define DNS_MSG_PTRS 128

struct dns_msg {
	uint8_t *buf;
	size_t len, cap;
	uint16_t ptr[DNS_MSG_PTRS];	/* offsets of names written so far, for compression */
	uint16_t ptr_len[DNS_MSG_PTRS]; /* the uncompressed wire length of the name there */
	int nptr;
};

/* Start a message in buf (cap bytes, at least DNS_HDR_LEN) with a zeroed header. */
void dns_msg_init(struct dns_msg *m, uint8_t *buf, size_t cap);

/* Append name (uncompressed), pointing to an earlier copy of its longest known suffix.
 * Returns 0, or -1 when it does not fit (m->len is then unchanged). */
int dns_msg_put_name(struct dns_msg *m, const uint8_t *name);

/* Append a whole resource record of class IN with its owner, ttl and rdata, compressing
 * the names inside NS, CNAME, MX and SOA rdata. Returns 0, or -1 when it does not fit
 * (the message is then as before the call). */
int dns_msg_put_rr(struct dns_msg *m, const uint8_t *owner, uint16_t type, uint32_t ttl,
		   const uint8_t *rdata, uint16_t rdlen);

/* Store a 16-bit value at off (big-endian), inside the header. */
void dns_msg_set16(struct dns_msg *m, size_t off, uint16_t v);

/* ---- answer.c ---- */

/* Answer the len-byte query p from z into out (cap bytes, at least DNS_UDP_MIN). tcp
 * says the transport: UDP answers fit 512 bytes, or the EDNS size up to DNS_UDP_MAX
 * (and cap), with TC set when the answer or authority section was cut; TCP answers up to
 * min(cap, 65535). Returns the response length, or 0 when nothing must be sent. */
size_t dns_answer(const struct dns_zone *z, const uint8_t *p, size_t len, uint8_t *out, size_t cap,
		  int tcp);

#endif
