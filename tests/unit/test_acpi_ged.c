/* test_acpi_ged.c: acpi_aml_find_ged (kernel/drivers/acpi_aml.c) over AML encoded by hand
 * from the ACPI 6.4 grammar (chapter 20) and resource descriptors (6.4.3.6), shaped like
 * QEMU microvm's GED (docs/specs/acpi_hw_reduced_hotplug.rst): the interrupt and event
 * selector found, decoys skipped, other encodings, damaged devices refused, and every
 * truncation in an exact-size heap buffer so ASan sees any overread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/errno.h"
#include "drivers/acpi.h"

struct aml {
	uint8_t b[1024];
	size_t n;
};

static void emit(struct aml *a, const void *p, size_t n)
{
	assert_true(a->n + n <= sizeof(a->b));
	memcpy(a->b + a->n, p, n);
	a->n += n;
}

/* PkgLength in its two-byte form (valid for any length < 4096): 0x40 | low nibble, then
 * the next 8 bits. len counts these two bytes and what follows. */
static void pkglen2(struct aml *a, size_t len)
{
	uint8_t p[2] = {(uint8_t)(0x40 | (len & 0xf)), (uint8_t)(len >> 4)};
	assert_true(len < 4096);
	emit(a, p, 2);
}

/* Device(name) { body } */
static void device(struct aml *a, const char name[4], const struct aml *body)
{
	static const uint8_t op[] = {0x5b, 0x82};
	emit(a, op, 2);
	pkglen2(a, 2 + 4 + body->n);
	emit(a, name, 4);
	emit(a, body->b, body->n);
}

/* Name(_HID, "hid") */
static void hid(struct aml *a, const char *s)
{
	static const uint8_t name[] = {0x08, '_', 'H', 'I', 'D', 0x0d};
	emit(a, name, sizeof(name));
	emit(a, s, strlen(s) + 1);
}

/* Name(_CRS, Buffer(){descriptors..., EndTag}) */
static void crs(struct aml *a, const uint8_t *desc, size_t n)
{
	static const uint8_t name[] = {0x08, '_', 'C', 'R', 'S', 0x11};
	static const uint8_t end_tag[] = {0x79, 0x00};
	uint8_t size[2] = {0x0a, (uint8_t)(n + 2)};
	emit(a, name, sizeof(name));
	pkglen2(a, 2 + 2 + n + 2);
	emit(a, size, 2);
	emit(a, desc, n);
	emit(a, end_tag, 2);
}

/* Interrupt(ResourceConsumer, Edge, ActiveHigh, Exclusive) {9}: flags 0x03. */
static const uint8_t ext_irq_9[] = {0x89, 0x06, 0x00, 0x03, 0x01, 0x09, 0x00, 0x00, 0x00};
/* OperationRegion(EREG, SystemMemory, 0xFEA00000, 0x04) */
static const uint8_t ereg[] = {0x5b, 0x80, 'E',	 'R',  'E',  'G',  0x00,
			       0x0c, 0x00, 0x00, 0xa0, 0xfe, 0x0a, 0x04};
/* Field(EREG, DWordAcc, NoLock, WriteAsZeros) { ESEL, 32 } */
static const uint8_t field[] = {0x5b, 0x81, 0x0b, 'E', 'R', 'E', 'G',
				0x03, 'E',  'S',  'E', 'L', 0x20};

/* QEMU microvm's shape: a serial port device first, then GED, then the power button. */
static void microvm_dsdt(struct aml *out)
{
	struct aml com = {0}, ged = {0}, pwrb = {0};
	static const uint8_t io_irq4[] = {0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03,
					  0x00, 0x08, 0x22, 0x10, 0x00};
	hid(&com, "PNP0501");
	crs(&com, io_irq4, sizeof(io_irq4));
	hid(&ged, "ACPI0013");
	static const uint8_t uid[] = {0x08, '_', 'U', 'I', 'D', 0x0d, 'G', 'E', 'D', 0x00};
	emit(&ged, uid, sizeof(uid));
	crs(&ged, ext_irq_9, sizeof(ext_irq_9));
	emit(&ged, ereg, sizeof(ereg));
	emit(&ged, field, sizeof(field));
	hid(&pwrb, "PNP0C0C");
	device(out, "COM1", &com);
	device(out, "GED_", &ged);
	device(out, "PWRB", &pwrb);
}

/* acpi_aml_find_ged over an exact-size heap copy. */
static int find(const uint8_t *aml, size_t n, struct acpi_ged *g)
{
	uint8_t *copy = malloc(n ? n : 1);
	if (n)
		memcpy(copy, aml, n);
	int r = acpi_aml_find_ged(copy, n, g);
	free(copy);
	return r;
}

static void test_ged_microvm(void **state)
{
	struct aml a = {0};
	struct acpi_ged g;
	microvm_dsdt(&a);
	assert_int_equal(find(a.b, a.n, &g), 0);
	assert_int_equal(g.evt_sel, 0xfea00000);
	assert_int_equal(g.gsi, 9);
	assert_false(g.level);
	assert_false(g.active_low);
}

static void test_ged_encodings(void **state)
{
	/* Level, active low, GSI 40, a QWordPrefix address, an IRQ descriptor before it. */
	struct aml body = {0}, a = {0};
	struct acpi_ged g;
	static const uint8_t desc[] = {0x22, 0x10, 0x00, /* IRQNoFlags {4}: skipped */
				       0x89, 0x06, 0x00, 0x05, 0x01, 40, 0x00, 0x00, 0x00};
	static const uint8_t region[] = {0x5b, 0x80, 'E',  'R',	 'E',  'G',  0x00, 0x0e, 0x00,
					 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x04};
	hid(&body, "ACPI0013");
	crs(&body, desc, sizeof(desc));
	emit(&body, region, sizeof(region));
	device(&a, "GED_", &body);
	assert_int_equal(find(a.b, a.n, &g), 0);
	assert_int_equal(g.evt_sel, 0x100001000ull);
	assert_int_equal(g.gsi, 40);
	assert_true(g.level);
	assert_true(g.active_low);
}

static void test_ged_missing_parts(void **state)
{
	struct acpi_ged g;
	assert_int_equal(find(NULL, 0, &g), -ENOENT);
	/* No _CRS; no region; an I/O-space region; a region too small; another _HID. */
	static struct aml parts[5], dev[5];
	memset(parts, 0, sizeof(parts));
	memset(dev, 0, sizeof(dev));
	static const uint8_t io_region[] = {0x5b, 0x80, 'E',  'R',  'E',  'G',
					    0x01, 0x0b, 0x00, 0x06, 0x0a, 0x04};
	static const uint8_t small_region[] = {0x5b, 0x80, 'E',	 'R',  'E',  'G',  0x00,
					       0x0c, 0x00, 0x00, 0xa0, 0xfe, 0x0a, 0x02};
	hid(&parts[0], "ACPI0013");
	emit(&parts[0], ereg, sizeof(ereg));
	hid(&parts[1], "ACPI0013");
	crs(&parts[1], ext_irq_9, sizeof(ext_irq_9));
	hid(&parts[2], "ACPI0013");
	crs(&parts[2], ext_irq_9, sizeof(ext_irq_9));
	emit(&parts[2], io_region, sizeof(io_region));
	hid(&parts[3], "ACPI0013");
	crs(&parts[3], ext_irq_9, sizeof(ext_irq_9));
	emit(&parts[3], small_region, sizeof(small_region));
	hid(&parts[4], "ACPI0012");
	crs(&parts[4], ext_irq_9, sizeof(ext_irq_9));
	emit(&parts[4], ereg, sizeof(ereg));
	for (int i = 0; i < 5; i++) {
		device(&dev[i], "GED_", &parts[i]);
		assert_int_equal(find(dev[i].b, dev[i].n, &g), -ENOENT);
	}

	/* A descriptor whose length runs past the buffer; zero interrupts. */
	struct aml body = {0}, a = {0};
	static const uint8_t overlong[] = {0x89, 0x40, 0x00, 0x03, 0x01, 0x09, 0x00, 0x00, 0x00};
	hid(&body, "ACPI0013");
	crs(&body, overlong, sizeof(overlong));
	emit(&body, ereg, sizeof(ereg));
	device(&a, "GED_", &body);
	assert_int_equal(find(a.b, a.n, &g), -ENOENT);
	struct aml body0 = {0}, a0 = {0};
	static const uint8_t none[] = {0x89, 0x02, 0x00, 0x03, 0x00};
	hid(&body0, "ACPI0013");
	crs(&body0, none, sizeof(none));
	emit(&body0, ereg, sizeof(ereg));
	device(&a0, "GED_", &body0);
	assert_int_equal(find(a0.b, a0.n, &g), -ENOENT);
}

static void test_ged_truncated(void **state)
{
	struct aml a = {0};
	struct acpi_ged g;
	microvm_dsdt(&a);
	/* The GED's package ends where PWRB begins: found from then on, never before. */
	size_t pwrb = a.n - (2 + 2 + 4 + 6 + sizeof("PNP0C0C"));
	for (size_t n = 0; n <= a.n; n++)
		assert_int_equal(find(a.b, n, &g), n >= pwrb ? 0 : -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ged_microvm),
		cmocka_unit_test(test_ged_encodings),
		cmocka_unit_test(test_ged_missing_parts),
		cmocka_unit_test(test_ged_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
