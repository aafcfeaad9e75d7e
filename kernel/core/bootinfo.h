/* bootinfo.h: what the boot protocol told us, in a protocol-neutral form (filled by
 * arch/x86_64/pvh.c from the PVH start info). */
#ifndef ISLE_CORE_BOOTINFO_H
#define ISLE_CORE_BOOTINFO_H

#include <stdint.h>

#define BOOT_MAX_RANGES 64

struct boot_range {
	uint64_t base, size;
};

struct boot_info {
	const char *cmdline;			/* NULL when none */
	struct boot_range ram[BOOT_MAX_RANGES]; /* usable RAM, ascending */
	int nram;
	struct boot_range reserved[BOOT_MAX_RANGES]; /* inside RAM, must not be allocated */
	int nreserved;
	uint64_t module_pa, module_size; /* the boot bundle; size 0 when absent */
	uint64_t rsdp_pa;		 /* 0 when unknown */
	uint64_t max_phys;		 /* end of the highest RAM range */
};

/* Parse the start info at physical start_pa (reachable through the direct map). Panics
 * with a clear message when it is not a PVH start info. */
void pvh_parse(uint64_t start_pa, struct boot_info *bi);

#endif
