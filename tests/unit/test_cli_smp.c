/* test_cli_smp.c: the vCPU count of isle run: --smp parsing (range, syntax, last wins),
 * RunConfig.CPUs merged under --smp by runconfig_apply, and -smp N on QEMU's command line
 * for every machine. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../cli/runconfig.h"
#include "../../cli/runopts.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Parse argv with stderr silenced (errors print a message). */
static int parse(struct run_options *o, int argc, char **argv)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY), r;

	fflush(stderr);
	dup2(null, 2);
	runopts_init(o);
	r = runopts_parse(o, argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(null);
	return r;
}

static void test_default_and_values(void **state)
{
	char *argv[] = {"run", "p"};
	char *argv2[] = {"run", "--smp", "4", "p"};
	char *argv3[] = {"run", "--smp=64", "--smp", "2", "p"};
	struct run_options o;

	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	assert_int_equal(o.cpus, 1);
	assert_false(o.cpus_given);
	runopts_free(&o);
	assert_int_equal(parse(&o, ARGC(argv2), argv2), 0);
	assert_int_equal(o.cpus, 4);
	assert_true(o.cpus_given);
	runopts_free(&o);
	assert_int_equal(parse(&o, ARGC(argv3), argv3), 0);
	assert_int_equal(o.cpus, 2); /* the last one wins */
	runopts_free(&o);
}

static void test_rejected(void **state)
{
	const char *bad[] = {"0", "65", "-1", "", "2x", "x", " 2", "1.5", "99999999999999999999"};
	struct run_options o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = {"run", "--smp", (char *)bad[i], "p"};
		if (parse(&o, ARGC(argv), argv) != -EINVAL) {
			print_error("--smp '%s' was accepted\n", bad[i]);
			fail();
		}
		runopts_free(&o);
	}
	char *argv[] = {"run", "--smp"};
	assert_int_equal(parse(&o, ARGC(argv), argv), -EINVAL);
	runopts_free(&o);
}

static void test_cpus_parse(void **state)
{
	int n = 0;

	assert_int_equal(run_cpus_parse("1", &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(run_cpus_parse("064", &n), 0);
	assert_int_equal(n, 64);
	assert_int_equal(run_cpus_parse("65", &n), -ERANGE);
	assert_int_equal(run_cpus_parse("0", &n), -EINVAL);
	assert_int_equal(run_cpus_parse("", &n), -EINVAL);
	assert_int_equal(run_cpus_parse("+3", &n), -EINVAL);
	assert_int_equal(n, 64); /* untouched on error */
}

static void test_runconfig_merge(void **state)
{
	char *argv[] = {"run", "p"};
	char *argv2[] = {"run", "--smp", "3", "p"};
	struct config c;
	struct run_options o;

	memset(&c, 0, sizeof(c));
	c.name = "config.json";
	c.cpus = 8;
	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	runconfig_apply(&o, &c, RUN_TARGET_PROGRAM);
	assert_int_equal(o.cpus, 8);
	runopts_free(&o);

	assert_int_equal(parse(&o, ARGC(argv2), argv2), 0);
	runconfig_apply(&o, &c, RUN_TARGET_PROGRAM);
	assert_int_equal(o.cpus, 3); /* the command line wins */
	runopts_free(&o);

	c.cpus = 0; /* not in the config */
	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	runconfig_apply(&o, &c, RUN_TARGET_IMAGE);
	assert_int_equal(o.cpus, 1);
	runopts_free(&o);
}

/* ExecProtection and NoASLR become -k execprot / noaslr with --bundle only (an image
 * built from a PROGRAM has them in its manifest), once even when -k gives them too. */
static void test_runconfig_kernel_flags(void **state)
{
	char *argv[] = {"run", "--bundle", "p"};
	char *argv2[] = {"run", "--bundle", "-k", "execprot", "p"};
	struct config c;
	struct run_options o;

	memset(&c, 0, sizeof(c));
	c.name = "config.json";
	c.exec_protection = c.noaslr = true;
	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	runconfig_apply(&o, &c, RUN_TARGET_BUNDLE);
	assert_int_equal(o.kernel_args.n, 2);
	assert_string_equal(o.kernel_args.v[0], "execprot");
	assert_string_equal(o.kernel_args.v[1], "noaslr");
	runopts_free(&o);

	assert_int_equal(parse(&o, ARGC(argv2), argv2), 0);
	runconfig_apply(&o, &c, RUN_TARGET_BUNDLE);
	assert_int_equal(o.kernel_args.n, 2);
	runopts_free(&o);

	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	runconfig_apply(&o, &c, RUN_TARGET_PROGRAM);
	assert_int_equal(o.kernel_args.n, 0);
	runopts_free(&o);
}

/* "-smp N" right after "-m SIZE", on every machine; 0 (unset) means 1. */
static void test_qemu_argv(void **state)
{
	const enum qemu_machine machines[] = {QEMU_MACHINE_MICROVM, QEMU_MACHINE_Q35,
					      QEMU_MACHINE_PC};
	const int cpus[] = {0, 1, 2, 64};
	const char *want[] = {"1", "1", "2", "64"};

	for (size_t m = 0; m < 3; m++) {
		for (size_t i = 0; i < 4; i++) {
			struct qemu_config qc = {.qemu = "q",
						 .machine = machines[m],
						 .memory = 64ULL << 20,
						 .cpus = cpus[i],
						 .kernel = "/k",
						 .append = ""};
			struct strvec sv = {0};
			size_t k;

			qemu_build_argv(&qc, &sv);
			for (k = 0; k + 1 < sv.n && strcmp(sv.v[k], "-smp"); k++)
				;
			assert_true(k + 1 < sv.n);
			assert_string_equal(sv.v[k - 2], "-m");
			assert_string_equal(sv.v[k + 1], want[i]);
			strvec_free(&sv);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_and_values),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_cpus_parse),
		cmocka_unit_test(test_runconfig_merge),
		cmocka_unit_test(test_runconfig_kernel_flags),
		cmocka_unit_test(test_qemu_argv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
