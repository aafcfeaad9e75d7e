/* test_civil.c: kernel/lib/civil.c: known dates (checked with Python's datetime), the
 * 2^31 second, every day from 1600 to 2400 against a day-by-day walk, and range checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/civil.h"

static void test_known_days(void **state)
{
	assert_int_equal(civil_days_from_epoch(1970, 1, 1), 0);
	assert_int_equal(civil_days_from_epoch(1969, 12, 31), -1);
	assert_int_equal(civil_days_from_epoch(2000, 2, 29), 11016);
	assert_int_equal(civil_days_from_epoch(2026, 11, 22), 20779);
	assert_int_equal(civil_days_from_epoch(1900, 1, 1), -25567);
	assert_int_equal(civil_days_from_epoch(2100, 3, 1), 47541);
	assert_int_equal(civil_days_from_epoch(1, 1, 1), -719162);
	assert_int_equal(civil_days_from_epoch(9999, 12, 31), 2932896);
}

static void test_known_seconds(void **state)
{
	assert_int_equal(civil_to_unix(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(civil_to_unix(2038, 1, 19, 3, 14, 8), 2147483648LL);
	assert_int_equal(civil_to_unix(2038, 1, 19, 3, 14, 7), 2147483647LL);
	assert_int_equal(civil_to_unix(2000, 2, 29, 12, 0, 0), 11016LL * 86400 + 43200);
	assert_int_equal(civil_to_unix(2026, 11, 22, 23, 59, 59), 20779LL * 86400 + 86399);
}

/* Walk day by day with an independent month-length rule: every date is one day after the
 * previous one, and the last day of each month is valid while the next is not. */
static void test_walk(void **state)
{
	int64_t expect = civil_days_from_epoch(1600, 1, 1);
	for (int y = 1600; y <= 2400; y++) {
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		for (int m = 1; m <= 12; m++) {
			int len = m == 2				    ? (leap ? 29 : 28)
				  : (m == 4 || m == 6 || m == 9 || m == 11) ? 30
									    : 31;
			for (int d = 1; d <= len; d++) {
				assert_true(civil_date_valid(y, m, d));
				assert_int_equal(civil_days_from_epoch(y, m, d), expect);
				expect++;
			}
			assert_false(civil_date_valid(y, m, len + 1));
		}
	}
}

static void test_invalid(void **state)
{
	assert_false(civil_date_valid(2026, 0, 1));
	assert_false(civil_date_valid(2026, 13, 1));
	assert_false(civil_date_valid(2026, 1, 0));
	assert_false(civil_date_valid(0, 1, 1));
	assert_false(civil_date_valid(10000, 1, 1));
	assert_false(civil_date_valid(1900, 2, 29));
	assert_true(civil_date_valid(2000, 2, 29));
	assert_int_equal(civil_to_unix(2026, 2, 30, 0, 0, 0), -1);
	assert_int_equal(civil_to_unix(2026, 1, 1, 24, 0, 0), -1);
	assert_int_equal(civil_to_unix(2026, 1, 1, 0, 60, 0), -1);
	assert_int_equal(civil_to_unix(2026, 1, 1, 0, 0, 60), -1);
	assert_int_equal(civil_to_unix(2026, 1, 1, -1, 0, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_days),
		cmocka_unit_test(test_known_seconds),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
