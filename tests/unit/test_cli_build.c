/* test_cli_build.c: isle build's command line (options around PROGRAM, -a, -e), the
 * one-entry-per-key environment lists, and the manifest encoding (include/abi/manifest.h)
 * decoded back field by field. */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/buildopts.h"
#include "../../cli/env.h"
#include "../../cli/manifest.h"
#include "abi/manifest.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void test_options(void **state)
{
	char *argv[] = {"build",   "-c",    "cfg.json", "prog", "-o", "out.img", "-a", "-x",
			"--arg=y", "-eA=1", "--env",	"B=2",	"-e", "A=3",	 "-a", ""};
	struct build_options o;

	assert_int_equal(buildopts_parse(&o, ARGC(argv), argv), 0);
	assert_string_equal(o.program, "prog");
	assert_string_equal(o.config, "cfg.json");
	assert_string_equal(o.output, "out.img");
	assert_true(o.has_args);
	assert_int_equal(o.args.n, 3);
	assert_string_equal(o.args.v[0], "-x");
	assert_string_equal(o.args.v[1], "y");
	assert_string_equal(o.args.v[2], "");
	assert_int_equal(o.env.n, 2);
	assert_string_equal(o.env.v[0], "A=3"); /* replaced in place */
	assert_string_equal(o.env.v[1], "B=2");
	assert_false(o.help);
	buildopts_free(&o);
}

static void test_no_program_and_dashdash(void **state)
{
	char *a1[] = {"build", "-c", "x.json"};
	char *a2[] = {"build", "--", "-weird-name"};
	struct build_options o;

	assert_int_equal(buildopts_parse(&o, ARGC(a1), a1), 0);
	assert_null(o.program);
	assert_false(o.has_args);
	buildopts_free(&o);
	assert_int_equal(buildopts_parse(&o, ARGC(a2), a2), 0);
	assert_string_equal(o.program, "-weird-name");
	buildopts_free(&o);
}

static void test_errors(void **state)
{
	char *bad[][4] = {
		{"build", "a", "b", NULL},	   {"build", "-q", "a", NULL},
		{"build", "a", "-o", NULL},	   {"build", "a", "-e", "NOEQ"},
		{"build", "a", "-e", "=v"},	   {"build", "a", "-o", ""},
		{"build", "--output", NULL, NULL},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct build_options o;
		int n = 0;

		while (n < 4 && bad[i][n])
			n++;
		assert_int_equal(buildopts_parse(&o, n, bad[i]), -EINVAL);
		buildopts_free(&o);
	}
}

static void test_help(void **state)
{
	char *argv[] = {"build", "prog", "--help", "--bogus"};
	struct build_options o;

	assert_int_equal(buildopts_parse(&o, ARGC(argv), argv), 0);
	assert_true(o.help);
	buildopts_free(&o);
}

static void test_env(void **state)
{
	struct strvec e = {0};
	const char *why;

	assert_int_equal(env_check("A=", &why), 0);
	assert_int_equal(env_check("A", &why), -EINVAL);
	assert_int_equal(env_check("=x", &why), -EINVAL);
	env_set(&e, "AB=1");
	env_set(&e, "A=2"); /* a prefix of AB is another key */
	env_set(&e, "AB=3");
	env_default(&e, "A=9");
	env_default(&e, "C=4");
	assert_int_equal(e.n, 3);
	assert_string_equal(e.v[0], "AB=3");
	assert_string_equal(e.v[1], "A=2");
	assert_string_equal(e.v[2], "C=4");
	assert_true(env_has(&e, "C"));
	assert_true(env_has(&e, "A=whatever"));
	assert_false(env_has(&e, "D"));
	strvec_free(&e);
}

static void test_manifest(void **state)
{
	char *argv[] = {"/bin/srv", "-v", ""};
	char *envp[] = {"A=1", "PWD=/data"};
	struct manifest_input in = {
		.program = "/bin/srv",
		.cwd = "/data",
		.version = "0.1.0",
		.argv = argv,
		.argc = 3,
		.envp = envp,
		.envc = 2,
		.flags = ISLE_MF_NOASLR | ISLE_MF_REBOOT_ON_EXIT,
	};
	static const char strings[] = "/bin/srv\0/data\0000.1.0\0/bin/srv\0-v\0\0A=1\0PWD=/data";
	struct isle_manifest_header h;
	char why[128];
	void *buf;
	size_t len;

	assert_int_equal(manifest_encode(&in, &buf, &len, why, sizeof(why)), 0);
	assert_int_equal(len, sizeof(h) + sizeof(strings));
	memcpy(&h, buf, sizeof(h));
	assert_memory_equal(h.magic, "ISLEMANI", 8);
	assert_int_equal(le32toh(h.version), ISLE_MANIFEST_VERSION);
	assert_int_equal(le32toh(h.header_size), sizeof(h));
	assert_int_equal(le32toh(h.flags), ISLE_MF_NOASLR | ISLE_MF_REBOOT_ON_EXIT);
	assert_int_equal(le32toh(h.argc), 3);
	assert_int_equal(le32toh(h.envc), 2);
	assert_int_equal(le32toh(h.reserved), 0);
	assert_int_equal(le64toh(h.strings_offset), sizeof(h));
	assert_int_equal(le64toh(h.strings_size), sizeof(strings));
	assert_memory_equal((char *)buf + sizeof(h), strings, sizeof(strings));
	free(buf);
}

static void test_manifest_limits(void **state)
{
	size_t big = ISLE_MANIFEST_MAX_SIZE;
	char *huge = malloc(big), *argv[] = {"/p", huge};
	struct manifest_input in = {
		.program = "/p", .cwd = "/", .version = "v", .argv = argv, .argc = 2};
	char why[128];
	void *buf;
	size_t len;

	memset(huge, 'x', big - 1);
	huge[big - 1] = '\0';
	assert_int_equal(manifest_encode(&in, &buf, &len, why, sizeof(why)), -E2BIG);
	assert_non_null(strstr(why, "too large"));
	in.argc = 0;
	assert_int_equal(manifest_encode(&in, &buf, &len, why, sizeof(why)), -EINVAL);
	in.argc = 1;
	in.cwd = "rel";
	assert_int_equal(manifest_encode(&in, &buf, &len, why, sizeof(why)), -EINVAL);
	free(huge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_no_program_and_dashdash),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_manifest_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
