/* test_unix_addr.c: AF_UNIX address parsing and lengths as Linux computes them (paths cut
 * at their NUL, length offsetof(sun_path) + strlen + 1; abstract names keep their length;
 * the family alone is autobind; autobind names are "\0" + 5 hex digits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core/errno.h"
#include "net/unix.h"

static uint32_t mk(uint8_t *b, const char *path, size_t n)
{
	uint16_t fam = AF_UNIX;

	memset(b, 0, UNIX_ADDR_MAX + 8);
	memcpy(b, &fam, 2);
	memcpy(b + 2, path, n);
	return (uint32_t)(2 + n);
}

static void test_path(void **state)
{
	uint8_t b[UNIX_ADDR_MAX + 8];
	struct unix_addr a;
	bool ab;

	(void)state;
	/* Given with its NUL, without it, and with trailing garbage after the NUL. */
	assert_int_equal(unix_addr_parse(b, mk(b, "/tmp/s", 7), &a, &ab), 0);
	assert_int_equal(a.len, 2 + 6 + 1);
	assert_false(ab);
	assert_true(unix_addr_is_path(&a));
	assert_int_equal(unix_addr_parse(b, mk(b, "/tmp/s", 6), &a, &ab), 0);
	assert_int_equal(a.len, 9);
	assert_string_equal((char *)a.b + 2, "/tmp/s");
	assert_int_equal(unix_addr_parse(b, mk(b, "/x\0junk", 7), &a, &ab), 0);
	assert_int_equal(a.len, 2 + 2 + 1);
	assert_int_equal(a.b[4], 0);
	assert_int_equal(a.b[5], 0);
	/* A full 108-byte path without NUL is accepted (the stored copy gets one). */
	char longp[UNIX_PATH_MAX];
	memset(longp, 'a', sizeof(longp));
	assert_int_equal(unix_addr_parse(b, mk(b, longp, sizeof(longp)), &a, &ab), 0);
	assert_int_equal(a.len, UNIX_ADDR_MAX + 1);
	assert_int_equal(a.b[UNIX_ADDR_MAX], 0);
}

static void test_abstract(void **state)
{
	uint8_t b[UNIX_ADDR_MAX + 8];
	struct unix_addr a;
	bool ab;

	(void)state;
	assert_int_equal(unix_addr_parse(b, mk(b, "\0name\0x", 7), &a, &ab), 0);
	assert_int_equal(a.len, 9);
	assert_false(unix_addr_is_path(&a));
	assert_memory_equal(a.b + 2, "\0name\0x", 7);
	assert_int_equal(unix_addr_parse(b, mk(b, "", 0), &a, &ab), 0);
	assert_true(ab);
}

static void test_invalid(void **state)
{
	uint8_t b[UNIX_ADDR_MAX + 8];
	struct unix_addr a;
	bool ab;
	uint16_t inet = 2;

	(void)state;
	mk(b, "/x", 2);
	assert_int_equal(unix_addr_parse(b, 1, &a, &ab), -EINVAL);
	assert_int_equal(unix_addr_parse(b, 0, &a, &ab), -EINVAL);
	assert_int_equal(unix_addr_parse(b, UNIX_ADDR_MAX + 1, &a, &ab), -EINVAL);
	memcpy(b, &inet, 2);
	assert_int_equal(unix_addr_parse(b, 4, &a, &ab), -EINVAL);
}

static void test_auto(void **state)
{
	struct unix_addr a;

	(void)state;
	unix_addr_auto(0x1a2b3, &a);
	assert_int_equal(a.len, 8);
	assert_int_equal(a.b[2], 0);
	assert_memory_equal(a.b + 3, "1a2b3", 5);
	assert_false(unix_addr_is_path(&a));
	unix_addr_auto(7, &a);
	assert_memory_equal(a.b + 3, "00007", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_abstract),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_auto),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
