/* test_cli_size.c: memory size parsing for isle run -m. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../cli/size.h"

static void accepts(const char *s, uint64_t want)
{
	uint64_t got = 0;

	assert_int_equal(size_parse(s, &got), 0);
	assert_true(got == want);
}

static void test_suffixes(void **state)
{
	accepts("128", 128ULL << 20); /* plain number: MiB */
	accepts("0", 0);
	accepts("4M", 4ULL << 20);
	accepts("4m", 4ULL << 20);
	accepts("4MiB", 4ULL << 20);
	accepts("4mib", 4ULL << 20);
	accepts("4MB", 4ULL << 20);
	accepts("4mb", 4ULL << 20);
	accepts("4096K", 4ULL << 20);
	accepts("4097k", 4097ULL << 10);
	accepts("4096KiB", 4ULL << 20);
	accepts("1G", 1ULL << 30);
	accepts("2gib", 2ULL << 30);
	accepts("3GB", 3ULL << 30);
	accepts("007M", 7ULL << 20);
}

static void rejects(const char *s, int err)
{
	uint64_t got = 12345;

	assert_int_equal(size_parse(s, &got), err);
	assert_true(got == 12345); /* untouched on error */
}

static void test_garbage(void **state)
{
	rejects("", -EINVAL);
	rejects("M", -EINVAL);
	rejects("abc", -EINVAL);
	rejects("-4M", -EINVAL);
	rejects("+4M", -EINVAL);
	rejects(" 4M", -EINVAL);
	rejects("4M ", -EINVAL);
	rejects("4 M", -EINVAL);
	rejects("1.5G", -EINVAL);
	rejects("4T", -EINVAL);
	rejects("4B", -EINVAL);
	rejects("4Mi", -EINVAL);
	rejects("4MiBB", -EINVAL);
	rejects("4iB", -EINVAL);
	rejects("4Mx", -EINVAL);
	rejects("0x10", -EINVAL);
}

static void test_limits(void **state)
{
	/* 2^64 - 1 fits as a digit string but not once multiplied. */
	rejects("18446744073709551615", -ERANGE);  /* MiB */
	rejects("18446744073709551616K", -ERANGE); /* digits alone overflow */
	rejects("99999999999999999999999", -ERANGE);
	rejects("17179869184G", -ERANGE); /* 2^34 GiB = 2^64 */
	accepts("17179869183G", 17179869183ULL << 30);
	accepts("18014398509481983K", 18014398509481983ULL << 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suffixes),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
