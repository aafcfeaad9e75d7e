/* acpi.h: ACPI tables (ACPI 6.4 chapter 5) as the rest of the platform code needs them:
 * the pure parsers (acpi_tables.c, acpi_aml.c; they also build on the host for tests) and
 * what acpi_init found (acpi.c), read by irq.c, rtc.c and poweroff.c.
 *
 * Every length and offset comes from firmware and is checked against the bytes actually
 * mapped before use; a malformed table is ignored, never trusted. */
#ifndef ISLE_DRIVERS_ACPI_H
#define ISLE_DRIVERS_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_SDT_HEADER_SIZE 36
#define ACPI_TABLE_MAX (1u << 20) /* larger tables are refused */
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_CPUS 64 /* = SMP_MAX_CPUS; further processor entries are counted only */

/* Generic Address Structure (5.2.3.2). address 0 means absent. */
struct acpi_gas {
	uint8_t space; /* ACPI_SPACE_* */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
};
#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1

/* From the FADT (5.2.9). */
struct acpi_fadt_info {
	bool hw_reduced;   /* Flags.HW_REDUCED_ACPI: no PM1 blocks, use sleep_control */
	uint64_t dsdt_pa;  /* X_DSDT, else DSDT; 0 when none */
	uint16_t pm1a_cnt; /* PM1a/PM1b control block I/O ports, 0 when absent */
	uint16_t pm1b_cnt;
	struct acpi_gas sleep_control; /* hardware-reduced sleep control register */
	uint8_t century;	       /* CMOS index of the RTC century, 0 when none */
	/* Fixed-hardware events (power button): PM1a/PM1b event blocks (I/O ports, 0 when
	 * absent; status register first, enable register pm1_evt_len / 2 bytes further),
	 * the SCI's interrupt, and the SMI command that switches the chipset to ACPI mode. */
	uint16_t pm1a_evt;
	uint16_t pm1b_evt;
	uint8_t pm1_evt_len;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	/* General-purpose event blocks (I/O ports, 0 when absent; status bytes, then as many
	 * enable bytes): the power button driver disables them all. */
	uint16_t gpe0_blk, gpe1_blk;
	uint8_t gpe0_len, gpe1_len;
};

/* From the MADT (5.2.12). */
struct acpi_ioapic {
	uint8_t id;
	uint32_t address;
	uint32_t gsi_base;
};
struct acpi_override { /* Interrupt Source Override: ISA irq -> GSI */
	uint8_t isa_irq;
	uint32_t gsi;
	uint16_t flags; /* ACPI_MPS_* */
};
#define ACPI_MPS_POLARITY_MASK 0x3
#define ACPI_MPS_ACTIVE_LOW 0x3
#define ACPI_MPS_TRIGGER_MASK 0xc
#define ACPI_MPS_LEVEL 0xc
/* A processor: Processor Local APIC (type 0) or Local x2APIC (type 9) entry whose flags
 * say Enabled (usable now) or Online Capable (may be enabled later, not started by isle).
 * Entries with neither flag, and a second entry for an APIC ID already listed, are
 * skipped. */
struct acpi_cpu {
	uint32_t apic_id;
	uint32_t uid; /* ACPI processor UID */
	bool enabled;
	bool online_capable;
};
struct acpi_madt_info {
	uint64_t lapic_address;
	bool pcat_compat; /* dual 8259s present */
	unsigned n_ioapics, n_overrides;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	struct acpi_override override[ACPI_MAX_OVERRIDES];
	unsigned n_cpus;	 /* entries in cpu[], in table order */
	unsigned n_cpus_dropped; /* usable processors past ACPI_MAX_CPUS */
	struct acpi_cpu cpu[ACPI_MAX_CPUS];
};

/* How the parsers reach physical memory: map returns len readable bytes at physical pa,
 * or NULL when they cannot be mapped. The kernel uses the direct map; tests a buffer. */
struct acpi_mem {
	const void *(*map)(uint64_t pa, uint64_t len, void *arg);
	void *arg;
};

/* Little-endian field loads from byte buffers (tables are not aligned). */
static inline uint16_t acpi_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t acpi_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t acpi_get64(const uint8_t *p)
{
	return (uint64_t)acpi_get32(p) | (uint64_t)acpi_get32(p + 4) << 32;
}

/* acpi_tables.c (pure). */
/* The bytes sum to 0 mod 256. */
bool acpi_checksum_ok(const void *p, size_t len);
/* A valid RSDP at p (avail bytes readable there): returns 0 and the root table (XSDT when
 * the revision has one and it is non-zero, else RSDT); -EINVAL when not an RSDP. */
int acpi_rsdp_parse(const void *p, size_t avail, uint64_t *root_pa, bool *is_xsdt);
/* First valid RSDP on a 16-byte boundary in [area, area + len); NULL when none. */
const void *acpi_rsdp_scan(const void *area, size_t len);
/* Map the table at pa and check it: signature sig (4 chars, NULL for any), length within
 * [ACPI_SDT_HEADER_SIZE, ACPI_TABLE_MAX], checksum. Returns the table and *len, or NULL. */
const uint8_t *acpi_table_map(const struct acpi_mem *m, uint64_t pa, const char *sig,
			      uint32_t *len);
/* The first valid table with signature sig listed in the root table; NULL when none. */
const uint8_t *acpi_table_find(const struct acpi_mem *m, uint64_t root_pa, bool is_xsdt,
			       const char *sig, uint32_t *len);
/* Decode a checked FADT / MADT of len bytes; fields the table is too short for stay 0. */
void acpi_fadt_parse(const uint8_t *fadt, uint32_t len, struct acpi_fadt_info *out);
void acpi_madt_parse(const uint8_t *madt, uint32_t len, struct acpi_madt_info *out);

/* acpi_aml.c (pure). Find Name(_S5_, Package(){a, b, ...}) in AML bytes (DSDT body) and
 * return 0 with the SLP_TYPa/b values for soft-off; -ENOENT when there is none that
 * decodes (b is 0 when the package has one element). */
int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b);

/* The Generic Event Device (ACPI 6.4 5.6.9, _HID "ACPI0013") of a hardware-reduced machine
 * as QEMU describes it (docs/specs/acpi_hw_reduced_hotplug.rst): one interrupt in its _CRS
 * (an Extended Interrupt descriptor) and a SystemMemory OperationRegion holding the event
 * selector, a 32-bit register whose bits say which events fired (QEMU clears it on read;
 * bit ACPI_GED_PWR_DOWN: the power button). */
struct acpi_ged {
	uint64_t evt_sel; /* physical address of the event selector register */
	uint32_t gsi;
	bool level;	 /* level triggered (else edge) */
	bool active_low; /* active low (else high) */
};
#define ACPI_GED_PWR_DOWN (1u << 1)
/* acpi_aml.c (pure). Finds Device(...) { Name(_HID, "ACPI0013") ... } in AML bytes and
 * decodes the first interrupt of its _CRS buffer and its first SystemMemory
 * OperationRegion. 0, or -ENOENT when there is no such device or either part does not
 * decode within the device's own package. */
int acpi_aml_find_ged(const uint8_t *aml, size_t len, struct acpi_ged *out);

/* What acpi_init found; all false/zero without ACPI. Written once by acpi_init, read-only
 * afterwards. */
struct acpi_platform {
	bool have_fadt, have_madt, have_s5, have_ged;
	struct acpi_fadt_info fadt;
	struct acpi_ged ged;
	struct acpi_madt_info madt;
	uint8_t s5_typ_a, s5_typ_b;
	volatile void *sleep_control_va; /* mapped sleep control register (memory space) */
};
extern struct acpi_platform acpi_platform;

#endif
