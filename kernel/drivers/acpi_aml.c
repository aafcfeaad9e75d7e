/* acpi_aml.c: the two pieces of AML the kernel reads: the \_S5_ object, whose package's
 * first two elements are the SLP_TYP values for soft-off (ACPI 6.4 7.4.2, AML encoding in
 * chapter 20), and the Generic Event Device's interrupt and event selector register (5.6.9;
 * resource descriptors in 6.4).
 *
 * No interpreter: scan the DSDT for the bytes "_S5_" preceded by NameOp (optionally with a
 * root '\' or parent '^' prefix) and followed by PackageOp, then decode PkgLength,
 * NumElements and the first two integer elements (ZeroOp, OneOp, BytePrefix, WordPrefix,
 * DWordPrefix). Everything is bounded by the package's own length and the buffer. */
#include "drivers/acpi.h"
#include "core/errno.h"
#include "lib/string.h"

#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME 0x08
#define AML_BYTE 0x0a
#define AML_WORD 0x0b
#define AML_DWORD 0x0c
#define AML_QWORD 0x0e
#define AML_STRING 0x0d
#define AML_BUFFER 0x11
#define AML_PACKAGE 0x12
#define AML_ONES 0xff
#define AML_EXT 0x5b
#define AML_EXT_REGION 0x80
#define AML_EXT_DEVICE 0x82
#define REGION_SYSTEM_MEMORY 0x00
#define RES_EXT_IRQ 0x89 /* Extended Interrupt descriptor (6.4.3.6) */
#define RES_END_TAG 0x79
#define EXT_IRQ_EDGE (1u << 1)
#define EXT_IRQ_ACTIVE_LOW (1u << 2)
#define AML_ROOT_CHAR 0x5c
#define AML_PARENT_CHAR 0x5e

/* PkgLength (20.2.4): bits 7-6 of the lead byte count the bytes that follow. Returns the
 * encoded length and sets *used, or -1 when it runs past end. */
static long pkg_length(const uint8_t *p, const uint8_t *end, size_t *used)
{
	if (p >= end)
		return -1;
	unsigned follow = p[0] >> 6;
	if ((size_t)(end - p) < 1 + follow)
		return -1;
	long len;
	if (follow == 0) {
		len = p[0] & 0x3f;
	} else {
		len = p[0] & 0x0f;
		for (unsigned i = 0; i < follow; i++)
			len |= (long)p[1 + i] << (4 + 8 * i);
	}
	*used = 1 + follow;
	return len;
}

static bool name_op_before(const uint8_t *aml, size_t at)
{
	if (at >= 1 && aml[at - 1] == AML_NAME)
		return true;
	return at >= 2 && aml[at - 2] == AML_NAME &&
	       (aml[at - 1] == AML_ROOT_CHAR || aml[at - 1] == AML_PARENT_CHAR);
}

/* An integer term at *p (ZeroOp, OneOp, OnesOp, Byte/Word/DWord/QWordPrefix), advanced past
 * it; false when it is anything else or runs past end. */
static bool aml_integer(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	size_t size;
	if (q >= end)
		return false;
	switch (q[0]) {
	case AML_ZERO:
	case AML_ONE:
		*v = q[0];
		*p = q + 1;
		return true;
	case AML_ONES:
		*v = ~0ull;
		*p = q + 1;
		return true;
	case AML_BYTE:
		size = 1;
		break;
	case AML_WORD:
		size = 2;
		break;
	case AML_DWORD:
		size = 4;
		break;
	case AML_QWORD:
		size = 8;
		break;
	default:
		return false;
	}
	if ((size_t)(end - q) < 1 + size)
		return false;
	*v = 0;
	for (size_t i = 0; i < size; i++)
		*v |= (uint64_t)q[1 + i] << (8 * i);
	*p = q + 1 + size;
	return true;
}

/* Decode the package that starts at p (PackageOp already checked). */
static int decode_s5(const uint8_t *p, const uint8_t *end, uint8_t *a, uint8_t *b)
{
	size_t used;
	long plen = pkg_length(p + 1, end, &used);
	if (plen < 0 || (size_t)plen < used + 1 || (size_t)plen > (size_t)(end - (p + 1)))
		return -ENOENT;
	const uint8_t *pend = p + 1 + plen; /* PkgLength counts itself and what follows */
	const uint8_t *q = p + 1 + used;
	unsigned count = *q++;
	if (count < 1)
		return -ENOENT;
	uint64_t va, vb = 0;
	if (!aml_integer(&q, pend, &va))
		return -ENOENT;
	if (count < 2 || !aml_integer(&q, pend, &vb))
		vb = 0;
	*a = (uint8_t)(va & 7); /* SLP_TYP is 3 bits */
	*b = (uint8_t)(vb & 7);
	return 0;
}

int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b)
{
	for (size_t i = 0; i + 5 <= len; i++) {
		if (aml[i] != '_' || memcmp(aml + i, "_S5_", 4) != 0 || !name_op_before(aml, i) ||
		    aml[i + 4] != AML_PACKAGE)
			continue;
		if (decode_s5(aml + i + 4, aml + len, slp_typ_a, slp_typ_b) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Where needle (n bytes) first occurs in [p, end), or NULL. */
static const uint8_t *find_bytes(const uint8_t *p, const uint8_t *end, const void *needle, size_t n)
{
	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* Name(_CRS, Buffer(){...}) in [p, end): the first interrupt of its first Extended
 * Interrupt descriptor, walking the descriptors up to the end tag. */
static int ged_irq(const uint8_t *p, const uint8_t *end, struct acpi_ged *out)
{
	static const uint8_t crs[] = {AML_NAME, '_', 'C', 'R', 'S', AML_BUFFER};
	const uint8_t *b = find_bytes(p, end, crs, sizeof(crs));
	if (b == NULL)
		return -ENOENT;
	b += sizeof(crs);
	size_t used;
	long plen = pkg_length(b, end, &used);
	if (plen < 0 || (size_t)plen < used || (size_t)plen > (size_t)(end - b))
		return -ENOENT;
	const uint8_t *bend = b + plen, *q = b + used;
	uint64_t size;
	if (!aml_integer(&q, bend, &size) || size > (uint64_t)(bend - q))
		return -ENOENT;
	bend = q + size;
	while (q < bend && q[0] != RES_END_TAG) {
		size_t hdr = 1, body;
		if (q[0] & 0x80) {
			if (bend - q < 3)
				return -ENOENT;
			hdr = 3;
			body = acpi_get16(q + 1);
		} else {
			body = q[0] & 7;
		}
		if (body > (size_t)(bend - q) - hdr)
			return -ENOENT;
		if (q[0] == RES_EXT_IRQ && body >= 6 && q[4] >= 1) {
			out->level = !(q[3] & EXT_IRQ_EDGE);
			out->active_low = q[3] & EXT_IRQ_ACTIVE_LOW;
			out->gsi = acpi_get32(q + 5);
			return 0;
		}
		q += hdr + body;
	}
	return -ENOENT;
}

/* OperationRegion(NAME, SystemMemory, offset, length) in [p, end): the first one. */
static int ged_region(const uint8_t *p, const uint8_t *end, struct acpi_ged *out)
{
	static const uint8_t op[] = {AML_EXT, AML_EXT_REGION};
	for (const uint8_t *r; (r = find_bytes(p, end, op, sizeof(op))) != NULL; p = r + 1) {
		if ((size_t)(end - r) < sizeof(op) + 4 + 1)
			break;
		const uint8_t *q = r + sizeof(op) + 4; /* a plain NameSeg */
		uint64_t off, len;
		if (q[0] != REGION_SYSTEM_MEMORY)
			continue;
		q++;
		if (!aml_integer(&q, end, &off) || !aml_integer(&q, end, &len) || len < 4 ||
		    off == 0 || off + 4 < off)
			continue;
		out->evt_sel = off;
		return 0;
	}
	return -ENOENT;
}

int acpi_aml_find_ged(const uint8_t *aml, size_t len, struct acpi_ged *out)
{
	static const uint8_t hid[] = {AML_NAME, '_', 'H', 'I', 'D', AML_STRING, 'A', 'C',
				      'P',	'I', '0', '0', '1', '3',	0};
	const uint8_t *end = aml + len;
	for (size_t i = 0; i + 2 < len; i++) {
		if (aml[i] != AML_EXT || aml[i + 1] != AML_EXT_DEVICE)
			continue;
		size_t used;
		long plen = pkg_length(aml + i + 2, end, &used);
		if (plen < 0 || (size_t)plen < used || (size_t)plen > (size_t)(end - (aml + i + 2)))
			continue;
		const uint8_t *body = aml + i + 2 + used, *dend = aml + i + 2 + plen;
		if (find_bytes(body, dend, hid, sizeof(hid)) == NULL)
			continue;
		struct acpi_ged g = {0};
		if (ged_irq(body, dend, &g) == 0 && ged_region(body, dend, &g) == 0) {
			*out = g;
			return 0;
		}
	}
	return -ENOENT;
}
