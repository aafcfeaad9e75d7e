/* test_acpi.c: kernel/drivers/acpi_tables.c and acpi_aml.c over crafted tables: an
 * RSDP (v1 and v2), XSDT and RSDT pointing at FADTs shaped like QEMU's q35 and microvm
 * ones, a MADT with two IOAPICs and source overrides, and AML with \_S5 in the encodings
 * firmware uses; then damaged tables (bad checksums, lengths, pointers) and every
 * truncation of each table in an exact-size heap buffer, so ASan sees any overread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/errno.h"
#include "drivers/acpi.h"

/* Fake physical memory: MEM_SIZE bytes at physical MEM_BASE. */
#define MEM_BASE 0x100000ULL
#define MEM_SIZE 0x10000
static uint8_t mem[MEM_SIZE];

static const void *fake_map(uint64_t pa, uint64_t len, void *arg)
{
	int *calls = arg;
	(*calls)++;
	if (pa < MEM_BASE || len > MEM_SIZE || pa - MEM_BASE > MEM_SIZE - len)
		return NULL;
	return mem + (pa - MEM_BASE);
}

static int map_calls;
static const struct acpi_mem fake_mem = {.map = fake_map, .arg = &map_calls};

static uint8_t *at(uint64_t pa)
{
	return mem + (pa - MEM_BASE);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}
static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* SDT header with a correct checksum (call after the body is written). */
static void seal(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "ISLE  ", 6);
	t[9] = 0;
	t[9] = (uint8_t)-sum(t, len);
}

static void gas(uint8_t *p, uint8_t space, uint8_t width, uint64_t addr)
{
	p[0] = space;
	p[1] = width;
	p[2] = 0;
	p[3] = 0;
	put64(p + 4, addr);
}

#define RSDP_PA (MEM_BASE + 0x40)
#define XSDT_PA (MEM_BASE + 0x100)
#define RSDT_PA (MEM_BASE + 0x200)
#define FACP_BAD_PA (MEM_BASE + 0xf00)
#define FACP_PA (MEM_BASE + 0x1000)
#define APIC_PA (MEM_BASE + 0x2000)
#define DSDT_PA (MEM_BASE + 0x3000)

static void make_rsdp(uint8_t *p, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "ISLE  ", 6);
	p[15] = rev;
	put32(p + 16, rsdt);
	put32(p + 20, 36);
	put64(p + 24, xsdt);
	p[8] = (uint8_t)-sum(p, 20);
	p[32] = (uint8_t)-sum(p, 36);
}

/* microvm-like FADT: revision 5, hardware reduced, GED sleep control at 0xfea00200. */
static void make_fadt_microvm(uint8_t *t)
{
	memset(t, 0, 276);
	put32(t + 112, 0x00100400);
	gas(t + 116, ACPI_SPACE_MEMORY, 8, 0xfea00202); /* reset register */
	t[128] = 0x42;
	put64(t + 140, DSDT_PA);
	gas(t + 244, ACPI_SPACE_MEMORY, 8, 0xfea00200);
	gas(t + 256, ACPI_SPACE_MEMORY, 8, 0xfea00201);
	seal(t, "FACP", 276, 5);
}

static void setup_tables(void)
{
	memset(mem, 0, sizeof(mem));
	make_rsdp(at(RSDP_PA), 2, (uint32_t)RSDT_PA, XSDT_PA);

	/* XSDT: a pointer outside memory, a FACP with a bad checksum, the FACP, the MADT. */
	uint8_t *x = at(XSDT_PA);
	put64(x + 36, 0xdead0000000ULL);
	put64(x + 44, FACP_BAD_PA);
	put64(x + 52, FACP_PA);
	put64(x + 60, APIC_PA);
	seal(x, "XSDT", 68, 1);

	uint8_t *r = at(RSDT_PA);
	put32(r + 36, (uint32_t)APIC_PA);
	put32(r + 40, (uint32_t)FACP_PA);
	seal(r, "RSDT", 44, 1);

	make_fadt_microvm(at(FACP_BAD_PA));
	at(FACP_BAD_PA)[100] ^= 1;
	make_fadt_microvm(at(FACP_PA));

	uint8_t *m = at(APIC_PA), *e = m + 44;
	put32(m + 36, 0xfee00000);
	put32(m + 40, 1);
	e[0] = 0, e[1] = 8, e[2] = 0, e[3] = 0, put32(e + 4, 1), e += 8; /* local APIC */
	e[0] = 1, e[1] = 12, e[2] = 0, put32(e + 4, 0xfec00000), put32(e + 8, 0), e += 12;
	e[0] = 1, e[1] = 12, e[2] = 1, put32(e + 4, 0xfec10000), put32(e + 8, 24), e += 12;
	e[0] = 2, e[1] = 10, e[2] = 0, e[3] = 0, put32(e + 4, 2), put16(e + 8, 0), e += 10;
	e[0] = 2, e[1] = 10, e[2] = 0, e[3] = 9, put32(e + 4, 9), put16(e + 8, 0xd), e += 10;
	e[0] = 2, e[1] = 10, e[2] = 1, e[3] = 5, put32(e + 4, 40), e += 10; /* not ISA: ignored */
	e[0] = 4, e[1] = 6, e[2] = 0xff, e[5] = 1, e += 6;		    /* LAPIC NMI */
	seal(m, "APIC", (uint32_t)(e - m), 1);

	/* DSDT: Scope(\) { Name(_S5, Package(4){5, Zero, Zero, Zero}) } as QEMU microvm. */
	static const uint8_t aml[] = {0x10, 0x0f, 0x5c, 0x08, '_',  'S',  '5',	'_',
				      0x12, 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00};
	uint8_t *d = at(DSDT_PA);
	memcpy(d + 36, aml, sizeof(aml));
	seal(d, "DSDT", 36 + sizeof(aml), 2);
}

static int setup(void **state)
{
	setup_tables();
	return 0;
}

static void test_checksum(void **state)
{
	uint8_t b[4] = {1, 2, 3, (uint8_t)-6};
	assert_true(acpi_checksum_ok(b, 4));
	b[0] = 2;
	assert_false(acpi_checksum_ok(b, 4));
	assert_true(acpi_checksum_ok(b, 0));
}

static void test_rsdp(void **state)
{
	uint64_t root;
	bool x;
	uint8_t *p = at(RSDP_PA);
	assert_int_equal(acpi_rsdp_parse(p, 36, &root, &x), 0);
	assert_true(x);
	assert_int_equal(root, XSDT_PA);

	/* Only 20 bytes readable: the v1 part, RSDT. */
	assert_int_equal(acpi_rsdp_parse(p, 20, &root, &x), 0);
	assert_false(x);
	assert_int_equal(root, RSDT_PA);
	assert_int_equal(acpi_rsdp_parse(p, 19, &root, &x), -EINVAL);

	/* Broken extended checksum: fall back to the RSDT. */
	p[33] ^= 1;
	assert_int_equal(acpi_rsdp_parse(p, 36, &root, &x), 0);
	assert_false(x);
	p[33] ^= 1;

	/* Revision 0 ignores the XSDT field; a zero XSDT address means RSDT. */
	make_rsdp(p, 0, (uint32_t)RSDT_PA, XSDT_PA);
	assert_int_equal(acpi_rsdp_parse(p, 36, &root, &x), 0);
	assert_false(x);
	make_rsdp(p, 2, (uint32_t)RSDT_PA, 0);
	assert_int_equal(acpi_rsdp_parse(p, 36, &root, &x), 0);
	assert_false(x);

	/* Bad signature, bad checksum, no root at all. */
	make_rsdp(p, 2, (uint32_t)RSDT_PA, XSDT_PA);
	p[8] ^= 1;
	assert_int_equal(acpi_rsdp_parse(p, 36, &root, &x), -EINVAL);
	make_rsdp(p, 2, (uint32_t)RSDT_PA, XSDT_PA);
	p[0] = 'r';
	p[8] = (uint8_t)(p[8] - ('r' - 'R'));
	assert_int_equal(acpi_rsdp_parse(p, 36, &root, &x), -EINVAL);
	make_rsdp(p, 0, 0, 0);
	assert_int_equal(acpi_rsdp_parse(p, 36, &root, &x), -EINVAL);
}

static void test_rsdp_scan(void **state)
{
	uint8_t *area = calloc(1, 4096);
	assert_null(acpi_rsdp_scan(area, 4096));
	/* A decoy with a bad checksum, a valid one off the 16-byte grid, then the real one. */
	make_rsdp(area + 0x10, 2, 0x1000, 0);
	area[0x10 + 8] ^= 1;
	make_rsdp(area + 0x28, 2, 0x2000, 0);
	make_rsdp(area + 0x60, 2, 0x3000, 0);
	assert_ptr_equal(acpi_rsdp_scan(area, 4096), area + 0x60);
	free(area);

	/* A v1 RSDP in the last 20 bytes of the area is found and nothing past it is read. */
	uint8_t v1[36];
	make_rsdp(v1, 0, 0x1000, 0);
	area = calloc(1, 4080 + 20);
	memcpy(area + 4080, v1, 20);
	assert_ptr_equal(acpi_rsdp_scan(area, 4080 + 20), area + 4080);
	assert_null(acpi_rsdp_scan(area, 4080 + 19));
	free(area);
}

static void test_table_find(void **state)
{
	uint32_t len;
	const uint8_t *t = acpi_table_find(&fake_mem, XSDT_PA, true, "FACP", &len);
	assert_ptr_equal(t, at(FACP_PA)); /* the bad pointer and bad checksum are skipped */
	assert_int_equal(len, 276);
	t = acpi_table_find(&fake_mem, XSDT_PA, true, "APIC", &len);
	assert_ptr_equal(t, at(APIC_PA));
	assert_null(acpi_table_find(&fake_mem, XSDT_PA, true, "HPET", &len));

	t = acpi_table_find(&fake_mem, RSDT_PA, false, "FACP", &len);
	assert_ptr_equal(t, at(FACP_PA));
	/* The root's own signature must match what the RSDP said it is. */
	assert_null(acpi_table_find(&fake_mem, RSDT_PA, true, "FACP", &len));
	assert_null(acpi_table_find(&fake_mem, 0, true, "FACP", &len));

	/* Lengths: shorter than a header, past the size limit, past mapped memory. */
	uint8_t *f = at(FACP_PA);
	put32(f + 4, 35);
	assert_null(acpi_table_map(&fake_mem, FACP_PA, "FACP", &len));
	put32(f + 4, ACPI_TABLE_MAX + 1);
	assert_null(acpi_table_map(&fake_mem, FACP_PA, "FACP", &len));
	put32(f + 4, MEM_SIZE);
	assert_null(acpi_table_map(&fake_mem, FACP_PA, "FACP", &len));
	make_fadt_microvm(f);
	assert_non_null(acpi_table_map(&fake_mem, FACP_PA, NULL, &len));
	assert_null(acpi_table_map(&fake_mem, FACP_PA, "DSDT", &len));
}

static void test_fadt_microvm(void **state)
{
	struct acpi_fadt_info fi;
	acpi_fadt_parse(at(FACP_PA), 276, &fi);
	assert_true(fi.hw_reduced);
	assert_int_equal(fi.dsdt_pa, DSDT_PA);
	assert_int_equal(fi.pm1a_cnt, 0);
	assert_int_equal(fi.pm1b_cnt, 0);
	assert_int_equal(fi.sleep_control.space, ACPI_SPACE_MEMORY);
	assert_int_equal(fi.sleep_control.bit_width, 8);
	assert_int_equal(fi.sleep_control.address, 0xfea00200);
	assert_int_equal(fi.century, 0);
}

/* q35-like: revision 3, 244 bytes (no sleep registers), PM1a at 0x604, 32-bit DSDT. */
static void test_fadt_q35(void **state)
{
	uint8_t t[244] = {0};
	put32(t + 40, 0x7fe0040);
	put32(t + 64, 0x604);
	t[108] = 0x32;
	put32(t + 112, 0x000084a5);
	gas(t + 172, ACPI_SPACE_IO, 16, 0x604);
	put16(t + 46, 9);     /* SCI_INT */
	put32(t + 48, 0xb2);  /* SMI_CMD */
	t[52] = 0xf1;	      /* ACPI_ENABLE */
	put32(t + 56, 0x600); /* PM1a_EVT_BLK */
	t[88] = 4;	      /* PM1_EVT_LEN */
	put32(t + 80, 0x620); /* GPE0_BLK */
	t[92] = 16;	      /* GPE0_BLK_LEN */
	seal(t, "FACP", sizeof(t), 3);
	struct acpi_fadt_info fi;
	acpi_fadt_parse(t, sizeof(t), &fi);
	assert_int_equal(fi.sci_int, 9);
	assert_int_equal(fi.smi_cmd, 0xb2);
	assert_int_equal(fi.acpi_enable, 0xf1);
	assert_int_equal(fi.pm1a_evt, 0x600);
	assert_int_equal(fi.pm1b_evt, 0);
	assert_int_equal(fi.pm1_evt_len, 4);
	assert_int_equal(fi.gpe0_blk, 0x620);
	assert_int_equal(fi.gpe0_len, 16);
	assert_int_equal(fi.gpe1_blk, 0);
	assert_int_equal(fi.gpe1_len, 0);
	assert_false(fi.hw_reduced);
	assert_int_equal(fi.dsdt_pa, 0x7fe0040);
	assert_int_equal(fi.pm1a_cnt, 0x604);
	assert_int_equal(fi.pm1b_cnt, 0);
	assert_int_equal(fi.century, 0x32);
	assert_int_equal(fi.sleep_control.address, 0);

	/* Only the X_ field says where PM1a is: used when it is in I/O space. */
	put32(t + 64, 0);
	gas(t + 172, ACPI_SPACE_IO, 16, 0xb004);
	acpi_fadt_parse(t, sizeof(t), &fi);
	assert_int_equal(fi.pm1a_cnt, 0xb004);
	gas(t + 172, ACPI_SPACE_MEMORY, 16, 0xb004);
	acpi_fadt_parse(t, sizeof(t), &fi);
	assert_int_equal(fi.pm1a_cnt, 0);
	/* A 32-bit port number that is not a port. */
	put32(t + 64, 0x12345);
	acpi_fadt_parse(t, sizeof(t), &fi);
	assert_int_equal(fi.pm1a_cnt, 0);
}

static void test_fadt_truncated(void **state)
{
	for (uint32_t len = 0; len <= 276; len++) {
		uint8_t *t = malloc(len ? len : 1);
		memcpy(t, at(FACP_PA), len);
		struct acpi_fadt_info fi;
		acpi_fadt_parse(t, len, &fi);
		assert_int_equal(fi.hw_reduced, len >= 116);
		assert_int_equal(fi.sleep_control.address, len >= 256 ? 0xfea00200 : 0);
		free(t);
	}
}

static void test_madt(void **state)
{
	uint32_t len;
	const uint8_t *t = acpi_table_find(&fake_mem, XSDT_PA, true, "APIC", &len);
	assert_non_null(t);
	struct acpi_madt_info mi;
	acpi_madt_parse(t, len, &mi);
	assert_int_equal(mi.lapic_address, 0xfee00000);
	assert_true(mi.pcat_compat);
	assert_int_equal(mi.n_ioapics, 2);
	assert_int_equal(mi.ioapic[0].address, 0xfec00000);
	assert_int_equal(mi.ioapic[0].gsi_base, 0);
	assert_int_equal(mi.ioapic[1].id, 1);
	assert_int_equal(mi.ioapic[1].address, 0xfec10000);
	assert_int_equal(mi.ioapic[1].gsi_base, 24);
	assert_int_equal(mi.n_overrides, 2);
	assert_int_equal(mi.override[0].isa_irq, 0);
	assert_int_equal(mi.override[0].gsi, 2);
	assert_int_equal(mi.override[1].isa_irq, 9);
	assert_int_equal(mi.override[1].flags & ACPI_MPS_POLARITY_MASK, 1); /* active high */
	assert_int_equal(mi.override[1].flags & ACPI_MPS_TRIGGER_MASK, ACPI_MPS_LEVEL);

	/* Every truncation parses only whole entries, in an exact-size buffer. */
	for (uint32_t n = 0; n <= len; n++) {
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, t, n);
		acpi_madt_parse(b, n, &mi);
		assert_true(mi.n_ioapics <= 2);
		if (n < 44 + 8 + 12)
			assert_int_equal(mi.n_ioapics, 0);
		free(b);
	}
}

static void test_madt_damaged(void **state)
{
	uint8_t t[44 + 12 * 10 + 12] = {0};
	put32(t + 36, 0xfee00000);
	/* Ten IOAPICs: only ACPI_MAX_IOAPICS are kept. */
	for (int i = 0; i < 10; i++) {
		uint8_t *e = t + 44 + 12 * i;
		e[0] = 1, e[1] = 12, e[2] = (uint8_t)i, put32(e + 4, 0xfec00000 + 0x1000 * i);
	}
	uint8_t *e = t + 44 + 120; /* local APIC address override */
	e[0] = 5, e[1] = 12, put64(e + 4, 0x100000000ULL);
	struct acpi_madt_info mi;
	acpi_madt_parse(t, sizeof(t), &mi);
	assert_int_equal(mi.n_ioapics, ACPI_MAX_IOAPICS);
	assert_int_equal(mi.lapic_address, 0x100000000ULL);

	/* A zero-length entry ends the walk (it would never advance). */
	t[44 + 12 * 2 + 1] = 0;
	acpi_madt_parse(t, sizeof(t), &mi);
	assert_int_equal(mi.n_ioapics, 2);
	/* An entry running past the table ends it too. */
	t[44 + 12 * 2 + 1] = 12;
	t[44 + 120 + 1] = 13;
	acpi_madt_parse(t, sizeof(t), &mi);
	assert_int_equal(mi.lapic_address, 0xfee00000);
}

/* AML: decode from an exact-size heap copy so ASan catches any read past the end. */
static int s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, aml, len);
	int r = acpi_aml_find_s5(copy, len, a, b);
	free(copy);
	return r;
}

static void test_aml_s5(void **state)
{
	uint8_t a, b;
	/* QEMU q35/pc: Name(_S5_, Package(4){Zero, Zero, Zero, Zero}) at the top level. */
	static const uint8_t q35[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
	assert_int_equal(s5(q35, sizeof(q35), &a, &b), 0);
	assert_int_equal(a, 0);
	assert_int_equal(b, 0);

	/* Root prefix, BytePrefix values (microvm: 5; laptops: 7, 7). */
	static const uint8_t root[] = {0x08, 0x5c, '_',	 'S',  '5',  '_',  0x12, 0x08,
				       0x04, 0x0a, 0x07, 0x0a, 0x07, 0x00, 0x00};
	assert_int_equal(s5(root, sizeof(root), &a, &b), 0);
	assert_int_equal(a, 7);
	assert_int_equal(b, 7);

	/* OneOp and WordPrefix; a two-byte PkgLength (bits 7-6 = 01). */
	static const uint8_t word[] = {0x08, '_',  'S',	 '5',  '_',  0x12, 0x47,
				       0x00, 0x02, 0x01, 0x0b, 0x06, 0x00};
	assert_int_equal(s5(word, sizeof(word), &a, &b), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 6);

	/* One element: b is 0. */
	static const uint8_t one[] = {0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 0x05};
	assert_int_equal(s5(one, sizeof(one), &a, &b), 0);
	assert_int_equal(a, 5);
	assert_int_equal(b, 0);

	/* "_S5_" inside a string and as a method call are skipped; the real one is found. */
	static const uint8_t decoys[] = {0x0d, '_',  'S',  '5',	 '_',  0x00, 0x70, '_',
					 'S',  '5',  '_',  0x60, 0x08, '_',  'S',  '5',
					 '_',  0x12, 0x05, 0x02, 0x0a, 0x03, 0x00};
	assert_int_equal(s5(decoys, sizeof(decoys), &a, &b), 0);
	assert_int_equal(a, 3);
}

static void test_aml_bad(void **state)
{
	uint8_t a, b;
	assert_int_equal(s5(NULL, 0, &a, &b), -ENOENT);
	static const uint8_t none[] = {0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
	assert_int_equal(s5(none, sizeof(none), &a, &b), -ENOENT);
	/* Not a package; a package of names; zero elements; length past the buffer. */
	static const uint8_t notpkg[] = {0x08, '_', 'S', '5', '_', 0x0a, 0x05};
	assert_int_equal(s5(notpkg, sizeof(notpkg), &a, &b), -ENOENT);
	static const uint8_t names[] = {0x08, '_',  'S', '5', '_', 0x12,
					0x07, 0x01, 'S', 'L', 'P', 'A'};
	assert_int_equal(s5(names, sizeof(names), &a, &b), -ENOENT);
	static const uint8_t empty[] = {0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00};
	assert_int_equal(s5(empty, sizeof(empty), &a, &b), -ENOENT);
	static const uint8_t longpkg[] = {0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x04, 0x0a, 0x05};
	assert_int_equal(s5(longpkg, sizeof(longpkg), &a, &b), -ENOENT);
	static const uint8_t four_byte_len[] = {0x08, '_',  'S',  '5',	'_',
						0x12, 0xcf, 0xff, 0xff, 0xff};
	assert_int_equal(s5(four_byte_len, sizeof(four_byte_len), &a, &b), -ENOENT);

	/* Every truncation of a valid object: found only when whole, never an overread. */
	static const uint8_t full[] = {0x08, 0x5c, '_',	 'S',  '5',  '_',  0x12, 0x08,
				       0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};
	for (size_t n = 0; n <= sizeof(full); n++)
		assert_int_equal(s5(full, n, &a, &b), n == sizeof(full) ? 0 : -ENOENT);
}

/* The whole path as acpi_init takes it: RSDP -> XSDT -> FACP -> DSDT -> \_S5. */
static void test_end_to_end(void **state)
{
	uint64_t root;
	bool x;
	const void *rsdp = acpi_rsdp_scan(mem, MEM_SIZE);
	assert_ptr_equal(rsdp, at(RSDP_PA));
	assert_int_equal(acpi_rsdp_parse(rsdp, 36, &root, &x), 0);
	uint32_t len;
	const uint8_t *f = acpi_table_find(&fake_mem, root, x, "FACP", &len);
	assert_non_null(f);
	struct acpi_fadt_info fi;
	acpi_fadt_parse(f, len, &fi);
	const uint8_t *d = acpi_table_map(&fake_mem, fi.dsdt_pa, "DSDT", &len);
	assert_non_null(d);
	uint8_t a, b;
	assert_int_equal(
		acpi_aml_find_s5(d + ACPI_SDT_HEADER_SIZE, len - ACPI_SDT_HEADER_SIZE, &a, &b), 0);
	assert_int_equal(a, 5);
	assert_int_equal(b, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum),
		cmocka_unit_test_setup(test_rsdp, setup),
		cmocka_unit_test(test_rsdp_scan),
		cmocka_unit_test_setup(test_table_find, setup),
		cmocka_unit_test_setup(test_fadt_microvm, setup),
		cmocka_unit_test(test_fadt_q35),
		cmocka_unit_test_setup(test_fadt_truncated, setup),
		cmocka_unit_test_setup(test_madt, setup),
		cmocka_unit_test(test_madt_damaged),
		cmocka_unit_test(test_aml_s5),
		cmocka_unit_test(test_aml_bad),
		cmocka_unit_test_setup(test_end_to_end, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
