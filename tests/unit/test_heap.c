/* test_heap.c: unit tests of the kernel heap (kernel/mm/heap.c) over the real pmm and
 * fake RAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "mm_fakes.h"

#define BASE 0x200000ULL
#define MIB (1024 * 1024ULL)

static int setup(void **state)
{
	fake_ram_init(BASE, 4 * MIB);
	return 0;
}

static int teardown(void **state)
{
	fake_ram_free();
	return 0;
}

static void t_small_sizes_aligned_disjoint(void **state)
{
	static const size_t sizes[] = {0,    1,	   15,	 16,   17,   32,   33,	 48,  64,  100,
				       128,  200,  256,	 300,  511,  512,  513,	 672, 700, 1008,
				       1009, 1344, 1500, 2000, 2032, 2033, 2048, 3000};
	enum { N = sizeof(sizes) / sizeof(sizes[0]), REP = 20 };
	static uint8_t *p[N][REP];
	for (int r = 0; r < REP; r++)
		for (int i = 0; i < N; i++) {
			p[i][r] = kmalloc(sizes[i]);
			assert_non_null(p[i][r]);
			assert_int_equal((uintptr_t)p[i][r] % 16, 0);
			memset(p[i][r], i * REP + r, sizes[i]);
		}
	for (int r = 0; r < REP; r++)
		for (int i = 0; i < N; i++) {
			for (size_t k = 0; k < sizes[i]; k++)
				assert_int_equal(p[i][r][k], (uint8_t)(i * REP + r));
			kfree(p[i][r]);
		}
}

static void t_pages_come_back(void **state)
{
	uint64_t before = pmm_free_pages();
	static void *p[3000];
	for (int i = 0; i < 3000; i++)
		assert_non_null(p[i] = kmalloc(16 + (size_t)(i % 7) * 300));
	assert_true(pmm_free_pages() < before - 100);
	for (int i = 0; i < 3000; i++)
		kfree(p[i]);
	/* At most one cached empty slab per class stays. */
	assert_true(pmm_free_pages() >= before - 14);
	kfree(NULL);
}

static void t_large_blocks(void **state)
{
	uint64_t before = pmm_free_pages();
	uint8_t *a = kmalloc(4096);   /* 4096 + header: two pages */
	uint8_t *one = kmalloc(4064); /* fits one page with the header */
	assert_int_equal(pmm_free_pages(), before - 2 - 1);
	kfree(one);
	uint8_t *b = kmalloc(100000);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal((uintptr_t)a % PAGE_SIZE, 32);
	assert_int_equal((uintptr_t)b % PAGE_SIZE, 32);
	assert_int_equal(pmm_free_pages(), before - 2 - 25);
	memset(a, 1, 4096);
	memset(b, 2, 100000);
	kfree(a);
	kfree(b);
	assert_int_equal(pmm_free_pages(), before);
	assert_null(kmalloc(SIZE_MAX));
	assert_null(kmalloc(SIZE_MAX - 8));
	assert_null(kmalloc(8 * MIB)); /* more than all of RAM */
}

static void t_kzalloc_zeroes_reused_memory(void **state)
{
	uint8_t *p = kmalloc(500);
	memset(p, 0xee, 500);
	kfree(p);
	uint8_t *q = kzalloc(500);
	assert_ptr_equal(p, q); /* reused */
	for (int i = 0; i < 500; i++)
		assert_int_equal(q[i], 0);
	kfree(q);
	uint8_t *l = kzalloc(10000); /* fresh pages hold the 0xa5 fill */
	for (int i = 0; i < 10000; i++)
		assert_int_equal(l[i], 0);
	kfree(l);
}

static void t_misuse_panics(void **state)
{
	uint8_t *p = kmalloc(64);
	uint8_t *keep = kmalloc(64); /* keeps the slab alive after p's free */
	kfree(p);
	EXPECT_PANIC(kfree(p));
	assert_non_null(strstr(fake_panic_msg, "double free"));
	EXPECT_PANIC(kfree(keep + 16)); /* inside an object */
	assert_non_null(strstr(fake_panic_msg, "not the start"));
	EXPECT_PANIC(kfree(keep + 1));
	assert_non_null(strstr(fake_panic_msg, "misaligned"));
	uint8_t *l = kmalloc(5000);
	EXPECT_PANIC(kfree(l + 4096)); /* a page inside the block: no magic */
	assert_non_null(strstr(fake_panic_msg, "not a pointer from kmalloc"));
	kfree(l);
	EXPECT_PANIC(kfree(l));
	assert_non_null(strstr(fake_panic_msg, "double free"));
	static uint8_t stack_like[64] __attribute__((aligned(4096)));
	EXPECT_PANIC(kfree(stack_like + 32));
	kfree(keep);
}

static void t_out_of_memory(void **state)
{
	static void *p[2048];
	int n = 0;
	while ((p[n] = kmalloc(2000)) != NULL)
		n++;
	assert_true(n > 1000 && n < 2048); /* two per page over ~1023 pages */
	assert_null(kmalloc(16));
	assert_null(kmalloc(5000));
	EXPECT_PANIC(kmalloc_or_panic(24));
	assert_string_equal(fake_panic_msg, "out of memory: kmalloc(24)");
	while (n--)
		kfree(p[n]);
	void *q = kmalloc_or_panic(24);
	assert_non_null(q);
	kfree(q);
}

/* Random sizes against a shadow: contents survive until freed. */
static void t_random_against_shadow(void **state)
{
	enum { SLOTS = 512 };
	static uint8_t *p[SLOTS];
	static size_t len[SLOTS];
	uint64_t before = pmm_free_pages();
	srand(777);
	for (int step = 0; step < 40000; step++) {
		int k = rand() % SLOTS;
		if (p[k]) {
			for (size_t i = 0; i < len[k]; i++)
				assert_int_equal(p[k][i], (uint8_t)(k + i));
			kfree(p[k]);
			p[k] = NULL;
		} else {
			len[k] = rand() % 8 == 0 ? (size_t)(rand() % 20000)
						 : (size_t)(rand() % 2100);
			p[k] = kmalloc(len[k]);
			assert_non_null(p[k]);
			for (size_t i = 0; i < len[k]; i++)
				p[k][i] = (uint8_t)(k + i);
		}
	}
	for (int k = 0; k < SLOTS; k++)
		kfree(p[k]);
	assert_true(pmm_free_pages() >= before - 14);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_small_sizes_aligned_disjoint, setup, teardown),
		cmocka_unit_test_setup_teardown(t_pages_come_back, setup, teardown),
		cmocka_unit_test_setup_teardown(t_large_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(t_kzalloc_zeroes_reused_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(t_misuse_panics, setup, teardown),
		cmocka_unit_test_setup_teardown(t_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(t_random_against_shadow, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
