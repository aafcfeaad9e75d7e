/* memmap.h: free physical memory at boot = RAM ranges minus reserved ranges. */
#ifndef ISLE_MM_MEMMAP_H
#define ISLE_MM_MEMMAP_H

#include "core/bootinfo.h"

/* Add a reserved range to bi (panics when the table is full). */
void memmap_reserve(struct boot_info *bi, uint64_t base, uint64_t size);
/* Write the free ranges (RAM minus every reserved range, page aligned inward, ascending)
 * to out; returns how many (at most max; the rest is dropped with a log line). */
int memmap_free_ranges(const struct boot_info *bi, struct boot_range *out, int max);

#endif
