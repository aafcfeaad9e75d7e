/* mm_fake_paging.c: paging.h and the arch.h calls vm uses, over a host hash map, and an
 * MMU that checks entries and raises faults like the CPU (mm_fakes.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/arch.h"
#include "arch/x86_64/paging.h"
#include "sched/smp.h"
#include "core/errno.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "mm_fakes.h"

void *mm_test_phys_to_virt(uint64_t pa);

#define NBUCKETS 4096

struct pte {
	uintptr_t va;
	uint64_t pa;
	unsigned flags;
	struct pte *next;
};

static struct pte *bucket[NBUCKETS];
static size_t nmapped;
static uint64_t next_root = 0x1000;
long fake_paging_fail_after = -1;
unsigned long fake_flush_page_calls, fake_flush_all_calls;
uint64_t fake_loaded_root;

static struct pte **slot(uintptr_t va)
{
	struct pte **p = &bucket[(va >> PAGE_SHIFT) % NBUCKETS];
	while (*p && (*p)->va != va)
		p = &(*p)->next;
	return p;
}

void fake_paging_reset(void)
{
	for (size_t i = 0; i < NBUCKETS; i++) {
		while (bucket[i]) {
			struct pte *e = bucket[i];
			bucket[i] = e->next;
			free(e);
		}
	}
	nmapped = 0;
	fake_paging_fail_after = -1;
	fake_flush_page_calls = fake_flush_all_calls = 0;
	fake_loaded_root = 0;
}

size_t fake_paging_count(void)
{
	return nmapped;
}

uint64_t paging_new_root(void)
{
	return next_root += 0x1000;
}

int paging_map(uint64_t root, uintptr_t va, uint64_t pa, unsigned flags)
{
	assert_int_equal(root, fake_loaded_root);
	assert_int_equal(va & (PAGE_SIZE - 1), 0);
	assert_int_equal(pa & (PAGE_SIZE - 1), 0);
	assert_true(va >= USER_MIN && va < USER_TOP);
	struct pte **p = slot(va);
	if (*p)
		return -EEXIST;
	if (fake_paging_fail_after == 0)
		return -ENOMEM;
	if (fake_paging_fail_after > 0)
		fake_paging_fail_after--;
	struct pte *e = calloc(1, sizeof(*e));
	e->va = va;
	e->pa = pa;
	e->flags = flags;
	*p = e;
	nmapped++;
	return 0;
}

uint64_t paging_unmap(uint64_t root, uintptr_t va)
{
	assert_int_equal(root, fake_loaded_root);
	struct pte **p = slot(va);
	if (!*p)
		return 0;
	struct pte *e = *p;
	uint64_t pa = e->pa;
	*p = e->next;
	free(e);
	nmapped--;
	return pa;
}

int paging_protect(uint64_t root, uintptr_t va, unsigned flags)
{
	assert_int_equal(root, fake_loaded_root);
	struct pte *e = *slot(va);
	if (!e)
		return -ENOENT;
	e->flags = flags;
	return 0;
}

bool paging_lookup(uint64_t root, uintptr_t va, uint64_t *pa, unsigned *flags)
{
	assert_int_equal(root, fake_loaded_root);
	struct pte *e = *slot(va);
	if (!e)
		return false;
	if (pa)
		*pa = e->pa;
	if (flags)
		*flags = e->flags;
	return true;
}

/* Page by page over short ranges; over long ones (huge reservations) the lowest mapped
 * address in range from a scan of every entry, as the real walk skips missing tables. */
uintptr_t paging_next_mapped(uint64_t root, uintptr_t va, uintptr_t end)
{
	assert_int_equal(root, fake_loaded_root);
	if (va >= end)
		return end;
	if ((end - va) / PAGE_SIZE <= nmapped + 64) {
		for (; va < end; va += PAGE_SIZE)
			if (*slot(va))
				return va;
		return end;
	}
	uintptr_t best = end;
	for (size_t i = 0; i < NBUCKETS; i++)
		for (struct pte *e = bucket[i]; e; e = e->next)
			if (e->va >= va && e->va < best)
				best = e->va;
	return best;
}

void arch_load_root(uint64_t root_pa)
{
	fake_loaded_root = root_pa;
}
uint64_t arch_current_root(void)
{
	return fake_loaded_root;
}
void arch_flush_tlb_page(uintptr_t va)
{
	fake_flush_page_calls++;
}
void arch_flush_tlb_all(void)
{
	fake_flush_all_calls++;
}
/* One CPU in the unit tests: a shoot-down has no other CPU to reach. */
void smp_tlb_shootdown(uintptr_t start, uintptr_t end) {}

bool mmu_pte(uintptr_t va, uint64_t *pa, unsigned *flags)
{
	struct pte *e = *slot(PAGE_ALIGN_DOWN(va));
	if (!e)
		return false;
	*pa = e->pa;
	*flags = e->flags;
	return true;
}

/* kind: 0 read, 1 write, 2 fetch. Two tries: a fault handled with 0 must fix the entry. */
static int access(uintptr_t va, int kind, uint8_t **byte)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		uint64_t pa;
		unsigned fl;
		bool present = mmu_pte(va, &pa, &fl);
		bool ok = present && (fl & PG_USER) && (kind != 1 || (fl & PG_WRITE)) &&
			  (kind != 2 || (fl & PG_EXEC));
		if (ok) {
			*byte = (uint8_t *)mm_test_phys_to_virt(pa) + (va & (PAGE_SIZE - 1));
			return 0;
		}
		uint64_t err = (present ? 1 : 0) | (kind == 1 ? 2 : 0) | 4 | (kind == 2 ? 16 : 0);
		int r = vm_handle_fault(va, err);
		if (r)
			return r;
	}
	fail_msg("fault at %#lx handled but the entry still refuses the access", (unsigned long)va);
	return -1;
}

int mmu_read(uintptr_t va, uint8_t *out)
{
	uint8_t *b;
	int r = access(va, 0, &b);
	if (!r)
		*out = *b;
	return r;
}

int mmu_write(uintptr_t va, uint8_t val)
{
	uint8_t *b;
	int r = access(va, 1, &b);
	if (!r)
		*b = val;
	return r;
}

int mmu_fetch(uintptr_t va)
{
	uint8_t *b;
	return access(va, 2, &b);
}
