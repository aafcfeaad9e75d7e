/* test_pmm.c: unit tests of the physical page allocator (kernel/mm/pmm.c) over fake RAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/layout.h"
#include "mm/pmm.h"
#include "mm_fakes.h"

void *mm_test_phys_to_virt(uint64_t pa);

#define BASE 0x100000ULL
#define MIB (1024 * 1024ULL)

static int teardown(void **state)
{
	fake_ram_free();
	return 0;
}

static void t_counts_and_exhaustion(void **state)
{
	fake_ram_init(BASE, MIB); /* 256 pages, one of them the bitmap */
	assert_int_equal(pmm_total_pages(), 255);
	assert_int_equal(pmm_free_pages(), 255);
	static uint64_t got[255];
	for (int i = 0; i < 255; i++) {
		got[i] = pmm_alloc_page();
		assert_true(got[i] >= BASE + PAGE_SIZE && got[i] < BASE + MIB);
		assert_int_equal(got[i] % PAGE_SIZE, 0);
		for (int j = 0; j < i; j++)
			assert_true(got[j] != got[i]);
	}
	assert_int_equal(pmm_free_pages(), 0);
	assert_int_equal(pmm_alloc_page(), 0);
	assert_int_equal(pmm_alloc_zeroed_page(), 0);
	assert_int_equal(pmm_alloc_contig(2), 0);
	for (int i = 0; i < 255; i++)
		pmm_free_page(got[i]);
	assert_int_equal(pmm_free_pages(), 255);
	/* Freed pages are reused (LIFO). */
	assert_int_equal(pmm_alloc_page(), got[254]);
}

static void t_zeroed(void **state)
{
	fake_ram_init(BASE, MIB);
	uint64_t pa = pmm_alloc_page();
	memset(mm_test_phys_to_virt(pa), 0x5a, PAGE_SIZE);
	pmm_free_page(pa);
	uint64_t z = pmm_alloc_zeroed_page();
	assert_int_equal(z, pa);
	const uint8_t *p = mm_test_phys_to_virt(z);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(p[i], 0);
}

static void t_misuse_panics(void **state)
{
	fake_ram_init(BASE, MIB);
	uint64_t pa = pmm_alloc_page();
	pmm_free_page(pa);
	EXPECT_PANIC(pmm_free_page(pa));
	assert_non_null(strstr(fake_panic_msg, "double free"));
	EXPECT_PANIC(pmm_free_page(BASE + 7 * PAGE_SIZE)); /* never allocated (fresh) */
	EXPECT_PANIC(pmm_free_page(BASE));		   /* the bitmap page */
	EXPECT_PANIC(pmm_free_page(BASE + 2 * MIB));	   /* not RAM */
	uint64_t q = pmm_alloc_page();
	EXPECT_PANIC(pmm_free_page(q + 8)); /* misaligned */
	pmm_free_page(q);
	uint64_t c = pmm_alloc_contig(4);
	pmm_free_contig(c, 4);
	EXPECT_PANIC(pmm_free_contig(c, 4));
}

static void t_ranges_trimmed_any_order(void **state)
{
	fake_ram_alloc(0, 8 * MIB);
	pmm_add_range(4 * MIB + 123, 2 * MIB); /* trimmed to [4M+4K, 6M): 511 pages */
	pmm_add_range(0, MIB);		       /* page 0 never managed: 255 pages */
	pmm_add_range(7 * MIB, PAGE_SIZE);     /* too small for bitmap + page: ignored */
	pmm_add_range(7 * MIB + 100, 200);     /* less than a page after trimming */
	assert_int_equal(pmm_total_pages(), (511 - 1) + (255 - 1));
	uint64_t n = pmm_free_pages();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pa = pmm_alloc_page();
		assert_true(pa != 0);
		assert_true((pa >= 2 * PAGE_SIZE && pa < MIB) ||
			    (pa >= 4 * MIB + 2 * PAGE_SIZE && pa < 6 * MIB));
	}
	assert_int_equal(pmm_alloc_page(), 0);
	EXPECT_PANIC(pmm_add_range(5 * MIB, MIB));
	assert_non_null(strstr(fake_panic_msg, "overlaps"));
}

static void t_boot_touches_only_bitmap(void **state)
{
	fake_ram_alloc(BASE, 64 * MIB);
	const uint8_t *ram = mm_test_phys_to_virt(BASE);
	pmm_add_range(BASE, 64 * MIB);
	/* 16384 pages: 2 KiB of bitmap in one page; the rest still holds the fill. */
	for (size_t i = PAGE_SIZE; i < 64 * MIB; i += 512)
		assert_int_equal(ram[i], 0xa5);
	assert_int_equal(pmm_free_pages(), 16383);
}

static bool contiguous_free(uint64_t pa, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (pa + i * PAGE_SIZE >= BASE + MIB)
			return false;
	return true;
}

static void t_contig_fresh_and_fragmented(void **state)
{
	fake_ram_init(BASE, MIB); /* managed pages: BASE+4K + i*4K, i < 255 */
	uint64_t first = BASE + PAGE_SIZE;
	uint64_t big = pmm_alloc_contig(247); /* from the top of the fresh window */
	assert_int_equal(big, first + 8 * PAGE_SIZE);
	assert_true(contiguous_free(big, 247));
	uint64_t s[4];
	for (int i = 0; i < 4; i++) {
		s[i] = pmm_alloc_page();
		assert_int_equal(s[i], first + i * PAGE_SIZE); /* bottom of the window */
	}
	for (int i = 0; i < 4; i++)
		pmm_free_page(s[i]);
	/* Window [4,8) is too small for 6: the run [0,6) mixes listed and fresh pages. */
	uint64_t r = pmm_alloc_contig(6);
	assert_int_equal(r, first);
	assert_int_equal(pmm_alloc_page(), first + 6 * PAGE_SIZE);
	assert_int_equal(pmm_alloc_page(), first + 7 * PAGE_SIZE);
	assert_int_equal(pmm_alloc_page(), 0);
	assert_int_equal(pmm_free_pages(), 0);

	/* Fragment: free every other page of the big block, then one neighbour. */
	for (int i = 0; i < 247; i += 2)
		pmm_free_page(big + i * PAGE_SIZE);
	assert_int_equal(pmm_alloc_contig(2), 0);
	pmm_free_page(big + 101 * PAGE_SIZE);
	assert_int_equal(pmm_alloc_contig(3), big + 100 * PAGE_SIZE);
	/* The run's pages left the free list: the rest come out once each. */
	uint64_t left = pmm_free_pages();
	assert_int_equal(left, 124 - 2);
	for (uint64_t i = 0; i < left; i++) {
		uint64_t pa = pmm_alloc_page();
		assert_true(pa != big + 100 * PAGE_SIZE && pa != big + 102 * PAGE_SIZE);
		assert_int_equal((pa - big) / PAGE_SIZE % 2, 0);
	}
	assert_int_equal(pmm_alloc_page(), 0);
}

static void t_contig_covers_window(void **state)
{
	fake_ram_init(BASE, MIB);
	uint64_t first = BASE + PAGE_SIZE;
	uint64_t big = pmm_alloc_contig(247); /* window left: [0, 8) */
	for (int i = 0; i < 4; i++)
		pmm_free_page(big + i * PAGE_SIZE); /* pages 8..11 listed */
	assert_int_equal(pmm_alloc_contig(10), first);
	assert_int_equal(pmm_free_pages(), 2);
	assert_int_equal(pmm_alloc_page(), big + 3 * PAGE_SIZE); /* LIFO */
	assert_int_equal(pmm_alloc_page(), big + 2 * PAGE_SIZE);
	assert_int_equal(pmm_alloc_page(), 0);
}

/* Random allocations against a shadow map of owned pages. */
static void t_random_against_shadow(void **state)
{
	enum { PAGES = 1023 };
	fake_ram_init(BASE, 4 * MIB);
	static uint8_t owned[PAGES + 1];
	static struct {
		uint64_t pa, n;
	} blk[4096];
	int nblk = 0;
	uint64_t used = 0;
	memset(owned, 0, sizeof(owned));
	srand(12345);
	for (int step = 0; step < 20000; step++) {
		int op = rand() % 3;
		if (op < 2 && nblk < 4096) {
			uint64_t n = op == 0 ? 1 : 1 + rand() % 12;
			uint64_t pa = n == 1 ? pmm_alloc_page() : pmm_alloc_contig(n);
			if (!pa)
				continue;
			for (uint64_t i = 0; i < n; i++) {
				uint64_t idx = (pa - BASE) / PAGE_SIZE + i;
				assert_true(idx >= 1 && idx <= PAGES);
				assert_int_equal(owned[idx], 0);
				owned[idx] = 1;
			}
			blk[nblk].pa = pa;
			blk[nblk++].n = n;
			used += n;
		} else if (nblk) {
			int k = rand() % nblk;
			for (uint64_t i = 0; i < blk[k].n; i++)
				owned[(blk[k].pa - BASE) / PAGE_SIZE + i] = 0;
			pmm_free_contig(blk[k].pa, blk[k].n);
			used -= blk[k].n;
			blk[k] = blk[--nblk];
		}
		assert_int_equal(pmm_free_pages(), PAGES - used);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(t_counts_and_exhaustion, teardown),
		cmocka_unit_test_teardown(t_zeroed, teardown),
		cmocka_unit_test_teardown(t_misuse_panics, teardown),
		cmocka_unit_test_teardown(t_ranges_trimmed_any_order, teardown),
		cmocka_unit_test_teardown(t_boot_touches_only_bitmap, teardown),
		cmocka_unit_test_teardown(t_contig_fresh_and_fragmented, teardown),
		cmocka_unit_test_teardown(t_contig_covers_window, teardown),
		cmocka_unit_test_teardown(t_random_against_shadow, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
