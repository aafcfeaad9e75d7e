/* test_vm.c: unit tests of the address space (kernel/mm/vm.c, vma.c, mmap.c): mmap,
 * munmap, mprotect, demand paging and faults, the map-count limit, vm_describe. Runs over
 * the real pmm and heap on fake RAM and the fake page tables of mm_fake_paging.c; the
 * expected errnos were checked against Linux 6.18. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "mm/vma.h"
#include "mm_fakes.h"
#include "vm_test.h"

#define GIB (1024 * MIB)

static int setup(void **state)
{
	return vm_test_start(16 * MIB);
}

static void expect_vma(size_t i, uintptr_t start, uintptr_t end, int prot)
{
	assert_true(i < vm_current.n);
	assert_int_equal(vm_current.v[i].start, start);
	assert_int_equal(vm_current.v[i].end, end);
	assert_int_equal(vm_current.v[i].prot, prot);
}

static void t_init(void **state)
{
	assert_true(fake_loaded_root != 0);
	assert_int_equal(vm_current.root, fake_loaded_root);
	assert_int_equal(vm_current.n, 0);
}

static void t_mmap_errors(void **state)
{
	assert_int_equal(vm_mmap(0, P, RW, ANON, NULL, 5), -EINVAL); /* offset */
	assert_int_equal(vm_mmap(0, P, RW, MAP_PRIVATE, NULL, 0), -EBADF);
	assert_int_equal(vm_mmap(0, 0, RW, MAP_PRIVATE, NULL, 0), -EBADF); /* before len */
	assert_int_equal(map(0, 0, RW, ANON), -EINVAL);
	assert_int_equal(map(0, P, RW, MAP_ANONYMOUS), -EINVAL); /* no type */
	assert_int_equal(map(0, P, RW, MAP_ANONYMOUS | 4), -EINVAL);
	assert_int_equal(map(0, P, RW, MAP_ANONYMOUS | MAP_SHARED_VALIDATE), -EINVAL);
	assert_int_equal(map(0, SIZE_MAX, RW, ANON), -ENOMEM);		/* rounds to 0 */
	assert_int_equal(map(0, USER_TOP + P, RW, ANON), -ENOMEM);	/* too big */
	assert_int_equal(map(A + 5, P, RW, ANON | MAP_FIXED), -EINVAL); /* unaligned */
	assert_int_equal(map(0x1000, P, RW, ANON | MAP_FIXED), -EPERM); /* < USER_MIN */
	assert_int_equal(map(0, P, RW, ANON | MAP_FIXED), -EPERM);
	assert_int_equal(map(0x1001, P, RW, ANON | MAP_FIXED), -EINVAL); /* EINVAL first */
	assert_int_equal(map(USER_TOP - P, 2 * P, RW, ANON | MAP_FIXED), -ENOMEM);
	assert_int_equal(map(USER_TOP, P, RW, ANON | MAP_FIXED), -ENOMEM);
	assert_int_equal(map(0, 2 * MIB, RW, ANON | MAP_HUGETLB), -ENOMEM);
	assert_int_equal(map(0, P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN), -EINVAL);
	assert_int_equal(map(A, 3 * P, RW, ANON | MAP_FIXED), (long)A);
	assert_int_equal(map(A + P, P, RW, ANON | MAP_FIXED_NOREPLACE), -EEXIST);
	assert_int_equal(map(A - P, 2 * P, RW, ANON | MAP_FIXED_NOREPLACE), -EEXIST);
	assert_int_equal(map(A + 5, P, RW, ANON | MAP_FIXED_NOREPLACE), -EINVAL);
	assert_int_equal(map(0x2000, P, RW, ANON | MAP_FIXED_NOREPLACE), -EPERM);
	assert_int_equal(vm_current.n, 1);
	/* Accepted: unknown prot bits, fd ignored with MAP_ANONYMOUS, droppable, top page. */
	assert_true(map(0, P, 0xff, ANON) > 0);
	assert_true(vm_mmap(0, P, RW, ANON, NULL, 0) > 0);
	assert_true(map(0, P, RW, MAP_ANONYMOUS | 0x08) > 0);
	assert_int_equal(map(USER_TOP - P, P, RW, ANON | MAP_FIXED), (long)(USER_TOP - P));
}

static void t_mmap_placement(void **state)
{
	assert_int_equal(map(0, 2 * P, RW, ANON), (long)(MMAP_BASE - 2 * P));
	assert_int_equal(map(0, P, PROT_READ, ANON), (long)(MMAP_BASE - 3 * P));
	assert_int_equal(map(A, P, RW, ANON), (long)A);				  /* free hint */
	assert_int_equal(map(A + 2 * P + 123, P, RW, ANON), (long)(A + 2 * P));	  /* rounded */
	assert_int_equal(map(A, P, RW, ANON), (long)(MMAP_BASE - 4 * P));	  /* taken */
	assert_int_equal(map(A - P, 2 * P, RW, ANON), (long)(MMAP_BASE - 6 * P)); /* overlaps */
	assert_int_equal(map(0x1000, P, RW, ANON), (long)USER_MIN); /* raised to USER_MIN */
	assert_int_equal(map(0x1000, P, RW, ANON), (long)(MMAP_BASE - 7 * P));
	assert_int_equal(map(USER_TOP - P, 2 * P, RW, ANON), (long)(MMAP_BASE - 9 * P));
	long lo = map(0, P, RW, ANON | MAP_32BIT);
	assert_int_equal(lo, 0x40000000L);
	assert_int_equal(map(0, P, RW, ANON | MAP_32BIT), 0x40000000L + (long)P);
	assert_int_equal(map(0x10000000, P, RW, ANON | MAP_32BIT), 0x10000000L); /* hint */

	/* Fill everything below mmap_base: placement goes above it, then fails. */
	assert_int_equal(map(USER_MIN, MMAP_BASE - USER_MIN, RW, ANON | MAP_FIXED), (long)USER_MIN);
	assert_int_equal(map(0, P, RW, ANON), (long)(USER_TOP - P));
	assert_int_equal(map(MMAP_BASE, USER_TOP - MMAP_BASE, RW, ANON | MAP_FIXED),
			 (long)MMAP_BASE);
	assert_int_equal(map(0, P, RW, ANON), -ENOMEM);
	assert_int_equal(map(A, P, RW, ANON), -ENOMEM);
	assert_int_equal(vm_current.n, 1); /* all merged */
}

static void t_merge_and_split_on_fixed(void **state)
{
	assert_int_equal(map(A, P, RW, ANON | MAP_FIXED), (long)A);
	assert_int_equal(map(A + P, P, RW, ANON | MAP_FIXED), (long)(A + P));
	assert_int_equal(vm_current.n, 1);
	expect_vma(0, A, A + 2 * P, RW);
	assert_int_equal(map(A + 2 * P, P, PROT_READ, ANON | MAP_FIXED), (long)(A + 2 * P));
	assert_int_equal(map(A + 3 * P, P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED),
			 (long)(A + 3 * P));
	assert_int_equal(map(A + 4 * P, P, RW, ANON | MAP_FIXED | MAP_STACK), (long)(A + 4 * P));
	assert_int_equal(vm_current.n, 4); /* prot, shared and kind keep them apart */

	/* MAP_FIXED over the middle of a populated mapping frees the old pages. */
	assert_int_equal(map(A + 10 * P, 3 * P, RW, ANON | MAP_FIXED), (long)(A + 10 * P));
	for (int i = 0; i < 3; i++)
		wr(A + (10 + i) * P, 0x10 + i);
	uint64_t free_before = pmm_free_pages();
	assert_int_equal(map(A + 11 * P, P, PROT_READ, ANON | MAP_FIXED), (long)(A + 11 * P));
	assert_int_equal(pmm_free_pages(), free_before + 1);
	assert_int_equal(vm_current.n, 7);
	expect_vma(4, A + 10 * P, A + 11 * P, RW);
	expect_vma(5, A + 11 * P, A + 12 * P, PROT_READ);
	expect_vma(6, A + 12 * P, A + 13 * P, RW);
	assert_int_equal(rd(A + 10 * P), 0x10);
	assert_int_equal(rd(A + 11 * P), 0); /* a fresh zero page */
	assert_int_equal(rd(A + 12 * P), 0x12);
	/* Replacing it again with RW merges the three back. */
	assert_int_equal(map(A + 11 * P, P, RW, ANON | MAP_FIXED), (long)(A + 11 * P));
	assert_int_equal(vm_current.n, 5);
	expect_vma(4, A + 10 * P, A + 13 * P, RW);
	assert_int_equal(rd(A + 12 * P), 0x12);
}

static void t_demand_paging_1g(void **state)
{
	uint64_t free0 = pmm_free_pages();
	long a = map(0, GIB, RW, ANON);
	assert_true(a > 0);
	assert_int_equal(pmm_free_pages(), free0);
	assert_int_equal(fake_paging_count(), 0);
	wr(a, 1);
	wr(a + GIB - 1, 2);
	wr(a + GIB / 2, 3);
	assert_int_equal(fake_paging_count(), 3);
	assert_int_equal(rd(a), 1);
	assert_int_equal(rd(a + GIB - 1), 2);
	assert_int_equal(rd(a + 5 * P), 0);
	/* Touch until RAM runs out: the fault reports -ENOMEM, nothing breaks. */
	int r = 0;
	uintptr_t va;
	for (va = a + P; va < (uintptr_t)a + GIB; va += P)
		if ((r = mmu_write(va, 7)) != 0)
			break;
	assert_int_equal(r, -ENOMEM);
	assert_int_equal(pmm_free_pages(), 0);
	assert_int_equal(rd(va - P), 7);
	assert_int_equal(vm_handle_fault(va, 2 | 4), -ENOMEM);
	assert_int_equal(vm_munmap(a, GIB), 0);
	assert_int_equal(pmm_free_pages(), free0);
	assert_int_equal(fake_paging_count(), 0);
	assert_int_equal(vm_current.n, 0);
}

static void t_fault_permissions(void **state)
{
	uint64_t pa;
	unsigned fl;
	long none = map(0, P, PROT_NONE, ANON);
	long ro = map(0, P, PROT_READ, ANON);
	long rw = map(0, P, RW, ANON);
	long rx = map(0, P, PROT_READ | PROT_EXEC, ANON);
	long wo = map(0, P, PROT_WRITE, ANON);
	uint8_t b;
	assert_int_equal(mmu_read(none, &b), -EFAULT);
	assert_int_equal(mmu_write(none, 1), -EFAULT);
	assert_int_equal(fake_paging_count(), 0);
	assert_int_equal(mmu_write(ro, 1), -EFAULT);
	assert_int_equal(rd(ro + 100), 0);
	assert_true(mmu_pte(ro, &pa, &fl));
	assert_int_equal(fl, PG_USER);
	assert_int_equal(mmu_write(ro, 1), -EFAULT); /* present and read-only */
	assert_int_equal(mmu_fetch(ro), -EFAULT);
	wr(rw, 9);
	assert_true(mmu_pte(rw, &pa, &fl));
	assert_int_equal(fl, PG_USER | PG_WRITE);
	assert_int_equal(mmu_fetch(rw), -EFAULT);
	assert_int_equal(mmu_fetch(rx), 0);
	assert_true(mmu_pte(rx, &pa, &fl));
	assert_int_equal(fl, PG_USER | PG_EXEC);
	assert_int_equal(rd(wo), 0); /* write implies read on x86 */
	wr(wo, 1);
	/* Outside any VMA, above USER_TOP, kernel-mode fetch. */
	assert_int_equal(vm_handle_fault(A, 4), -EFAULT);
	assert_int_equal(vm_handle_fault(USER_TOP + P, 4), -EFAULT);
	assert_int_equal(vm_handle_fault(DIRECT_BASE, 0), -EFAULT);
	assert_int_equal(vm_handle_fault(rx + 1, 0x10), -EFAULT);
	/* Kernel access to a not-yet-populated page (copy_to_user) populates it. */
	long rw2 = map(0, P, RW, ANON);
	assert_int_equal(vm_handle_fault(rw2 + 8, 2), 0);
	assert_true(mmu_pte(rw2, &pa, &fl));
	/* A kernel fault on a page that already allows the access is not resolvable. */
	assert_int_equal(vm_handle_fault(rw2 + 8, 1 | 2), -EFAULT);
	/* A user fault there is spurious: flush and retry. */
	unsigned long flushes = fake_flush_page_calls;
	assert_int_equal(vm_handle_fault(rw2 + 8, 1 | 2 | 4), 0);
	assert_int_equal(fake_flush_page_calls, flushes + 1);
}

static void t_munmap(void **state)
{
	assert_int_equal(vm_munmap(A + 5, P), -EINVAL);
	assert_int_equal(vm_munmap(A, 0), -EINVAL);
	assert_int_equal(vm_munmap(A, SIZE_MAX), -EINVAL);
	assert_int_equal(vm_munmap(USER_TOP, P), -EINVAL);
	assert_int_equal(vm_munmap(USER_TOP - P, 2 * P), -EINVAL);
	assert_int_equal(vm_munmap(A, P), 0);	   /* nothing there */
	assert_int_equal(vm_munmap(0x1000, P), 0); /* below USER_MIN: fine */
	assert_int_equal(map(A, 8 * P, RW, ANON | MAP_FIXED), (long)A);
	for (int i = 0; i < 8; i++)
		wr(A + i * P, i + 1);
	uint64_t free0 = pmm_free_pages();
	unsigned long flushes = fake_flush_page_calls;
	assert_int_equal(vm_munmap(A + 3 * P, 2 * P - 100), 0); /* rounds up to 2 pages */
	assert_int_equal(pmm_free_pages(), free0 + 2);
	assert_int_equal(fake_flush_page_calls, flushes + 2);
	assert_int_equal(vm_current.n, 2);
	expect_vma(0, A, A + 3 * P, RW);
	expect_vma(1, A + 5 * P, A + 8 * P, RW);
	uint8_t b;
	assert_int_equal(mmu_read(A + 3 * P, &b), -EFAULT);
	assert_int_equal(rd(A + 2 * P), 3);
	assert_int_equal(rd(A + 5 * P), 6);
	/* Head and tail, across the hole. */
	assert_int_equal(vm_munmap(A + 2 * P, 4 * P), 0);
	expect_vma(0, A, A + 2 * P, RW);
	expect_vma(1, A + 6 * P, A + 8 * P, RW);
	assert_int_equal(rd(A + 6 * P), 7);
	assert_int_equal(vm_munmap(A - 4 * P, 20 * P), 0);
	assert_int_equal(vm_current.n, 0);
	assert_int_equal(fake_paging_count(), 0);
	/* Many pages flush the whole TLB once. */
	assert_int_equal(map(A, 64 * P, RW, ANON | MAP_FIXED), (long)A);
	for (int i = 0; i < 64; i++)
		wr(A + i * P, 1);
	unsigned long all = fake_flush_all_calls;
	assert_int_equal(vm_munmap(A, 64 * P), 0);
	assert_int_equal(fake_flush_all_calls, all + 1);
}

static void t_mprotect(void **state)
{
	assert_int_equal(vm_mprotect(A + 1, P, PROT_READ), -EINVAL);
	assert_int_equal(vm_mprotect(A, 0, PROT_READ), 0); /* even unmapped */
	assert_int_equal(vm_mprotect(A, P, PROT_READ), -ENOMEM);
	assert_int_equal(vm_mprotect(A, P, 0x10), -EINVAL);
	assert_int_equal(vm_mprotect(A, SIZE_MAX, PROT_READ), -ENOMEM);
	assert_int_equal(vm_mprotect(USER_TOP, P, PROT_READ), -ENOMEM);
	assert_int_equal(map(A, 6 * P, RW, ANON | MAP_FIXED), (long)A);
	assert_int_equal(vm_mprotect(A, P, 0x01000000 | 0x02000000 | 1), -EINVAL);
	assert_int_equal(vm_mprotect(A, P, 0x01000000 | 1), -EINVAL); /* not GROWSDOWN */
	assert_int_equal(vm_mprotect(A, P, 0x02000000 | 1), -EINVAL);
	assert_int_equal(vm_mprotect(A, P, 0x8 | RW), 0); /* PROT_SEM accepted */
	for (int i = 0; i < 6; i++)
		wr(A + i * P, 0x40 + i);
	/* Middle: three VMAs, populated entries lose PG_WRITE. */
	assert_int_equal(vm_mprotect(A + 2 * P, 2 * P, PROT_READ), 0);
	assert_int_equal(vm_current.n, 3);
	expect_vma(1, A + 2 * P, A + 4 * P, PROT_READ);
	uint64_t pa;
	unsigned fl;
	assert_true(mmu_pte(A + 3 * P, &pa, &fl));
	assert_int_equal(fl, PG_USER);
	assert_int_equal(mmu_write(A + 3 * P, 1), -EFAULT);
	assert_int_equal(rd(A + 3 * P), 0x43);
	wr(A + 4 * P, 1);
	/* Back to RW: merged again. */
	assert_int_equal(vm_mprotect(A + 2 * P, 2 * P, RW), 0);
	assert_int_equal(vm_current.n, 1);
	wr(A + 3 * P, 2);
	/* PROT_NONE keeps the contents, mapped kernel-only. */
	assert_int_equal(vm_mprotect(A, 6 * P, PROT_NONE), 0);
	assert_true(mmu_pte(A, &pa, &fl));
	assert_int_equal(fl, 0);
	uint8_t b;
	assert_int_equal(mmu_read(A, &b), -EFAULT);
	assert_int_equal(vm_mprotect(A, 6 * P, PROT_READ | PROT_EXEC), 0);
	assert_int_equal(rd(A), 0x40);
	assert_int_equal(rd(A + 3 * P), 2);
	assert_int_equal(mmu_fetch(A + 5 * P), 0);
	/* A hole: the part before it changes, then -ENOMEM (as Linux). */
	assert_int_equal(vm_munmap(A + 3 * P, P), 0);
	assert_int_equal(vm_mprotect(A + P, 4 * P, RW), -ENOMEM);
	expect_vma(0, A, A + P, PROT_READ | PROT_EXEC);
	expect_vma(1, A + P, A + 3 * P, RW);
	expect_vma(2, A + 4 * P, A + 6 * P, PROT_READ | PROT_EXEC);
	/* Unmapped start: -ENOMEM with no change. */
	assert_int_equal(vm_mprotect(A - P, 2 * P, RW), -ENOMEM);
	expect_vma(0, A, A + P, PROT_READ | PROT_EXEC);
	/* PROT_GROWSDOWN on a MAP_GROWSDOWN area extends to its start. */
	long g = map(A + 100 * P, 4 * P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN);
	assert_int_equal(vm_mprotect(g + 2 * P, P, PROT_READ | 0x01000000), 0);
	size_t i = vma_find(g);
	expect_vma(i, g, g + 3 * P, PROT_READ);
	expect_vma(i + 1, g + 3 * P, g + 4 * P, RW);
}

static void t_describe(void **state)
{
	char buf[96];
	assert_int_equal(vm_map_fixed(0x400000, 2 * P, PROT_READ | PROT_EXEC), 0);
	vm_set_brk_start(0x600000);
	assert_int_equal(vm_brk(0x600000 + 100), 0x600000 + 100);
	long s = map(0, 4 * P, RW, ANON | MAP_STACK);
	long a = map(0, P, PROT_WRITE, ANON);
	vm_describe(0x400123, buf, sizeof(buf));
	assert_string_equal(buf, "0x400000-0x402000 r-x program");
	vm_describe(0x600000, buf, sizeof(buf));
	assert_string_equal(buf, "0x600000-0x601000 rw- [heap]");
	vm_describe(s + 5, buf, sizeof(buf));
	assert_string_equal(buf, "0x6fffffffc000-0x700000000000 rw- [stack]");
	vm_describe(a, buf, sizeof(buf));
	assert_string_equal(buf, "0x6fffffffb000-0x6fffffffc000 -w- anonymous");
	vm_describe(0x402000, buf, sizeof(buf));
	assert_string_equal(buf, "unmapped");
	vm_describe(USER_TOP + 5, buf, sizeof(buf));
	assert_string_equal(buf, "unmapped");
	vm_describe(0x400000, buf, 8);
	assert_string_equal(buf, "0x40000");
}

static void t_reinit_frees(void **state)
{
	uint64_t free0 = pmm_free_pages();
	long a = map(0, 16 * P, RW, ANON);
	for (int i = 0; i < 16; i++)
		wr(a + i * P, 1);
	assert_int_equal(pmm_free_pages(), free0 - 16);
	vm_init(MMAP_BASE - GIB);
	assert_int_equal(pmm_free_pages(), free0);
	assert_int_equal(fake_paging_count(), 0);
	assert_int_equal(map(0, P, RW, ANON), (long)(MMAP_BASE - GIB - P));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(t_init),
		T(t_mmap_errors),
		T(t_mmap_placement),
		T(t_merge_and_split_on_fixed),
		T(t_demand_paging_1g),
		T(t_fault_permissions),
		T(t_munmap),
		T(t_mprotect),

		T(t_describe),
		T(t_reinit_frees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
