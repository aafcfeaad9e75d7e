/* test_format.c: unit tests of kernel/lib/format.c against the host's vsnprintf and
 * hand-written expectations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/format.h"

#define FILLER 0x5a

static unsigned long compared; /* formats checked against the host */

/* Runs one format through fmt_vsnprintf with buffer size n into a filled buffer and
 * checks it against want (the full output) and wn (its length): the return value, the
 * truncated prefix, the NUL, and that nothing past n bytes was touched. */
static void check_one(const char *fmt, size_t n, const char *want, int wn, va_list ap)
{
	char got[600];
	va_list aq;
	int gn;

	memset(got, FILLER, sizeof(got));
	va_copy(aq, ap);
	gn = fmt_vsnprintf(n ? got : NULL, n, fmt, aq);
	va_end(aq);
	if (gn != wn)
		fail_msg("format \"%s\" n=%zu: returned %d, want %d", fmt, n, gn, wn);
	if (n == 0)
		return;
	size_t keep = (size_t)wn < n - 1 ? (size_t)wn : n - 1;
	if (memcmp(got, want, keep) != 0 || got[keep] != '\0')
		fail_msg("format \"%s\" n=%zu: got \"%.*s\", want \"%.*s\"", fmt, n, (int)keep, got,
			 (int)keep, want);
	for (size_t i = keep + 1; i < sizeof(got); i++) {
		if ((unsigned char)got[i] != FILLER)
			fail_msg("format \"%s\" n=%zu: byte %zu written", fmt, n, i);
	}
}

/* Checks fmt with these arguments against the host for every buffer size that truncates,
 * plus a large one. */
static void __attribute__((format(printf, 1, 2))) check(const char *fmt, ...)
{
	char want[600];
	va_list ap, aq;
	int wn;

	va_start(ap, fmt);
	va_copy(aq, ap);
	wn = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	assert_true(wn >= 0 && (size_t)wn < sizeof(want));
	for (size_t n = 0; n <= (size_t)wn + 2; n++)
		check_one(fmt, n, want, wn, ap);
	check_one(fmt, sizeof(want), want, wn, ap);
	va_end(ap);
	compared++;
}

/* Same, for generated formats: full buffer, n == 0, 1 and a middle truncation. */
static void __attribute__((format(printf, 1, 2))) check_quick(const char *fmt, ...)
{
	char want[600];
	va_list ap, aq;
	int wn;

	va_start(ap, fmt);
	va_copy(aq, ap);
	wn = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	assert_true(wn >= 0 && (size_t)wn < sizeof(want));
	check_one(fmt, sizeof(want), want, wn, ap);
	check_one(fmt, 0, want, wn, ap);
	check_one(fmt, 1, want, wn, ap);
	check_one(fmt, (size_t)wn / 2 + 1, want, wn, ap);
	va_end(ap);
	compared++;
}

/* Checks fmt_snprintf's output against a hand-written expectation. */
static void expect(const char *want, const char *fmt, ...)
{
	char got[256];
	va_list ap;
	int gn;

	va_start(ap, fmt);
	gn = fmt_vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	if (gn != (int)strlen(want) || strcmp(got, want) != 0)
		fail_msg("format \"%s\": got %d \"%s\", want \"%s\"", fmt, gn, got, want);
}

static void test_literals(void **state)
{
	check("%s", "");
	check("plain text");
	check("100%%");
	check("%%%%%d%%", 5);
	check("a%cb%cc", 'x', 'y');
	check("%c", 0xff);
	check("%5c|%-5c|", 'a', 'b');
	check("[%s]", "hello");
	check("[%10s][%-10s][%.2s][%10.2s][%-10.2s][%.0s]", "abc", "abc", "abc", "abc", "abc",
	      "abc");
	check("[%.10s]", "abc");
	check("%*s|%-*s|%.*s|%*.*s", 6, "ab", 6, "ab", 1, "ab", 5, 1, "ab");
	check("%*s|", -6, "ab");   /* negative width: left-justified */
	check("%.*s|", -1, "abc"); /* negative precision: as if absent */
}

static void test_integers(void **state)
{
	check("%d %i %u %x %X %o", 0, 0, 0u, 0u, 0u, 0u);
	check("%d %d %d %d", 1, -1, INT_MAX, INT_MIN);
	check("%u %u %x %X %o", UINT_MAX, 0x80000000u, 0xdeadbeefu, 0xdeadbeefu, 0777u);
	check("%lld %lld %llu %llx %llo", (long long)INT64_MIN, (long long)INT64_MAX,
	      (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
	      (unsigned long long)UINT64_MAX);
	check("%ld %lu %lx", (long)INT64_MIN, (unsigned long)UINT64_MAX, (unsigned long)UINT64_MAX);
	check("%jd %ju %jx", (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX, (uintmax_t)42);
	check("%zu %zx %zd", (size_t)SIZE_MAX, (size_t)4096, (ssize_t)-5);
	check("%td %tx", (ptrdiff_t)-12345, (ptrdiff_t)255);
	check("%hhd %hhd %hhu %hhx", 127, -128, 255, 0xab);
	check("%hd %hd %hu %hx", 32767, -32768, 65535, 0xbeef);
	/* Values wider than the modifier are converted like the host does. */
	check("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	check("%hhd %hd", -129, -32769);
	check("%5d|%-5d|%05d|%+d|% d|%+5d|%-+5d|%+05d", 42, 42, 42, 42, 42, 42, 42, 42);
	check("%5d|%-5d|%05d|%+d|% d|%+5d|%-+5d|%+05d", -42, -42, -42, -42, -42, -42, -42, -42);
	check("%.3d|%.0d|%.0d|%5.0d|%-5.0d|%.0x|%.0o|%#.0o|%#.0x", 7, 0, 1, 0, 0, 0u, 0u, 0u, 0u);
	check("%#x|%#X|%#o|%#x|%#o|%#08x|%#-8x|%#8x", 255u, 255u, 8u, 0u, 0u, 255u, 255u, 255u);
	check("%#.5o|%#5o|%#.1o|%#o", 8u, 8u, 8u, 1u);
	check("%*d|%-*d|%*d|%.*d|%.*d|%*.*d", 6, 1, 6, 1, -6, 1, 4, 1, -4, 1, 8, 3, -9);
	check("%020lld|%-25lld|%+lld|%.25lld", (long long)INT64_MIN, (long long)INT64_MIN,
	      (long long)INT64_MAX, (long long)INT64_MIN);
	check("%#llo|%#llx|%#llX|%30llu", (unsigned long long)UINT64_MAX,
	      (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
	      (unsigned long long)UINT64_MAX);
	check("%d%s%x%c%u%%%o", -7, "mid", 0x1fu, '!', 99u, 8u);
}

static void test_pointers(void **state)
{
	int x;

	check("%p", (void *)0x1);
	check("%p", (void *)&x);
	check("%p|%20p|%-20p|", (void *)0xffffffffffffffffull, (void *)0xabcdef, (void *)0xabcdef);
	check("%p", (void *)0x7fffffffe000ull);
}

/* Checks a generated format whose '*' fields (if any) come first, then one integer
 * argument, int or long long (every 64-bit modifier reads the same bits). */
static void check_generated(const char *fmt, bool star_w, bool star_p, bool wide, long long v,
			    int w, int p)
{
	if (star_w && star_p) {
		if (wide)
			check_quick(fmt, w, p, v);
		else
			check_quick(fmt, w, p, (int)v);
	} else if (star_w || star_p) {
		if (wide)
			check_quick(fmt, star_w ? w : p, v);
		else
			check_quick(fmt, star_w ? w : p, (int)v);
	} else {
		if (wide)
			check_quick(fmt, v);
		else
			check_quick(fmt, (int)v);
	}
}

static void test_generated(void **state)
{
	static const char *const widths[] = {"", "1", "5", "25", "*"};
	static const char *const precs[] = {"", ".", ".0", ".1", ".3", ".25", ".*"};
	static const char *const mods[] = {"", "hh", "h", "l", "ll", "j", "z", "t"};
	static const char flagchars[] = "-0# +";
	static const char convs[] = "diuxXo";
	static const long long vals[] = {0,	  1,	    -1,	       42,	 -42,	127,
					 -128,	  255,	    32767,     -32768,	 65536, INT_MAX,
					 INT_MIN, UINT_MAX, INT64_MAX, INT64_MIN};
	char fmt[64];

	for (unsigned int fl = 0; fl < 32; fl++) {
		char flags[8];
		size_t nf = 0;

		for (unsigned int b = 0; b < 5; b++) {
			if (fl & (1u << b))
				flags[nf++] = flagchars[b];
		}
		flags[nf] = '\0';
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++) {
				for (size_t c = 0; c < sizeof(convs) - 1; c++) {
					for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]);
					     v++) {
						/* Each value with int, long long and one more
						 * modifier, rotating through them. */
						const char *m[3] = {"", "ll", mods[v % 8]};

						for (int k = 0; k < 3; k++) {
							bool wide = m[k][0] && m[k][0] != 'h';

							snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]",
								 flags, widths[w], precs[p], m[k],
								 convs[c]);
							check_generated(fmt, widths[w][0] == '*',
									strcmp(precs[p], ".*") == 0,
									wide, vals[v],
									v % 2 ? -7 : 12,
									v % 3 ? 4 : -1);
						}
					}
				}
			}
		}
	}
}

/* Host comparisons GCC's format checker warns about on purpose: zero-length, NULL %s,
 * flags that cancel each other, precision with %p. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"
static void test_host_edge_cases(void **state)
{
	check("");
	check("%s", (char *)NULL);
	check("[%10s][%-8s][%.6s][%.7s]", (char *)NULL, (char *)NULL, (char *)NULL, (char *)NULL);
	check("[%.5s][%.0s][%3.2s]", (char *)NULL, (char *)NULL, (char *)NULL);
	check("%08.3d|%-08d|%0-8d", 5, 5, 5);
	check("% +d|%+ d|% 05d|% -5d|", 3, 3, 3, 3);
	check("%.8p|%18.4p|", (void *)0x1234, (void *)0x1234);
	check("%+p|% p|%010p|%-012p|", (void *)0x10, (void *)0x10, (void *)0x10, (void *)0x10);
}
#pragma GCC diagnostic pop

/* Where the contract picks an output the host does not give, or the host cannot be
 * asked (undefined behaviour there). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"
static void test_handwritten(void **state)
{
	expect("0x0", "%p", (void *)NULL); /* glibc prints (nil) */
	expect("0x0", "%p", (void *)0);
	expect("  0x0", "%5p", (void *)NULL);
	expect("0xdeadbeef", "%p", (void *)0xdeadbeef);
	expect("-9223372036854775808", "%lld", (long long)INT64_MIN);
	expect("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	expect("1777777777777777777777", "%llo", (unsigned long long)UINT64_MAX);
	expect("0xffffffffffffffff", "%#llx", (unsigned long long)UINT64_MAX);
	expect("0XFFFFFFFFFFFFFFFF", "%#llX", (unsigned long long)UINT64_MAX);
	expect("-0000000042", "%011d", -42);
	expect("+42       |", "%-+10d|", 42);
	expect("   007", "%6.3d", 7);
	expect("(null)|    (null)", "%s|%10s", (char *)NULL, (char *)NULL);
	expect("", "%.3s", (char *)NULL);
	expect("ab", "%.2s", "abcdef");
	/* Unknown conversions come out literally, %n never writes. */
	expect("%y", "%y");
	expect("a%-5yb", "a%-5yb");
	expect("%n", "%n", (int *)NULL);
	expect("abc%", "abc%");
	expect("abc%-5", "abc%-5");
	expect("%Lf", "%Lf");
	expect("x%%y", "x%%%%y");
	/* Flags that mean nothing for a conversion are ignored. */
	expect("42", "%#d", 42);
	expect("42", "%+u", 42u);
	expect("ff", "% x", 255u);
	/* A total past INT_MAX is reported as INT_MAX (glibc fails with EOVERFLOW). */
	assert_int_equal(fmt_snprintf(NULL, 0, "%*d%*d", INT_MAX, 1, INT_MAX, 2), INT_MAX);
	/* A width that does not fit an int saturates rather than wrapping. */
	assert_int_equal(fmt_snprintf(NULL, 0, "%99999999999d", 1), INT_MAX);
}
#pragma GCC diagnostic pop

static void test_buffer_edges(void **state)
{
	char buf[16];

	/* n == 0: nothing written (NULL is allowed), the full length returned. */
	assert_int_equal(fmt_snprintf(NULL, 0, "hello %d", 12345), 11);
	memset(buf, FILLER, sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 0, "hello"), 5);
	assert_int_equal((unsigned char)buf[0], FILLER);
	/* n == 1: only the NUL. */
	assert_int_equal(fmt_snprintf(buf, 1, "hello"), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal((unsigned char)buf[1], FILLER);
	/* Exact fit and one short. */
	assert_int_equal(fmt_snprintf(buf, 6, "hello"), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(fmt_snprintf(buf, 5, "hello"), 5);
	assert_string_equal(buf, "hell");
	/* Truncation in the middle of a padded number. */
	assert_int_equal(fmt_snprintf(buf, 4, "%08x", 0xabu), 8);
	assert_string_equal(buf, "000");
	/* A huge width is counted, not written, and costs no time past the buffer. */
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%*d", 1000000000, 1), 1000000000);
	assert_string_equal(buf, "               ");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%-1000000000d|", 1), 1000000001);
	assert_string_equal(buf, "1              ");
}

static void test_count(void **state)
{
	print_message("compared %lu formats against the host's vsnprintf\n", compared);
	assert_true(compared > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literals),	cmocka_unit_test(test_integers),
		cmocka_unit_test(test_pointers),	cmocka_unit_test(test_generated),
		cmocka_unit_test(test_host_edge_cases), cmocka_unit_test(test_handwritten),
		cmocka_unit_test(test_buffer_edges),	cmocka_unit_test(test_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
