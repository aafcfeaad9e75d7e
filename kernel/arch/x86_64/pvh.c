/* pvh.c: read the Xen PVH start info (hvm_start_info, version 0 or 1) that the loader
 * passes in %ebx: command line, memory map (type 1 = RAM), modules, RSDP. Every structure
 * the loader wrote is also recorded as reserved so the page allocator never hands it out. */
#include "core/bootinfo.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/memmap.h"

#define PVH_MAGIC 0x336ec578u

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

static void add_ram(struct boot_info *bi, uint64_t base, uint64_t size)
{
	if (!size || bi->nram == BOOT_MAX_RANGES)
		return;
	/* Insert sorted by base. */
	int i = bi->nram++;
	while (i > 0 && bi->ram[i - 1].base > base) {
		bi->ram[i] = bi->ram[i - 1];
		i--;
	}
	bi->ram[i] = (struct boot_range){base, size};
	if (base + size > bi->max_phys)
		bi->max_phys = base + size;
}

void pvh_parse(uint64_t start_pa, struct boot_info *bi)
{
	memset(bi, 0, sizeof(*bi));
	const struct hvm_start_info *si = phys_to_virt(start_pa);
	if (si->magic != PVH_MAGIC)
		panic("boot: not started through PVH (start info magic %#x)", si->magic);
	memmap_reserve(bi, start_pa, sizeof(*si));

	if (si->cmdline_paddr) {
		bi->cmdline = phys_to_virt(si->cmdline_paddr);
		memmap_reserve(bi, si->cmdline_paddr, strlen(bi->cmdline) + 1);
	}
	bi->rsdp_pa = si->rsdp_paddr;

	if (si->nr_modules && si->modlist_paddr) {
		const struct hvm_modlist_entry *m = phys_to_virt(si->modlist_paddr);
		memmap_reserve(bi, si->modlist_paddr, si->nr_modules * sizeof(*m));
		bi->module_pa = m[0].paddr;
		bi->module_size = m[0].size;
		memmap_reserve(bi, m[0].paddr, m[0].size);
		if (si->nr_modules > 1)
			printk("isle: boot: %u modules given, only the first is used\n",
			       si->nr_modules);
	}

	if (si->version >= 1 && si->memmap_paddr && si->memmap_entries) {
		const struct hvm_memmap_entry *e = phys_to_virt(si->memmap_paddr);
		memmap_reserve(bi, si->memmap_paddr, si->memmap_entries * sizeof(*e));
		for (uint32_t i = 0; i < si->memmap_entries; i++)
			if (e[i].type == 1)
				add_ram(bi, e[i].addr, e[i].size);
	}
	if (!bi->nram)
		panic("boot: the loader gave no memory map (PVH start info version %u)",
		      si->version);
}
