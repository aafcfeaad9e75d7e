/* test_string.c: unit tests of kernel/lib/string.c, built under k_ names beside libc's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

/* The host C library already defines these names; compile the kernel's copies as k_*. */
#define memcpy k_memcpy
#define memmove k_memmove
#define memset k_memset
#define memcmp k_memcmp
#define strlen k_strlen
#define strnlen k_strnlen
#define strcmp k_strcmp
#define strncmp k_strncmp
#define strchr k_strchr
#define strrchr k_strrchr
#define strlcpy k_strlcpy
#include "lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strlcpy

#define GUARD 0xa5

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void fill_pattern(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + 3);
}

static void test_memcpy_sizes_and_offsets(void **state)
{
	unsigned char src[96], dst[128];

	fill_pattern(src, sizeof(src));
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n <= 80; n++) {
			memset(dst, GUARD, sizeof(dst));
			assert_ptr_equal(k_memcpy(dst + off, src + 3, n), dst + off);
			for (size_t i = 0; i < sizeof(dst); i++) {
				if (i >= off && i < off + n)
					assert_int_equal(dst[i],
							 (unsigned char)((i - off + 3) * 7 + 3));
				else
					assert_int_equal(dst[i], GUARD);
			}
		}
	}
}

static void test_memset(void **state)
{
	unsigned char buf[64];

	for (size_t off = 0; off < 4; off++) {
		for (size_t n = 0; n <= 40; n++) {
			memset(buf, GUARD, sizeof(buf));
			/* Only the low byte of c is stored. */
			assert_ptr_equal(k_memset(buf + off, 0x13c, n), buf + off);
			for (size_t i = 0; i < sizeof(buf); i++)
				assert_int_equal(buf[i], i >= off && i < off + n ? 0x3c : GUARD);
		}
	}
	memset(buf, GUARD, sizeof(buf));
	k_memset(buf, 0, 0);
	assert_int_equal(buf[0], GUARD);
}

static void test_memmove_handwritten(void **state)
{
	char a[] = "abcdefgh";
	char b[] = "abcdefgh";
	char c[] = "abcdefgh";

	/* dst after src, overlapping: must copy backwards. */
	assert_ptr_equal(k_memmove(a + 2, a, 5), a + 2);
	assert_string_equal(a, "ababcdeh");
	/* dst before src, overlapping. */
	assert_ptr_equal(k_memmove(b, b + 3, 5), b);
	assert_string_equal(b, "defghfgh");
	/* Same pointer and n == 0 leave everything alone. */
	k_memmove(c, c, 8);
	k_memmove(c + 1, c, 0);
	assert_string_equal(c, "abcdefgh");
}

static void test_memmove_all_overlaps(void **state)
{
	unsigned char buf[64], want[64], snap[64];

	for (size_t src = 0; src < 24; src++) {
		for (size_t dst = 0; dst < 24; dst++) {
			for (size_t n = 0; n <= 40; n++) {
				fill_pattern(buf, sizeof(buf));
				/* Expected: the n source bytes as they were before the call. */
				memcpy(snap, buf + src, n);
				memcpy(want, buf, sizeof(want));
				memcpy(want + dst, snap, n);
				assert_ptr_equal(k_memmove(buf + dst, buf + src, n), buf + dst);
				assert_memory_equal(buf, want, sizeof(buf));
			}
		}
	}
}

static void test_memcmp(void **state)
{
	assert_int_equal(k_memcmp("abc", "abd", 0), 0);
	assert_int_equal(k_memcmp("abc", "abc", 3), 0);
	assert_int_equal(sign(k_memcmp("abc", "abd", 3)), -1);
	assert_int_equal(sign(k_memcmp("abd", "abc", 3)), 1);
	/* Bytes compare as unsigned char. */
	assert_int_equal(sign(k_memcmp("\x80", "\x01", 1)), 1);
	assert_int_equal(sign(k_memcmp("a\xff", "a\x00", 2)), 1);
	/* Bytes after the first difference do not matter; NUL does not stop it. */
	assert_int_equal(sign(k_memcmp("a\0b", "a\0c", 3)), -1);
	assert_int_equal(sign(k_memcmp("az", "ba", 2)), -1);
}

static void test_strlen_strnlen(void **state)
{
	assert_int_equal(k_strlen(""), 0);
	assert_int_equal(k_strlen("a"), 1);
	assert_int_equal(k_strlen("hello world"), 11);
	assert_int_equal(k_strlen("ab\0cd"), 2);
	assert_int_equal(k_strnlen("hello", 0), 0);
	assert_int_equal(k_strnlen("hello", 3), 3);
	assert_int_equal(k_strnlen("hello", 5), 5);
	assert_int_equal(k_strnlen("hello", 100), 5);
	assert_int_equal(k_strnlen("", 10), 0);
	/* Must not read past max: the array has no NUL. */
	char raw[4] = {'w', 'x', 'y', 'z'};
	assert_int_equal(k_strnlen(raw, sizeof(raw)), 4);
}

static void test_strcmp_strncmp(void **state)
{
	assert_int_equal(k_strcmp("", ""), 0);
	assert_int_equal(k_strcmp("abc", "abc"), 0);
	assert_int_equal(sign(k_strcmp("abc", "abd")), -1);
	assert_int_equal(sign(k_strcmp("abd", "abc")), 1);
	assert_int_equal(sign(k_strcmp("abc", "ab")), 1);
	assert_int_equal(sign(k_strcmp("ab", "abc")), -1);
	assert_int_equal(sign(k_strcmp("", "a")), -1);
	assert_int_equal(sign(k_strcmp("\xff", "a")), 1); /* unsigned compare */

	assert_int_equal(k_strncmp("abc", "xyz", 0), 0);
	assert_int_equal(k_strncmp("abcX", "abcY", 3), 0);
	assert_int_equal(sign(k_strncmp("abcX", "abcY", 4)), -1);
	assert_int_equal(k_strncmp("ab\0x", "ab\0y", 4), 0); /* stops at NUL */
	assert_int_equal(sign(k_strncmp("ab", "abc", 5)), -1);
	assert_int_equal(sign(k_strncmp("abc", "ab", 5)), 1);
	assert_int_equal(sign(k_strncmp("\x80", "\x7f", 1)), 1);
	assert_int_equal(k_strncmp("same", "same", 100), 0);
}

static void test_strchr_strrchr(void **state)
{
	const char *s = "hello, world";

	assert_ptr_equal(k_strchr(s, 'o'), s + 4);
	assert_ptr_equal(k_strchr(s, 'h'), s);
	assert_ptr_equal(k_strchr(s, 'z'), NULL);
	assert_ptr_equal(k_strchr(s, '\0'), s + 12);
	assert_ptr_equal(k_strchr(s, 'o' + 0x100), s + 4); /* c is converted to char */
	assert_ptr_equal(k_strchr("", 'a'), NULL);

	const char *e = "";
	assert_ptr_equal(k_strchr(e, '\0'), e);
	const char *hi = "a\xff"
			 "b";
	assert_ptr_equal(k_strchr(hi, 0xff), hi + 1);

	assert_ptr_equal(k_strrchr(s, 'o'), s + 8);
	assert_ptr_equal(k_strrchr(s, 'h'), s);
	assert_ptr_equal(k_strrchr(s, 'd'), s + 11);
	assert_ptr_equal(k_strrchr(s, 'z'), NULL);
	assert_ptr_equal(k_strrchr(s, '\0'), s + 12);
	assert_ptr_equal(k_strrchr(e, '\0'), e);
	assert_ptr_equal(k_strrchr(e, 'a'), NULL);
	assert_ptr_equal(k_strrchr(hi, 0xff), hi + 1);
}

static void test_strlcpy(void **state)
{
	char buf[8];

	/* size 0: nothing written, length of src returned. */
	memset(buf, GUARD, sizeof(buf));
	assert_int_equal(k_strlcpy(buf, "hello", 0), 5);
	assert_int_equal((unsigned char)buf[0], GUARD);

	/* size 1: only the NUL. */
	memset(buf, GUARD, sizeof(buf));
	assert_int_equal(k_strlcpy(buf, "hello", 1), 5);
	assert_string_equal(buf, "");
	assert_int_equal((unsigned char)buf[1], GUARD);

	/* Truncation: size-1 bytes and a NUL. */
	memset(buf, GUARD, sizeof(buf));
	assert_int_equal(k_strlcpy(buf, "hello world", sizeof(buf)), 11);
	assert_string_equal(buf, "hello w");

	/* Exact fit: strlen(src) == size - 1. */
	memset(buf, GUARD, sizeof(buf));
	assert_int_equal(k_strlcpy(buf, "1234567", sizeof(buf)), 7);
	assert_string_equal(buf, "1234567");

	/* One too long. */
	memset(buf, GUARD, sizeof(buf));
	assert_int_equal(k_strlcpy(buf, "12345678", sizeof(buf)), 8);
	assert_string_equal(buf, "1234567");

	/* Short source: bytes after the NUL are untouched. */
	memset(buf, GUARD, sizeof(buf));
	assert_int_equal(k_strlcpy(buf, "ab", sizeof(buf)), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal((unsigned char)buf[3], GUARD);

	/* Empty source. */
	assert_int_equal(k_strlcpy(buf, "", sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_sizes_and_offsets),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memmove_handwritten),
		cmocka_unit_test(test_memmove_all_overlaps),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_strlen_strnlen),
		cmocka_unit_test(test_strcmp_strncmp),
		cmocka_unit_test(test_strchr_strrchr),
		cmocka_unit_test(test_strlcpy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
