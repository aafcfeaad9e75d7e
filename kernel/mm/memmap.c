/* memmap.c: compute free physical memory from the boot memory map. Reserved ranges may
 * overlap each other and RAM arbitrarily; the result is page aligned inward. */
#include "mm/memmap.h"
#include "core/printk.h"
#include "mm/layout.h"

void memmap_reserve(struct boot_info *bi, uint64_t base, uint64_t size)
{
	if (!size)
		return;
	if (bi->nreserved == BOOT_MAX_RANGES)
		panic("too many reserved boot ranges");
	bi->reserved[bi->nreserved++] = (struct boot_range){base, size};
}

static bool emit(struct boot_range *out, int *n, int max, uint64_t lo, uint64_t hi)
{
	uint64_t a = PAGE_ALIGN_UP(lo), b = PAGE_ALIGN_DOWN(hi);
	if (a >= b)
		return true;
	if (*n == max) {
		printk("isle: memory map too fragmented: ignoring RAM at %#lx\n", (unsigned long)a);
		return false;
	}
	out[(*n)++] = (struct boot_range){a, b - a};
	return true;
}

int memmap_free_ranges(const struct boot_info *bi, struct boot_range *out, int max)
{
	int n = 0;
	for (int i = 0; i < bi->nram; i++) {
		uint64_t pos = bi->ram[i].base, end = pos + bi->ram[i].size;
		while (pos < end) {
			/* Step over every reserved range that covers pos (pos only grows). */
			bool moved = true;
			while (moved) {
				moved = false;
				for (int r = 0; r < bi->nreserved; r++) {
					uint64_t rs = bi->reserved[r].base;
					uint64_t re = rs + bi->reserved[r].size;
					if (rs <= pos && pos < re) {
						pos = re;
						moved = true;
					}
				}
			}
			if (pos >= end)
				break;
			/* Free until the next reserved range starts (or the RAM range ends). */
			uint64_t cut = end;
			for (int r = 0; r < bi->nreserved; r++) {
				uint64_t rs = bi->reserved[r].base;
				if (rs > pos && rs < cut)
					cut = rs;
			}
			if (!emit(out, &n, max, pos, cut))
				return n;
			pos = cut;
		}
	}
	return n;
}
