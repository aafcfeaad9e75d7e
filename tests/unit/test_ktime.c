/* test_ktime.c: unit tests of kernel/lib/ktime.c (timespec/timeval checks, saturation,
 * periodic expiry and overruns). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/ktime.h"

static void test_from_spec(void **state)
{
	uint64_t ns = 7;
	struct ktime_spec ok = {3, 999999999}, neg = {-1, 0}, big = {0, 1000000000}, negn = {0, -1},
			  huge = {INT64_MAX, 999999999};

	assert_int_equal(ktime_from_spec(&ok, &ns), 0);
	assert_int_equal(ns, 3999999999ull);
	ns = 7;
	assert_int_equal(ktime_from_spec(&neg, &ns), -22);
	assert_int_equal(ktime_from_spec(&big, &ns), -22);
	assert_int_equal(ktime_from_spec(&negn, &ns), -22);
	assert_int_equal(ns, 7);
	assert_int_equal(ktime_from_spec(&huge, &ns), 0);
	assert_int_equal(ns, UINT64_MAX);
}

static void test_from_val(void **state)
{
	uint64_t ns = 0;
	struct ktime_val ok = {1, 999999}, bad = {0, 1000000}, neg = {0, -5};

	assert_int_equal(ktime_from_val(&ok, &ns), 0);
	assert_int_equal(ns, 1999999000ull);
	assert_int_equal(ktime_from_val(&bad, &ns), -22);
	assert_int_equal(ktime_from_val(&neg, &ns), -22);
}

static void test_to(void **state)
{
	struct ktime_spec ts = ktime_to_spec(5000000123ull);
	struct ktime_val tv = ktime_to_val(5000001999ull);

	assert_int_equal(ts.sec, 5);
	assert_int_equal(ts.nsec, 123);
	assert_int_equal(tv.sec, 5);
	assert_int_equal(tv.usec, 1);
	assert_int_equal(ktime_add_sat(UINT64_MAX - 1, 5), UINT64_MAX);
	assert_int_equal(ktime_add_sat(1, 5), 6);
}

static void test_next_expiry(void **state)
{
	uint32_t missed = 99;

	/* On time: no overrun, next one interval later. */
	assert_int_equal(ktime_next_expiry(100, 10, 100, &missed), 110);
	assert_int_equal(missed, 0);
	/* Late by just under a period. */
	assert_int_equal(ktime_next_expiry(100, 10, 109, &missed), 110);
	assert_int_equal(missed, 0);
	/* Exactly one period late: that expiry was missed. */
	assert_int_equal(ktime_next_expiry(100, 10, 110, &missed), 120);
	assert_int_equal(missed, 1);
	assert_int_equal(ktime_next_expiry(100, 10, 155, &missed), 160);
	assert_int_equal(missed, 5);
	/* Saturation of the count and the time. */
	assert_int_equal(ktime_next_expiry(0, 1, UINT64_MAX - 1, &missed), UINT64_MAX);
	assert_int_equal(missed, 0x7fffffffu);
	assert_int_equal(ktime_next_expiry(UINT64_MAX - 5, 100, UINT64_MAX - 5, &missed),
			 UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_spec),
		cmocka_unit_test(test_from_val),
		cmocka_unit_test(test_to),
		cmocka_unit_test(test_next_expiry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
