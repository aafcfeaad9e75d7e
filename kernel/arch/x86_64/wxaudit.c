/* wxaudit.c: walks a page-table root and counts pages that are writable and executable
 * at once (contract in paging.h). Used by selftest=wx to prove the W^X invariants. */
#include "arch/x86_64/paging.h"
#include "mm/layout.h"

#define PTE_P (1UL << 0)
#define PTE_W (1UL << 1)
#define PTE_U (1UL << 2)
#define PTE_PS (1UL << 7)
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

/* Rights accumulated from the PML4 down: a page is writable only when every level allows
 * writes, user-accessible only when every level allows the user, executable unless any
 * level sets NX (Intel SDM vol. 3, 4.6: the access rights of a linear address). */
struct rights {
	bool write, user, exec;
};

static void count_leaf(struct wx_audit *a, uint64_t va, uint64_t pages, struct rights r)
{
	if (r.user) {
		a->user_pages += pages;
		if (r.write && r.exec) {
			if (!a->user_wx)
				a->first_user_wx = va;
			a->user_wx += pages;
		}
	} else {
		a->kernel_pages += pages;
		if (r.write && r.exec) {
			if (!a->kernel_wx)
				a->first_kernel_wx = va;
			a->kernel_wx += pages;
		}
	}
}

/* level 3 = PML4 .. 0 = page table; va is the address the table's first entry maps. */
static void walk(struct wx_audit *a, const uint64_t *t, int level, uint64_t va, struct rights in)
{
	uint64_t span = 1UL << (12 + 9 * level);
	for (int i = 0; i < 512; i++) {
		uint64_t e = t[i];
		if (!(e & PTE_P))
			continue;
		uint64_t eva = va + (uint64_t)i * span;
		if (level == 3 && (eva & (1UL << 47)))
			eva |= 0xffff000000000000UL; /* canonical upper half */
		struct rights r = {in.write && (e & PTE_W), in.user && (e & PTE_U),
				   in.exec && !(e & PTE_NX)};
		if (level == 0 || (level < 3 && (e & PTE_PS)))
			count_leaf(a, eva, span / PAGE_SIZE, r);
		else
			walk(a, phys_to_virt(e & PTE_ADDR), level - 1, eva, r);
	}
}

void paging_audit_wx(uint64_t root, struct wx_audit *a)
{
	*a = (struct wx_audit){0};
	walk(a, phys_to_virt(root), 3, 0, (struct rights){true, true, true});
}
