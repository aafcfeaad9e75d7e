/* acpi.c: find the ACPI tables at boot and keep what the platform code needs (FADT power
 * and event registers and century index, MADT interrupt controllers, the \_S5 sleep type,
 * the Generic Event Device of a hardware-reduced machine).
 *
 * The RSDP comes from the PVH start info, else from a scan of the EBDA's first KiB and the
 * BIOS area 0xe0000-0xfffff (5.2.5.1). Tables in RAM, and the low 1 MiB, are read through
 * the direct map; a table outside it (checked page by page) is mapped in the MMIO window.
 * The hardware-reduced sleep control register is mapped here, at boot, so that power off
 * needs no page-table allocation, even after a panic. */
#include "drivers/acpi.h"
#include "arch/x86_64/paging.h"
#include "core/printk.h"
#include "drivers/platform.h"
#include "mm/layout.h"

#define EBDA_SEGMENT_PTR 0x40e
#define EBDA_SCAN_LEN 1024
#define BIOS_AREA 0xe0000
#define BIOS_AREA_LEN 0x20000

struct acpi_platform acpi_platform;

static bool direct_mapped(uint64_t first, uint64_t end)
{
	if (end > DIRECT_SIZE)
		return false;
	for (uint64_t p = first; p < end; p += PAGE_SIZE)
		if (!paging_lookup(kernel_root, (uintptr_t)phys_to_virt(p), NULL, NULL))
			return false;
	return true;
}

static const void *map_phys(uint64_t pa, uint64_t len, void *arg)
{
	if (len == 0 || pa + len < pa || pa + len > (1ull << 52))
		return NULL;
	uint64_t first = PAGE_ALIGN_DOWN(pa), end = PAGE_ALIGN_UP(pa + len);
	if (direct_mapped(first, end))
		return phys_to_virt(pa);
	return (const uint8_t *)paging_map_mmio(first, end - first) + (pa - first);
}

static const struct acpi_mem kernel_mem = {.map = map_phys};

static const void *find_rsdp(uint64_t rsdp_pa)
{
	uint64_t root;
	bool x;
	if (rsdp_pa != 0) {
		const void *p = map_phys(rsdp_pa, 36, NULL);
		if (p != NULL && acpi_rsdp_parse(p, 36, &root, &x) == 0)
			return p;
		printk("isle: acpi: no valid RSDP at %#lx, scanning\n", (unsigned long)rsdp_pa);
	}
	const uint8_t *bda = map_phys(EBDA_SEGMENT_PTR, 2, NULL);
	uint64_t ebda = bda != NULL ? (uint64_t)acpi_get16(bda) << 4 : 0;
	if (ebda >= 0x80000 && ebda < 0xa0000) {
		const void *area = map_phys(ebda, EBDA_SCAN_LEN, NULL);
		const void *p = area != NULL ? acpi_rsdp_scan(area, EBDA_SCAN_LEN) : NULL;
		if (p != NULL)
			return p;
	}
	const void *area = map_phys(BIOS_AREA, BIOS_AREA_LEN, NULL);
	return area != NULL ? acpi_rsdp_scan(area, BIOS_AREA_LEN) : NULL;
}

static void map_sleep_control(struct acpi_platform *a)
{
	const struct acpi_gas *g = &a->fadt.sleep_control;
	if (!a->fadt.hw_reduced || g->space != ACPI_SPACE_MEMORY || g->address == 0)
		return;
	uint64_t page = PAGE_ALIGN_DOWN(g->address);
	a->sleep_control_va = (uint8_t *)paging_map_mmio(page, PAGE_SIZE) + (g->address - page);
}

void acpi_init(uint64_t rsdp_pa)
{
	struct acpi_platform *a = &acpi_platform;
	const void *rsdp = find_rsdp(rsdp_pa);
	uint64_t root;
	bool is_xsdt;
	if (rsdp == NULL || acpi_rsdp_parse(rsdp, 36, &root, &is_xsdt) != 0) {
		printk("isle: acpi: no ACPI tables; power off will reset the machine\n");
		return;
	}
	uint32_t len;
	const uint8_t *t = acpi_table_find(&kernel_mem, root, is_xsdt, "FACP", &len);
	if (t != NULL) {
		acpi_fadt_parse(t, len, &a->fadt);
		a->have_fadt = true;
	}
	t = acpi_table_find(&kernel_mem, root, is_xsdt, "APIC", &len);
	if (t != NULL) {
		acpi_madt_parse(t, len, &a->madt);
		a->have_madt = true;
	}
	t = a->have_fadt ? acpi_table_map(&kernel_mem, a->fadt.dsdt_pa, "DSDT", &len) : NULL;
	if (t != NULL)
		a->have_s5 = acpi_aml_find_s5(t + ACPI_SDT_HEADER_SIZE, len - ACPI_SDT_HEADER_SIZE,
					      &a->s5_typ_a, &a->s5_typ_b) == 0;
	if (t != NULL && a->fadt.hw_reduced)
		a->have_ged = acpi_aml_find_ged(t + ACPI_SDT_HEADER_SIZE,
						len - ACPI_SDT_HEADER_SIZE, &a->ged) == 0;
	map_sleep_control(a);
	pr_info("isle: acpi: %s at %#lx, fadt %d%s, madt %d (%u ioapic), _S5 %s %u/%u\n",
		is_xsdt ? "xsdt" : "rsdt", (unsigned long)root, a->have_fadt,
		a->fadt.hw_reduced ? " (hw-reduced)" : "", a->have_madt, a->madt.n_ioapics,
		a->have_s5 ? "found" : "missing", a->s5_typ_a, a->s5_typ_b);
}
