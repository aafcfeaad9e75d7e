/* ksyms.c: look up kernel addresses in the generated symbol table. The table holds link
 * addresses (the kernel is linked at its physical address and runs at DIRECT_BASE + that),
 * sorted ascending, with offsets into a string blob. */
#include "core/ksyms.h"
#include "lib/format.h"
#include "mm/layout.h"

struct ksym {
	uint64_t addr;
	uint64_t name;
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];

void ksyms_lookup(uint64_t addr, char *buf, size_t size)
{
	uint64_t link = addr - DIRECT_BASE;
	uint64_t lo = 0, hi = ksyms_count;
	if (addr < DIRECT_BASE || !hi || link < ksyms_table[0].addr) {
		fmt_snprintf(buf, size, "?");
		return;
	}
	while (hi - lo > 1) { /* invariant: table[lo].addr <= link, table[hi] > link or end */
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksyms_table[mid].addr <= link)
			lo = mid;
		else
			hi = mid;
	}
	fmt_snprintf(buf, size, "%s+%#lx", ksyms_names + ksyms_table[lo].name,
		     (unsigned long)(link - ksyms_table[lo].addr));
}
