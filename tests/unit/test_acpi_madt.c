/* test_acpi_madt.c: the processor entries of kernel/drivers/acpi_tables.c's MADT parser
 * (what smp.c starts): Processor Local APIC and Local x2APIC entries shaped like QEMU's
 * for -smp N, the Enabled / Online Capable flags, duplicates, the ACPI_MAX_CPUS limit,
 * short entries, and every truncation of a table in an exact-size heap buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/acpi.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A MADT under construction: header (44 bytes), then entries. */
static uint8_t table[44 + 16 * 80];
static uint32_t used;

static void begin(void)
{
	memset(table, 0, sizeof(table));
	memcpy(table, "APIC", 4);
	put32(table + 36, 0xfee00000);
	put32(table + 40, 1);
	used = 44;
}

static void lapic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint8_t *e = table + used;
	e[0] = 0, e[1] = 8, e[2] = uid, e[3] = apic_id, put32(e + 4, flags);
	used += 8;
}

static void x2apic(uint32_t apic_id, uint32_t flags, uint32_t uid)
{
	uint8_t *e = table + used;
	e[0] = 9, e[1] = 16, put32(e + 4, apic_id), put32(e + 8, flags), put32(e + 12, uid);
	used += 16;
}

static void ioapic(void)
{
	uint8_t *e = table + used;
	e[0] = 1, e[1] = 12, e[2] = 0, put32(e + 4, 0xfec00000), put32(e + 8, 0);
	used += 12;
}

static void parse(struct acpi_madt_info *mi)
{
	put32(table + 4, used);
	acpi_madt_parse(table, used, mi);
}

/* QEMU -smp 4: one Enabled Processor Local APIC entry per CPU, UID = APIC ID. */
static void test_qemu_smp4(void **state)
{
	struct acpi_madt_info mi;
	begin();
	for (uint8_t i = 0; i < 4; i++)
		lapic(i, i, 1);
	ioapic();
	parse(&mi);
	assert_int_equal(mi.n_cpus, 4);
	assert_int_equal(mi.n_ioapics, 1);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(mi.cpu[i].apic_id, i);
		assert_int_equal(mi.cpu[i].uid, i);
		assert_true(mi.cpu[i].enabled);
		assert_false(mi.cpu[i].online_capable);
	}
	assert_int_equal(mi.n_cpus_dropped, 0);
}

static void test_flags(void **state)
{
	struct acpi_madt_info mi;
	begin();
	lapic(0, 0, 1);
	lapic(1, 2, 0); /* neither flag: not usable, skipped */
	lapic(2, 4, 2); /* online capable: listed, not enabled */
	lapic(3, 6, 3); /* both (not allowed by the spec): enabled wins */
	lapic(4, 0, 1); /* the same APIC ID again: skipped */
	parse(&mi);
	assert_int_equal(mi.n_cpus, 3);
	assert_int_equal(mi.cpu[0].apic_id, 0);
	assert_int_equal(mi.cpu[1].apic_id, 4);
	assert_false(mi.cpu[1].enabled);
	assert_true(mi.cpu[1].online_capable);
	assert_int_equal(mi.cpu[2].apic_id, 6);
	assert_true(mi.cpu[2].enabled);
	assert_false(mi.cpu[2].online_capable);
}

static void test_x2apic(void **state)
{
	struct acpi_madt_info mi;
	begin();
	lapic(0, 0, 1);
	x2apic(300, 1, 7);
	x2apic(0, 1, 0);       /* duplicate of the local APIC entry */
	x2apic(0x10000, 0, 8); /* not usable */
	x2apic(0x12345678, 2, 9);
	parse(&mi);
	assert_int_equal(mi.n_cpus, 3);
	assert_int_equal(mi.cpu[1].apic_id, 300);
	assert_int_equal(mi.cpu[1].uid, 7);
	assert_true(mi.cpu[1].enabled);
	assert_int_equal(mi.cpu[2].apic_id, 0x12345678);
	assert_true(mi.cpu[2].online_capable);
}

static void test_limit(void **state)
{
	struct acpi_madt_info mi;
	begin();
	for (unsigned i = 0; i < 70; i++)
		x2apic(i, 1, i);
	parse(&mi);
	assert_int_equal(mi.n_cpus, ACPI_MAX_CPUS);
	assert_int_equal(mi.n_cpus_dropped, 70 - ACPI_MAX_CPUS);
	assert_int_equal(mi.cpu[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1);
}

/* Entries shorter than their type needs are skipped; the walk goes on after them. */
static void test_short_entries(void **state)
{
	struct acpi_madt_info mi;
	begin();
	uint8_t *e = table + used;
	e[0] = 0, e[1] = 6, e[2] = 1, e[3] = 1; /* local APIC without flags */
	used += 6;
	e = table + used;
	e[0] = 9, e[1] = 12, put32(e + 4, 2), put32(e + 8, 1); /* x2APIC without UID */
	used += 12;
	lapic(3, 3, 1);
	parse(&mi);
	assert_int_equal(mi.n_cpus, 1);
	assert_int_equal(mi.cpu[0].apic_id, 3);
}

static void test_truncations(void **state)
{
	struct acpi_madt_info mi;
	begin();
	lapic(0, 0, 1);
	x2apic(1, 1, 1);
	lapic(2, 2, 1);
	put32(table + 4, used);
	for (uint32_t n = 0; n <= used; n++) {
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, table, n);
		acpi_madt_parse(b, n, &mi);
		unsigned want = n >= 44 + 8 + 16 + 8 ? 3
				: n >= 44 + 8 + 16   ? 2
				: n >= 44 + 8	     ? 1
						     : 0;
		assert_int_equal(mi.n_cpus, want);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_smp4),     cmocka_unit_test(test_flags),
		cmocka_unit_test(test_x2apic),	      cmocka_unit_test(test_limit),
		cmocka_unit_test(test_short_entries), cmocka_unit_test(test_truncations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
