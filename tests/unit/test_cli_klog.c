/* test_cli_klog.c: kernel log lines pass through unchanged, the exit line is caught (and
 * shown only on request), whatever way the stream is cut into reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../cli/klog.h"

/* Feeds s in chunks of chunk bytes into a klog writing to a temporary file; returns what
 * was written (caller frees). */
static char *run(const char *s, size_t len, size_t chunk, bool show, struct klog *k)
{
	FILE *f = tmpfile();
	char *out;
	long n;

	assert_non_null(f);
	klog_init(k, fileno(f), show);
	for (size_t off = 0; off < len; off += chunk)
		klog_feed(k, s + off, len - off < chunk ? len - off : chunk);
	klog_finish(k);
	n = lseek(fileno(f), 0, SEEK_END);
	out = calloc(1, (size_t)n + 1);
	assert_int_equal(pread(fileno(f), out, (size_t)n, 0), n);
	fclose(f);
	return out;
}

static const char log_text[] = "isle: booting\n"
			       "isle: exit is near\n"
			       "isle: exit 3 (exited)\n";

static void test_filter_every_chunking(void **state)
{
	struct klog *k = malloc(sizeof(*k));

	for (size_t chunk = 1; chunk <= sizeof(log_text); chunk++) {
		char *out = run(log_text, strlen(log_text), chunk, false, k);

		assert_string_equal(out, "isle: booting\nisle: exit is near\n");
		assert_true(k->have_status);
		assert_int_equal(k->status, 3);
		free(out);
		out = run(log_text, strlen(log_text), chunk, true, k);
		assert_string_equal(out, log_text);
		assert_int_equal(k->status, 3);
		free(out);
	}
	free(k);
}

static void test_no_exit_line(void **state)
{
	struct klog *k = malloc(sizeof(*k));
	static const char t[] = "isle: panic: oops\nno newline";
	char *out = run(t, strlen(t), 5, false, k);

	assert_string_equal(out, "isle: panic: oops\nno newline\n"); /* final line ended */
	assert_false(k->have_status);
	free(out);
	out = run("", 0, 1, false, k);
	assert_string_equal(out, "");
	free(out);
	free(k);
}

static void test_exit_line_without_newline(void **state)
{
	struct klog *k = malloc(sizeof(*k));
	static const char t[] = "isle: exit 255 (signal SIGKILL)";
	char *out = run(t, strlen(t), 7, false, k);

	assert_string_equal(out, "");
	assert_true(k->have_status);
	assert_int_equal(k->status, 255);
	free(out);
	free(k);
}

static void test_last_exit_line_wins(void **state)
{
	static const char t[] = "isle: exit 1 (exited)\nisle: exit 139 (signal SIGSEGV)\n";
	struct klog *k = malloc(sizeof(*k));
	char *out = run(t, strlen(t), 4, false, k);

	assert_string_equal(out, "");
	assert_int_equal(k->status, 139);
	free(out);
	free(k);
}

static void test_long_lines(void **state)
{
	size_t n = KLOG_LINE_MAX * 3;
	char *t = malloc(n + 64);
	struct klog *k = malloc(sizeof(*k));
	char *out;

	/* A line longer than the buffer that looks like an exit line is passed through. */
	strcpy(t, "isle: exit 5 (");
	memset(t + 14, 'x', n - 14);
	strcpy(t + n, ")\nisle: exit 6 (exited)\n");
	for (size_t chunk = 1000; chunk <= n + 64; chunk += 3000) {
		out = run(t, strlen(t), chunk, false, k);
		assert_int_equal(strlen(out), n + 2);
		assert_memory_equal(out, t, n + 2);
		assert_int_equal(k->status, 6);
		free(out);
	}
	free(t);
	free(k);
}

static void parses(const char *line, int want)
{
	int st = -1;

	assert_true(klog_parse_exit(line, strlen(line), &st));
	assert_int_equal(st, want);
}

static void not_exit(const char *line)
{
	int st = -1;

	assert_false(klog_parse_exit(line, strlen(line), &st));
	assert_int_equal(st, -1);
}

static void test_parse_exit(void **state)
{
	parses("isle: exit 0 (exited)", 0);
	parses("isle: exit 255 (exited)", 255);
	parses("isle: exit 137 (out of memory)", 137);
	parses("isle: exit 125 (kernel panic)", 125);
	parses("isle: exit 007 (x)", 7);
	not_exit("isle: exit 256 (exited)");
	not_exit("isle: exit 99999999999999 (exited)");
	not_exit("isle: exit -1 (exited)");
	not_exit("isle: exit (exited)");
	not_exit("isle: exit 1");
	not_exit("isle: exit 1 ()");
	not_exit("isle: exit 1 (exited");
	not_exit("isle: exit 1 (exited) ");
	not_exit("isle: exit 1 (a) (b)");
	not_exit("isle: exit 1  (exited)");
	not_exit("isle: exit 1(exited)");
	not_exit(" isle: exit 1 (exited)");
	not_exit("isle: exit is near");
	not_exit("");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_every_chunking),
		cmocka_unit_test(test_no_exit_line),
		cmocka_unit_test(test_exit_line_without_newline),
		cmocka_unit_test(test_last_exit_line_wins),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_parse_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
