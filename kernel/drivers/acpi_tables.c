/* acpi_tables.c: finding and decoding ACPI tables: RSDP, RSDT/XSDT, FADT, MADT (ACPI 6.4
 * sections 5.2.5 to 5.2.12).
 *
 * Pure code over memory reached through struct acpi_mem, so the same functions run on
 * firmware tables in the kernel and on crafted buffers in the host tests. Offsets are the
 * spec's; every read is bounded by the length that was mapped and checksummed. */
#include "drivers/acpi.h"
#include "core/errno.h"
#include "lib/string.h"

#define RSDP_V1_SIZE 20
#define RSDP_V2_SIZE 36

/* FADT field offsets (Table 5.9). */
#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_EVT 56
#define FADT_PM1B_EVT 60
#define FADT_GPE0_BLK 80
#define FADT_GPE1_BLK 84
#define FADT_PM1_EVT_LEN 88
#define FADT_GPE0_LEN 92
#define FADT_GPE1_LEN 93
#define FADT_X_PM1A_EVT 148
#define FADT_X_PM1B_EVT 160
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_CENTURY 108
#define FADT_FLAGS 112
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM1B_CNT 184
#define FADT_SLEEP_CONTROL 244
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define GAS_SIZE 12

/* MADT layout (5.2.12). */
#define MADT_LAPIC_ADDR 36
#define MADT_FLAGS 40
#define MADT_ENTRIES 44
#define MADT_PCAT_COMPAT 1u
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MADT_LAPIC_OVERRIDE 5
#define MADT_LAPIC 0
#define MADT_X2APIC 9
#define MADT_CPU_ENABLED 1u
#define MADT_CPU_ONLINE_CAPABLE 2u

bool acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum == 0;
}

int acpi_rsdp_parse(const void *p, size_t avail, uint64_t *root_pa, bool *is_xsdt)
{
	const uint8_t *b = p;
	if (avail < RSDP_V1_SIZE || memcmp(b, "RSD PTR ", 8) != 0 ||
	    !acpi_checksum_ok(b, RSDP_V1_SIZE))
		return -EINVAL;
	uint8_t revision = b[15];
	if (revision >= 2 && avail >= RSDP_V2_SIZE) {
		uint32_t len = acpi_get32(b + 20);
		if (len >= RSDP_V2_SIZE && len <= avail && acpi_checksum_ok(b, len)) {
			uint64_t xsdt = acpi_get64(b + 24);
			if (xsdt != 0) {
				*root_pa = xsdt;
				*is_xsdt = true;
				return 0;
			}
		}
	}
	uint32_t rsdt = acpi_get32(b + 16);
	if (rsdt == 0)
		return -EINVAL;
	*root_pa = rsdt;
	*is_xsdt = false;
	return 0;
}

const void *acpi_rsdp_scan(const void *area, size_t len)
{
	const uint8_t *b = area;
	uint64_t root;
	bool x;
	for (size_t off = 0; off + RSDP_V1_SIZE <= len; off += 16)
		if (b[off] == 'R' && acpi_rsdp_parse(b + off, len - off, &root, &x) == 0)
			return b + off;
	return NULL;
}

const uint8_t *acpi_table_map(const struct acpi_mem *m, uint64_t pa, const char *sig, uint32_t *len)
{
	if (pa == 0)
		return NULL;
	const uint8_t *h = m->map(pa, ACPI_SDT_HEADER_SIZE, m->arg);
	if (h == NULL || (sig != NULL && memcmp(h, sig, 4) != 0))
		return NULL;
	uint32_t n = acpi_get32(h + 4);
	if (n < ACPI_SDT_HEADER_SIZE || n > ACPI_TABLE_MAX)
		return NULL;
	const uint8_t *t = m->map(pa, n, m->arg);
	if (t == NULL || !acpi_checksum_ok(t, n))
		return NULL;
	*len = n;
	return t;
}

const uint8_t *acpi_table_find(const struct acpi_mem *m, uint64_t root_pa, bool is_xsdt,
			       const char *sig, uint32_t *len)
{
	uint32_t root_len;
	const uint8_t *root = acpi_table_map(m, root_pa, is_xsdt ? "XSDT" : "RSDT", &root_len);
	if (root == NULL)
		return NULL;
	size_t entry = is_xsdt ? 8 : 4;
	for (size_t off = ACPI_SDT_HEADER_SIZE; off + entry <= root_len; off += entry) {
		uint64_t pa = is_xsdt ? acpi_get64(root + off) : acpi_get32(root + off);
		const uint8_t *t = acpi_table_map(m, pa, sig, len);
		if (t != NULL)
			return t;
	}
	return NULL;
}

static void gas_parse(const uint8_t *p, struct acpi_gas *g)
{
	g->space = p[0];
	g->bit_width = p[1];
	g->bit_offset = p[2];
	g->access_size = p[3];
	g->address = acpi_get64(p + 4);
}

/* A PM1 control block port: the 32-bit field, else the X_ field when it is in I/O space. */
static uint16_t pm1_port(const uint8_t *fadt, uint32_t len, uint32_t legacy_off, uint32_t x_off)
{
	uint32_t port = acpi_get32(fadt + legacy_off);
	if (port == 0 && len >= x_off + GAS_SIZE) {
		struct acpi_gas g;
		gas_parse(fadt + x_off, &g);
		if (g.space == ACPI_SPACE_IO)
			port = (uint32_t)g.address;
	}
	return port <= 0xffff ? (uint16_t)port : 0;
}

void acpi_fadt_parse(const uint8_t *fadt, uint32_t len, struct acpi_fadt_info *out)
{
	memset(out, 0, sizeof(*out));
	if (len >= FADT_DSDT + 4)
		out->dsdt_pa = acpi_get32(fadt + FADT_DSDT);
	if (len >= FADT_X_DSDT + 8 && acpi_get64(fadt + FADT_X_DSDT) != 0)
		out->dsdt_pa = acpi_get64(fadt + FADT_X_DSDT);
	if (len >= FADT_PM1A_CNT + 4)
		out->pm1a_cnt = pm1_port(fadt, len, FADT_PM1A_CNT, FADT_X_PM1A_CNT);
	if (len >= FADT_PM1B_CNT + 4)
		out->pm1b_cnt = pm1_port(fadt, len, FADT_PM1B_CNT, FADT_X_PM1B_CNT);
	if (len >= FADT_ACPI_ENABLE + 1) {
		out->sci_int = acpi_get16(fadt + FADT_SCI_INT);
		out->smi_cmd = acpi_get32(fadt + FADT_SMI_CMD);
		out->acpi_enable = fadt[FADT_ACPI_ENABLE];
	}
	if (len >= FADT_PM1B_EVT + 4) {
		out->pm1a_evt = pm1_port(fadt, len, FADT_PM1A_EVT, FADT_X_PM1A_EVT);
		out->pm1b_evt = pm1_port(fadt, len, FADT_PM1B_EVT, FADT_X_PM1B_EVT);
	}
	if (len > FADT_PM1_EVT_LEN)
		out->pm1_evt_len = fadt[FADT_PM1_EVT_LEN];
	if (len > FADT_GPE1_LEN) {
		uint32_t g0 = acpi_get32(fadt + FADT_GPE0_BLK),
			 g1 = acpi_get32(fadt + FADT_GPE1_BLK);
		out->gpe0_blk = g0 <= 0xffff ? (uint16_t)g0 : 0;
		out->gpe1_blk = g1 <= 0xffff ? (uint16_t)g1 : 0;
		out->gpe0_len = fadt[FADT_GPE0_LEN];
		out->gpe1_len = fadt[FADT_GPE1_LEN];
	}
	if (len > FADT_CENTURY)
		out->century = fadt[FADT_CENTURY];
	if (len >= FADT_FLAGS + 4)
		out->hw_reduced = acpi_get32(fadt + FADT_FLAGS) & FADT_HW_REDUCED_ACPI;
	if (len >= FADT_SLEEP_CONTROL + GAS_SIZE)
		gas_parse(fadt + FADT_SLEEP_CONTROL, &out->sleep_control);
}

/* One processor entry (5.2.12.2, 5.2.12.12): kept when usable and not a duplicate. */
static void add_cpu(struct acpi_madt_info *out, uint32_t apic_id, uint32_t uid, uint32_t flags)
{
	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return;
	for (unsigned i = 0; i < out->n_cpus; i++)
		if (out->cpu[i].apic_id == apic_id)
			return;
	if (out->n_cpus == ACPI_MAX_CPUS) {
		out->n_cpus_dropped++;
		return;
	}
	struct acpi_cpu *c = &out->cpu[out->n_cpus++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->enabled = flags & MADT_CPU_ENABLED;
	c->online_capable = !c->enabled && (flags & MADT_CPU_ONLINE_CAPABLE);
}

void acpi_madt_parse(const uint8_t *madt, uint32_t len, struct acpi_madt_info *out)
{
	memset(out, 0, sizeof(*out));
	if (len < MADT_ENTRIES)
		return;
	out->lapic_address = acpi_get32(madt + MADT_LAPIC_ADDR);
	out->pcat_compat = acpi_get32(madt + MADT_FLAGS) & MADT_PCAT_COMPAT;
	uint32_t off = MADT_ENTRIES;
	while (off + 2 <= len) {
		uint8_t type = madt[off], elen = madt[off + 1];
		if (elen < 2 || elen > len - off)
			break;
		const uint8_t *e = madt + off;
		if (type == MADT_IOAPIC && elen >= 12 && out->n_ioapics < ACPI_MAX_IOAPICS) {
			struct acpi_ioapic *io = &out->ioapic[out->n_ioapics++];
			io->id = e[2];
			io->address = acpi_get32(e + 4);
			io->gsi_base = acpi_get32(e + 8);
		} else if (type == MADT_OVERRIDE && elen >= 10 &&
			   out->n_overrides < ACPI_MAX_OVERRIDES && e[2] == 0 /* ISA bus */) {
			struct acpi_override *o = &out->override[out->n_overrides++];
			o->isa_irq = e[3];
			o->gsi = acpi_get32(e + 4);
			o->flags = acpi_get16(e + 8);
		} else if (type == MADT_LAPIC_OVERRIDE && elen >= 12) {
			out->lapic_address = acpi_get64(e + 4);
		} else if (type == MADT_LAPIC && elen >= 8) {
			add_cpu(out, e[3], e[2], acpi_get32(e + 4));
		} else if (type == MADT_X2APIC && elen >= 16) {
			add_cpu(out, acpi_get32(e + 4), acpi_get32(e + 12), acpi_get32(e + 8));
		}
		off += elen;
	}
}
