/* test_checked.c: unit tests of kernel/lib/checked.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/checked.h"

#define UNTOUCHED 0x1234567890abcdefull

static void test_add_sub_mul(void **state)
{
	uint64_t r = UNTOUCHED;

	assert_false(chk_add_u64(1, 2, &r));
	assert_int_equal(r, 3);
	assert_false(chk_add_u64(UINT64_MAX - 1, 1, &r));
	assert_int_equal(r, UINT64_MAX);
	r = UNTOUCHED;
	assert_true(chk_add_u64(UINT64_MAX, 1, &r));
	assert_true(chk_add_u64(1ull << 63, 1ull << 63, &r));
	assert_int_equal(r, UNTOUCHED);

	assert_false(chk_sub_u64(5, 5, &r));
	assert_int_equal(r, 0);
	r = UNTOUCHED;
	assert_true(chk_sub_u64(4, 5, &r));
	assert_int_equal(r, UNTOUCHED);

	assert_false(chk_mul_u64(0, UINT64_MAX, &r));
	assert_int_equal(r, 0);
	assert_false(chk_mul_u64(1ull << 32, (1ull << 32) - 1, &r));
	assert_int_equal(r, (1ull << 32) * ((1ull << 32) - 1));
	r = UNTOUCHED;
	assert_true(chk_mul_u64(1ull << 32, 1ull << 32, &r));
	assert_true(chk_mul_u64(3, UINT64_MAX / 3 + 1, &r));
	assert_int_equal(r, UNTOUCHED);

	size_t s = 7;
	assert_false(chk_add_size(SIZE_MAX - 1, 1, &s));
	assert_int_equal(s, SIZE_MAX);
	assert_true(chk_add_size(SIZE_MAX, 1, &s));
	assert_false(chk_mul_size(16, 4096, &s));
	assert_int_equal(s, 65536);
	assert_true(chk_mul_size(SIZE_MAX / 2 + 1, 2, &s));
	assert_int_equal(s, 65536);
}

static void test_align_up(void **state)
{
	uint64_t r = UNTOUCHED;

	assert_false(chk_align_up_u64(0, 4096, &r));
	assert_int_equal(r, 0);
	assert_false(chk_align_up_u64(1, 4096, &r));
	assert_int_equal(r, 4096);
	assert_false(chk_align_up_u64(4096, 4096, &r));
	assert_int_equal(r, 4096);
	assert_false(chk_align_up_u64(4097, 4096, &r));
	assert_int_equal(r, 8192);
	assert_false(chk_align_up_u64(UINT64_MAX - 4095, 4096, &r));
	assert_int_equal(r, UINT64_MAX - 4095);
	assert_false(chk_align_up_u64(UINT64_MAX, 1, &r));
	assert_int_equal(r, UINT64_MAX);
	r = UNTOUCHED;
	assert_true(chk_align_up_u64(UINT64_MAX - 4094, 4096, &r));
	assert_true(chk_align_up_u64(5, 0, &r));
	assert_true(chk_align_up_u64(5, 24, &r));
	assert_int_equal(r, UNTOUCHED);
}

static void test_range_within(void **state)
{
	assert_true(range_within(0x1000, 0x1000, 0x1000, 0x2000));
	assert_true(range_within(0x1800, 0x10, 0x1000, 0x2000));
	assert_false(range_within(0x1000, 0x1001, 0x1000, 0x2000)); /* one past hi */
	assert_false(range_within(0xfff, 0x10, 0x1000, 0x2000));    /* starts below lo */
	assert_false(range_within(0x3000, 0x10, 0x1000, 0x2000));
	/* Empty ranges: within when lo <= start <= hi. */
	assert_true(range_within(0x2000, 0, 0x1000, 0x2000));
	assert_true(range_within(0x1000, 0, 0x1000, 0x2000));
	assert_false(range_within(0x2001, 0, 0x1000, 0x2000));
	/* A length that wraps around is never within, however the sum lands. */
	assert_false(range_within(0x1800, UINT64_MAX, 0x1000, 0x2000));
	assert_false(range_within(0x1800, UINT64_MAX - 0x7ff, 0, UINT64_MAX));
	assert_false(range_within(UINT64_MAX, 1, 0, UINT64_MAX));
	assert_true(range_within(UINT64_MAX - 1, 1, 0, UINT64_MAX));
}

static void test_range_overlaps(void **state)
{
	assert_true(range_overlaps(0x1000, 0x1000, 0x1fff, 1));
	assert_false(range_overlaps(0x1000, 0x1000, 0x2000, 1)); /* touching */
	assert_false(range_overlaps(0x2000, 1, 0x1000, 0x1000));
	assert_true(range_overlaps(0x1000, 0x1000, 0x0, 0x1001));
	assert_true(range_overlaps(0x1000, 0x10, 0x1004, 0x1)); /* contained */
	assert_false(range_overlaps(0x1000, 0, 0x1000, 0x10));	/* empty */
	assert_false(range_overlaps(0x1000, 0x10, 0x1000, 0));
	/* At and past the top of the address space. */
	assert_true(range_overlaps(UINT64_MAX, 1, UINT64_MAX - 1, 2));
	assert_true(range_overlaps(UINT64_MAX - 1, 100, UINT64_MAX, 1));
	assert_false(range_overlaps(0, 0x10, UINT64_MAX - 1, 100)); /* no wrap to 0 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_sub_mul),
		cmocka_unit_test(test_align_up),
		cmocka_unit_test(test_range_within),
		cmocka_unit_test(test_range_overlaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
