/* test_vm_remap.c: unit tests of mremap, madvise, brk and the loader's calls
 * (vm_map_fixed, vm_copy_in) over fake RAM and fake page tables; the expected errnos
 * were checked against Linux 6.18. */
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

#define MAYMOVE MREMAP_MAYMOVE

static int setup(void **state)
{
	return vm_test_start(8 * MIB);
}

static bool unmapped(uintptr_t va)
{
	uint8_t b;
	return mmu_read(va, &b) == -EFAULT;
}

static uint64_t pa_of(uintptr_t va)
{
	uint64_t pa = 0;
	unsigned fl;
	assert_true(mmu_pte(va, &pa, &fl));
	return pa;
}

static void expect_vma(size_t i, uintptr_t start, uintptr_t end, int prot)
{
	assert_true(i < vm_current.n);
	assert_int_equal(vm_current.v[i].start, start);
	assert_int_equal(vm_current.v[i].end, end);
	assert_int_equal(vm_current.v[i].prot, prot);
}

static void t_mremap_errors(void **state)
{
	long r = map(A, 2 * P, RW, FIXED);
	assert_int_equal(vm_mremap(r, P, 2 * P, 8, 0), -EINVAL);
	assert_int_equal(vm_mremap(r + 1, P, P, 0, 0), -EINVAL);
	assert_int_equal(vm_mremap(r, P, 0, 0, 0), -EINVAL);
	assert_int_equal(vm_mremap(r, P, SIZE_MAX, MAYMOVE, 0), -EINVAL); /* rounds to 0 */
	assert_int_equal(vm_mremap(r, P, P, MREMAP_FIXED, B), -EINVAL);	  /* no MAYMOVE */
	assert_int_equal(vm_mremap(r, P, P, MREMAP_DONTUNMAP, B), -EINVAL);
	assert_int_equal(vm_mremap(r, P, 2 * P, MAYMOVE | MREMAP_DONTUNMAP, 0), -EINVAL);
	assert_int_equal(vm_mremap(r, 2 * P, 2 * P, MAYMOVE | MREMAP_FIXED, r + P), -EINVAL);
	assert_int_equal(vm_mremap(r, P, P, MAYMOVE | MREMAP_FIXED, B + 1), -EINVAL);
	assert_int_equal(vm_mremap(r, P, P, MAYMOVE | MREMAP_FIXED, USER_TOP), -EINVAL);
	assert_int_equal(vm_mremap(r, P, P, MAYMOVE | MREMAP_FIXED, 0x1000), -EPERM);
	assert_int_equal(vm_mremap(r, P, 2 * P, MAYMOVE | MREMAP_FIXED, 0x1000), -EPERM);
	assert_int_equal(vm_mremap(B, 2 * P, P, 0, 0), -EFAULT); /* shrink unmapped */
	assert_int_equal(vm_mremap(B, P, P, 0, 0), -EFAULT);
	assert_int_equal(vm_mremap(B, P, 2 * P, MAYMOVE, 0), -EFAULT);
	assert_int_equal(vm_mremap(B, P, P, MAYMOVE | MREMAP_FIXED, A + 9 * P), -EFAULT);
	assert_int_equal(vm_mremap(r, 3 * P, 4 * P, MAYMOVE, 0), -EFAULT); /* crosses end */
	assert_int_equal(vm_mremap(r, 0, P, MAYMOVE, 0), -EINVAL);	   /* duplicate */
	assert_int_equal(map(r + 2 * P, P, PROT_READ, FIXED), (long)(r + 2 * P));
	assert_int_equal(vm_mremap(r, 2 * P, 3 * P, 0, 0), -ENOMEM); /* blocked, no MAYMOVE */
	assert_int_equal(vm_mremap(r, P, 2 * P, 0, 0), -ENOMEM);     /* not at the end */
	assert_int_equal(vm_mremap(r, P, P, 0, 0), (long)r);
	assert_int_equal(vm_current.n, 2);
}

static void t_mremap_shrink_grow_in_place(void **state)
{
	long r = map(A, 4 * P, RW, FIXED);
	for (int i = 0; i < 4; i++)
		wr(r + i * P, 0x30 + i);
	uint64_t free0 = pmm_free_pages();
	assert_int_equal(vm_mremap(r, 4 * P, 2 * P - 5, 0, 0), (long)r);
	assert_int_equal(pmm_free_pages(), free0 + 2);
	assert_true(unmapped(r + 2 * P));
	/* Shrinking only needs a VMA at the start; the tail is a plain munmap. */
	assert_int_equal(map(r + 3 * P, P, RW, FIXED), (long)(r + 3 * P));
	assert_int_equal(vm_mremap(r, 8 * P, P, 0, 0), (long)r);
	assert_true(unmapped(r + 3 * P));
	assert_int_equal(vm_mremap(r, P, 5 * P, 0, 0), (long)r); /* grows in place */
	expect_vma(0, r, r + 5 * P, RW);
	assert_int_equal(rd(r), 0x30);
	assert_int_equal(rd(r + P), 0); /* freed by the shrink, fresh now */
	/* Growing into a compatible neighbour's start is blocked; up to it merges. */
	assert_int_equal(map(r + 6 * P, P, RW, FIXED), (long)(r + 6 * P));
	assert_int_equal(vm_mremap(r, 5 * P, 6 * P, 0, 0), (long)r);
	assert_int_equal(vm_current.n, 1);
	expect_vma(0, r, r + 7 * P, RW);
}

static void t_mremap_move(void **state)
{
	long r = map(A, 3 * P, RW, FIXED);
	assert_int_equal(map(A + 3 * P, P, PROT_READ, FIXED), (long)(A + 3 * P)); /* blocker */
	uint64_t pas[3];
	for (int i = 0; i < 3; i++) {
		wr(r + i * P + 7, 0x50 + i);
		pas[i] = pa_of(r + i * P);
	}
	uint64_t free0 = pmm_free_pages();
	size_t mapped0 = fake_paging_count();
	long n = vm_mremap(r, 3 * P, 6 * P, MAYMOVE, 0);
	assert_int_equal(n, (long)(MMAP_BASE - 6 * P));
	assert_int_equal(pmm_free_pages(), free0); /* entries moved, nothing copied */
	assert_int_equal(fake_paging_count(), mapped0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pa_of(n + i * P), pas[i]);
		assert_int_equal(rd(n + i * P + 7), 0x50 + i);
		assert_true(unmapped(r + i * P));
	}
	assert_int_equal(rd(n + 5 * P), 0);
	wr(n + 5 * P, 1);
	/* Moving the head of a VMA leaves the rest. */
	long h = vm_mremap(n, P, 2 * P, MAYMOVE, 0);
	assert_int_equal(h, (long)(MMAP_BASE - 8 * P));
	assert_int_equal(rd(h + 7), 0x50);
	assert_true(unmapped(n));
	assert_int_equal(rd(n + P + 7), 0x51);
	/* MREMAP_FIXED replaces what is at the target and frees its pages. */
	long t = map(B, 2 * P, PROT_READ, FIXED);
	assert_int_equal(rd(t), 0);
	free0 = pmm_free_pages();
	assert_int_equal(vm_mremap(n + P, 2 * P, 2 * P, MAYMOVE | MREMAP_FIXED, B), (long)B);
	assert_int_equal(pmm_free_pages(), free0 + 1);
	assert_int_equal(rd(B + 7), 0x51);
	assert_int_equal(rd(B + P + 7), 0x52);
	assert_int_equal(vm_current.v[vma_find(B)].prot, RW); /* the moved VMA's prot */
	/* FIXED with a different length: shrinks first, then moves. */
	assert_int_equal(vm_mremap(B, 2 * P, P, MAYMOVE | MREMAP_FIXED, A + 100 * P),
			 (long)(A + 100 * P));
	assert_int_equal(rd(A + 100 * P + 7), 0x51);
	assert_true(unmapped(B + P));
	/* Pages keep their offsets when the first ones were never touched. */
	long u = map(0, 4 * P, RW, ANON);
	wr(u + 2 * P, 0x77);
	long m = vm_mremap(u, 4 * P, 4 * P, MAYMOVE | MREMAP_FIXED, B + 0x100000);
	assert_int_equal(m, (long)(B + 0x100000));
	assert_int_equal(rd(m + 2 * P), 0x77);
	assert_int_equal(rd(m), 0);
	assert_int_equal(rd(m + 3 * P), 0);
}

static void t_mremap_fixed_many_vmas(void **state)
{
	/* [A: rw][A+P: r][hole][A+3P: rw] -> B, keeping the layout; B+2P is not touched. */
	assert_int_equal(map(A, 4 * P, RW, FIXED), (long)A);
	for (int i = 0; i < 4; i++)
		wr(A + i * P, 0x60 + i);
	assert_int_equal(vm_mprotect(A + P, P, PROT_READ), 0);
	assert_int_equal(vm_munmap(A + 2 * P, P), 0);
	assert_int_equal(map(B + 2 * P, P, PROT_EXEC, FIXED), (long)(B + 2 * P));
	assert_int_equal(vm_mremap(A, 4 * P, 4 * P, MAYMOVE | MREMAP_FIXED, B), (long)B);
	size_t i = vma_find(B);
	expect_vma(i, B, B + P, RW);
	expect_vma(i + 1, B + P, B + 2 * P, PROT_READ);
	expect_vma(i + 2, B + 2 * P, B + 3 * P, PROT_EXEC);
	expect_vma(i + 3, B + 3 * P, B + 4 * P, RW);
	assert_int_equal(rd(B), 0x60);
	assert_int_equal(rd(B + P), 0x61);
	assert_int_equal(rd(B + 3 * P), 0x63);
	assert_true(unmapped(A));
	assert_true(unmapped(A + 3 * P));
	/* A hole at the start of the source. */
	assert_int_equal(vm_mremap(B - P, 2 * P, 2 * P, MAYMOVE | MREMAP_FIXED, A), -EFAULT);
}

static void t_mremap_dontunmap(void **state)
{
	long r = map(0, P, RW, ANON);
	wr(r, 1);
	long d = vm_mremap(r, P, P, MAYMOVE | MREMAP_DONTUNMAP, B);
	assert_int_equal(d, (long)B); /* a free hint is used */
	assert_int_equal(rd(d), 1);
	assert_int_equal(rd(r), 0); /* still mapped, pages gone */
	long d2 = vm_mremap(d, P, P, MAYMOVE | MREMAP_DONTUNMAP, 0);
	assert_int_equal(d2, (long)(MMAP_BASE - 2 * P));
	assert_int_equal(rd(d2), 1);
}

static void t_mremap_move_rolls_back(void **state)
{
	long r = map(A, 3 * P, RW, FIXED);
	assert_int_equal(map(A + 3 * P, P, PROT_READ, FIXED), (long)(A + 3 * P));
	for (int i = 0; i < 3; i++)
		wr(r + i * P, 0x70 + i);
	size_t n0 = vm_current.n, mapped0 = fake_paging_count();
	uint64_t free0 = pmm_free_pages();
	fake_paging_fail_after = 2; /* the third page-table insertion fails */
	assert_int_equal(vm_mremap(r, 3 * P, 4 * P, MAYMOVE, 0), -ENOMEM);
	fake_paging_fail_after = -1;
	assert_int_equal(vm_current.n, n0);
	assert_int_equal(fake_paging_count(), mapped0);
	assert_int_equal(pmm_free_pages(), free0);
	assert_true(unmapped(MMAP_BASE - 4 * P));
	for (int i = 0; i < 3; i++)
		assert_int_equal(rd(r + i * P), 0x70 + i);
}

static void t_madvise(void **state)
{
	long r = map(A, 4 * P, RW, FIXED);
	static const int bad[] = {5, 6, 7, 25, 26, 100, 101, 102, 103, -1};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vm_madvise(r, P, bad[i]), -EINVAL);
	static const int good[] = {0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(vm_madvise(r, P, good[i]), 0);
	assert_int_equal(vm_madvise(r + 1, P, 4), -EINVAL);
	assert_int_equal(vm_madvise(r, SIZE_MAX, 4), -EINVAL);
	assert_int_equal(vm_madvise(B, 0, 4), 0);
	assert_int_equal(vm_madvise(B, P, 4), -ENOMEM);
	assert_int_equal(vm_madvise(USER_TOP - P, P, 999), -EINVAL);

	for (int i = 0; i < 4; i++)
		wr(r + i * P, 0x80 + i);
	uint64_t free0 = pmm_free_pages();
	assert_int_equal(vm_madvise(r + P, 2 * P, 4), 0); /* MADV_DONTNEED */
	assert_int_equal(pmm_free_pages(), free0 + 2);
	assert_int_equal(rd(r), 0x80);
	assert_int_equal(rd(r + P), 0);
	assert_int_equal(rd(r + 2 * P), 0);
	assert_int_equal(rd(r + 3 * P), 0x83);
	assert_int_equal(vm_madvise(r + 3 * P, P, 8), 0); /* MADV_FREE drops at once */
	assert_int_equal(rd(r + 3 * P), 0);
	assert_int_equal(vm_madvise(r, P, 9), -EINVAL); /* MADV_REMOVE: not shared */
	/* A hole: the mapped parts are advised, then -ENOMEM. */
	wr(r, 1);
	assert_int_equal(map(r + 5 * P, P, RW, FIXED), (long)(r + 5 * P));
	wr(r + 5 * P, 2);
	assert_int_equal(vm_madvise(r, 6 * P, 4), -ENOMEM);
	assert_int_equal(rd(r), 0);
	assert_int_equal(rd(r + 5 * P), 0);

	/* Shared memory keeps its contents on DONTNEED; REMOVE frees it. */
	long s = map(0, P, RW, SHARED);
	wr(s, 7);
	assert_int_equal(vm_madvise(s, P, 4), 0);
	assert_int_equal(rd(s), 7);
	assert_int_equal(vm_madvise(s, P, 8), -EINVAL);	 /* FREE */
	assert_int_equal(vm_madvise(s, P, 18), -EINVAL); /* WIPEONFORK */
	assert_int_equal(vm_madvise(s, P, 9), 0);
	assert_int_equal(rd(s), 0);

	/* POPULATE_READ / _WRITE. */
	long ro = map(0, 2 * P, PROT_READ, ANON);
	long none = map(0, P, PROT_NONE, ANON);
	size_t mapped = fake_paging_count();
	assert_int_equal(vm_madvise(ro, 2 * P, 23), -EINVAL);
	assert_int_equal(vm_madvise(none, P, 22), -EINVAL);
	assert_int_equal(vm_madvise(ro, 2 * P, 22), 0);
	assert_int_equal(fake_paging_count(), mapped + 2);
}

static void t_brk(void **state)
{
	const uintptr_t S = 0x5550000000UL;
	assert_int_equal(vm_brk(S + P), 0); /* no break yet */
	vm_set_brk_start(S);
	assert_int_equal(vm_brk(0), (long)S);
	assert_int_equal(vm_brk(S - P), (long)S);
	assert_int_equal(vm_brk(S + 5), (long)(S + 5)); /* exact value kept */
	assert_int_equal(vm_brk(0), (long)(S + 5));
	wr(S + 100, 9);
	assert_int_equal(mmu_write(S + P, 1), -EFAULT);
	assert_int_equal(vm_brk(S + P + 5), (long)(S + P + 5));
	assert_int_equal(vm_current.n, 1);
	expect_vma(0, S, S + 2 * P, RW);
	assert_int_equal(vm_current.v[0].kind, VMA_HEAP);
	wr(S + P, 1);
	/* A mapping at S+5P: the break may end one page below it, no closer. */
	assert_int_equal(map(S + 5 * P, P, RW, FIXED), (long)(S + 5 * P));
	assert_int_equal(vm_brk(S + 4 * P), (long)(S + 4 * P));
	assert_int_equal(vm_brk(S + 4 * P + 1), (long)(S + 4 * P));
	assert_int_equal(vm_brk(S + 9 * P), (long)(S + 4 * P));
	/* Shrinking frees pages; growing again reads zeros. */
	uint64_t free0 = pmm_free_pages();
	assert_int_equal(vm_brk(S + 1), (long)(S + 1));
	assert_int_equal(pmm_free_pages(), free0 + 1);
	assert_true(unmapped(S + P));
	assert_int_equal(rd(S + 100), 9);
	assert_int_equal(vm_brk(S + 2 * P), (long)(S + 2 * P));
	assert_int_equal(rd(S + P), 0);
	assert_int_equal(vm_brk(S), (long)S);
	assert_true(unmapped(S));
	assert_int_equal(vm_brk(USER_TOP + P), (long)S);
}

static void t_loader_calls(void **state)
{
	static const char text[] = "hello, program";
	assert_int_equal(vm_map_fixed(0x400000, 2 * P, PROT_READ | PROT_EXEC), 0);
	assert_int_equal(vm_map_fixed(0x402000, P, PROT_READ), 0);
	assert_int_equal(vm_map_fixed(0x403000, P, PROT_NONE), 0);
	assert_int_equal(vm_map_fixed(0x401000, 2 * P, RW), -EEXIST);
	assert_int_equal(vm_map_fixed(0x500000, 100, RW), -EINVAL);
	assert_int_equal(vm_map_fixed(0x500000, 0, RW), -EINVAL);
	assert_int_equal(vm_map_fixed(0x1000, P, RW), -EPERM);
	assert_int_equal(vm_current.v[0].kind, VMA_PROGRAM);
	/* Copies ignore protection, cross VMAs and page boundaries. */
	assert_int_equal(vm_copy_in(0x402000 - 5, text, sizeof(text)), 0);
	uint8_t b;
	for (size_t i = 0; i < sizeof(text); i++) {
		assert_int_equal(mmu_read(0x402000 - 5 + i, &b), 0);
		assert_int_equal(b, (uint8_t)text[i]);
	}
	assert_int_equal(mmu_write(0x402000, 1), -EFAULT);
	assert_int_equal(vm_copy_in(0x403010, text, 4), 0); /* PROT_NONE: kept, refused */
	assert_int_equal(mmu_read(0x403010, &b), -EFAULT);
	assert_int_equal(vm_mprotect(0x403000, P, PROT_READ), 0);
	assert_int_equal(rd(0x403010), 'h');
	/* Outside any VMA, partly outside, across the user top: nothing written. */
	size_t mapped = fake_paging_count();
	assert_int_equal(vm_copy_in(0x404000, text, 4), -EFAULT);
	assert_int_equal(vm_copy_in(0x404000 - 2, text, 4), -EFAULT);
	assert_int_equal(vm_copy_in(USER_TOP - 2, text, 4), -EFAULT);
	assert_int_equal(vm_copy_in(UINTPTR_MAX - 2, text, 4), -EFAULT);
	assert_int_equal(fake_paging_count(), mapped);
	assert_int_equal(vm_copy_in(0x404000, text, 0), 0);
	/* Running out of memory is -ENOMEM. */
	long big = map(0, 16 * MIB, RW, ANON);
	static char chunk[64 * 1024];
	long r = 0;
	for (long off = 0; off < 16 * (long)MIB && !r; off += sizeof(chunk))
		r = vm_copy_in(big + off, chunk, sizeof(chunk));
	assert_int_equal(r, -ENOMEM);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(t_mremap_errors),    T(t_mremap_shrink_grow_in_place),
		T(t_mremap_move),      T(t_mremap_fixed_many_vmas),
		T(t_mremap_dontunmap), T(t_mremap_move_rolls_back),
		T(t_madvise),	       T(t_brk),
		T(t_loader_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
