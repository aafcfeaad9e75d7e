/* test_cmdline.c: unit tests of kernel/core/cmdline.c, with a printk that records. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/cmdline.h"
#include "core/printk.h"

static char logbuf[4096];
static size_t loglen;

void printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(logbuf) - loglen);
	loglen += (size_t)n;
}

static void parse(const char *cmdline)
{
	loglen = 0;
	logbuf[0] = '\0';
	cmdline_parse(cmdline);
}

static void assert_flags(bool verbose, bool trace, bool boottime, bool noaslr)
{
	assert_int_equal(kopt.verbose, verbose);
	assert_int_equal(kopt.trace, trace);
	assert_int_equal(kopt.boottime, boottime);
	assert_int_equal(kopt.noaslr, noaslr);
}

static void test_empty(void **state)
{
	parse(NULL);
	assert_flags(false, false, false, false);
	assert_string_equal(kopt.selftest, "");
	assert_string_equal(logbuf, "");

	parse("");
	assert_flags(false, false, false, false);
	assert_string_equal(logbuf, "");

	parse("   \t  ");
	assert_flags(false, false, false, false);
	assert_string_equal(kopt.selftest, "");
	assert_string_equal(logbuf, "");
}

static void test_flags(void **state)
{
	parse("verbose");
	assert_flags(true, false, false, false);
	parse("trace");
	assert_flags(false, true, false, false); /* each parse starts from defaults */
	parse("boottime");
	assert_flags(false, false, true, false);
	parse("noaslr");
	assert_flags(false, false, false, true);
	parse("verbose trace boottime noaslr");
	assert_flags(true, true, true, true);
	parse("  noaslr\tverbose  verbose ");
	assert_flags(true, false, false, true);
	assert_false(kopt.execprot);
	parse("execprot");
	assert_true(kopt.execprot);
	assert_flags(false, false, false, false);
	assert_string_equal(logbuf, "");
}

static void test_selftest(void **state)
{
	parse("selftest=fault");
	assert_string_equal(kopt.selftest, "fault");
	parse("verbose selftest=panic trace");
	assert_string_equal(kopt.selftest, "panic");
	assert_flags(true, true, false, false);
	parse("selftest=");
	assert_string_equal(kopt.selftest, "");
	/* The last one wins. */
	parse("selftest=fault selftest=panic");
	assert_string_equal(kopt.selftest, "panic");
	assert_string_equal(logbuf, "");

	/* 15 characters fit the 16-byte field exactly. */
	parse("selftest=123456789012345");
	assert_string_equal(kopt.selftest, "123456789012345");
	assert_string_equal(logbuf, "");
}

static void test_selftest_too_long(void **state)
{
	/* 16 characters do not fit: rejected whole, logged, the field left as it was. */
	parse("selftest=1234567890123456");
	assert_string_equal(kopt.selftest, "");
	assert_non_null(strstr(logbuf, "selftest"));
	assert_non_null(strstr(logbuf, "too long"));

	parse("selftest=fault selftest=averyveryverylongvalue verbose");
	assert_string_equal(kopt.selftest, "fault");
	assert_flags(true, false, false, false);
	assert_non_null(strstr(logbuf, "too long"));
}

static void test_net_options(void **state)
{
	parse("ip=10.0.2.20 netmask=255.255.255.0 gw=10.0.2.2 dns=10.0.2.3,10.0.2.4 verbose");
	assert_string_equal(kopt.ip, "10.0.2.20");
	assert_string_equal(kopt.netmask, "255.255.255.0");
	assert_string_equal(kopt.gw, "10.0.2.2");
	assert_string_equal(kopt.dns, "10.0.2.3,10.0.2.4");
	assert_flags(true, false, false, false);
	parse("ip=255.255.255.2550");
	assert_string_equal(kopt.ip, "");
	assert_non_null(strstr(logbuf, "ip: value too long"));
}

static void test_unknown(void **state)
{
	parse("foo verbose bar=1");
	assert_flags(true, false, false, false);
	assert_string_equal(logbuf, "isle: unknown kernel option 'foo' ignored\n"
				    "isle: unknown kernel option 'bar=1' ignored\n");

	/* Near misses are unknown, not prefixes or case-folded matches. */
	parse("verbosex Verbose verbose=1 selftest trac noaslr");
	assert_flags(false, false, false, true);
	assert_string_equal(kopt.selftest, "");
	assert_string_equal(logbuf, "isle: unknown kernel option 'verbosex' ignored\n"
				    "isle: unknown kernel option 'Verbose' ignored\n"
				    "isle: unknown kernel option 'verbose=1' ignored\n"
				    "isle: unknown kernel option 'selftest' ignored\n"
				    "isle: unknown kernel option 'trac' ignored\n");

	/* A long word is reported whole and nothing overflows. */
	char line[400], want[512];
	memset(line, 'x', 300);
	strcpy(line + 300, " trace");
	snprintf(want, sizeof(want), "isle: unknown kernel option '%.300s' ignored\n", line);
	parse(line);
	assert_flags(false, true, false, false);
	assert_string_equal(logbuf, want);
}

static bool traced(long nr)
{
	return kopt_traces(nr);
}

static void test_trace_set(void **state)
{
	char line[256];

	/* Plain trace: everything, numbers beyond the table too. */
	parse("trace");
	assert_true(kopt.trace && !kopt.trace_filtered && traced(0) && traced(100000));

	/* Digit i holds 4i..4i+3: "2" is write (1); "a0..02" adds close (3) and openat (257). */
	snprintf(line, sizeof(line), "trace=a%063d2 syscall_summary missing_files", 0);
	parse(line);
	assert_string_equal(logbuf, "");
	assert_true(kopt.trace && kopt.trace_filtered && kopt.syscall_summary &&
		    kopt.missing_files);
	assert_true(traced(1) && traced(3) && traced(257));
	assert_false(traced(0) || traced(2) || traced(256) || traced(-1) || traced(462) ||
		     traced(100000));

	/* Malformed: uppercase, not hex, empty, too long, a bit past the table (digit 115
	 * holds 460..463; 463 has no name). Rejected whole, logged, nothing traced. */
	const char *bad[] = {"trace=A", "trace=12x4", "trace=", NULL /* 116 digits, below */};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (i == 3)
			snprintf(line, sizeof(line), "trace=%0116d", 8);
		else
			snprintf(line, sizeof(line), "%s", bad[i]);
		parse(line);
		assert_false(kopt.trace || kopt.trace_filtered);
		assert_non_null(strstr(logbuf, "expected at most 116 lowercase hex digits"));
	}
	snprintf(line, sizeof(line), "trace=1%0116d", 0);
	parse(line);
	assert_false(kopt.trace);
	assert_non_null(strstr(logbuf, "ignored, nothing is traced"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),	  cmocka_unit_test(test_flags),
		cmocka_unit_test(test_selftest),  cmocka_unit_test(test_selftest_too_long),
		cmocka_unit_test(test_unknown),	  cmocka_unit_test(test_net_options),
		cmocka_unit_test(test_trace_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
