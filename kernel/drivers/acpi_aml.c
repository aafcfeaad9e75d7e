/* acpi_aml.c: the one piece of AML the kernel reads: the \_S5_ object, whose package's
 * first two elements are the SLP_TYP values for soft-off (ACPI 6.4 7.4.2, AML encoding in
 * chapter 20).
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
#define AML_PACKAGE 0x12
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

/* One integer package element at *p (advanced past it); -1 when not a plain integer. */
static long int_element(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *q = *p;
	if (q >= end)
		return -1;
	size_t size;
	switch (q[0]) {
	case AML_ZERO:
		*p = q + 1;
		return 0;
	case AML_ONE:
		*p = q + 1;
		return 1;
	case AML_BYTE:
		size = 1;
		break;
	case AML_WORD:
		size = 2;
		break;
	case AML_DWORD:
		size = 4;
		break;
	default:
		return -1;
	}
	if ((size_t)(end - q) < 1 + size)
		return -1;
	long v = 0;
	for (size_t i = 0; i < size; i++)
		v |= (long)q[1 + i] << (8 * i);
	*p = q + 1 + size;
	return v;
}

static bool name_op_before(const uint8_t *aml, size_t at)
{
	if (at >= 1 && aml[at - 1] == AML_NAME)
		return true;
	return at >= 2 && aml[at - 2] == AML_NAME &&
	       (aml[at - 1] == AML_ROOT_CHAR || aml[at - 1] == AML_PARENT_CHAR);
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
	long va = int_element(&q, pend);
	if (va < 0)
		return -ENOENT;
	long vb = count >= 2 ? int_element(&q, pend) : 0;
	*a = (uint8_t)(va & 7);
	*b = vb < 0 ? 0 : (uint8_t)(vb & 7);
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
