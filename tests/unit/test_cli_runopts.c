/* test_cli_runopts.c: the isle run command line: defaults, every option, where options
 * stop, errors, and the kernel command line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/runopts.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int parse(struct run_options *o, int argc, char **argv)
{
	runopts_init(o);
	return runopts_parse(o, argc, argv);
}

static void test_defaults(void **state)
{
	char *argv[] = {"run", "./prog"};
	struct run_options o;
	char *cl;

	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	assert_int_equal(o.machine, QEMU_MACHINE_MICROVM);
	assert_int_equal(o.accel, ACCEL_AUTO);
	assert_true(o.memory == 128ULL << 20);
	assert_int_equal(o.env.n, 0);
	assert_false(o.trace || o.verbose || o.boottime || o.dry_run || o.help);
	assert_null(o.kernel);
	assert_string_equal(o.qemu, "qemu-system-x86_64");
	assert_string_equal(o.program, "./prog");
	assert_int_equal(o.nargs, 0);
	cl = runopts_kernel_cmdline(&o);
	assert_string_equal(cl, "");
	free(cl);
	runopts_free(&o);
}

static void test_all_options(void **state)
{
	char *argv[] = {"run",
			"--machine",
			"q35",
			"--accel=tcg",
			"-m",
			"64M",
			"-e",
			"A=1",
			"--env",
			"B=x=y",
			"-eC=",
			"--trace",
			"-v",
			"--boot-time",
			"-k",
			"noaslr",
			"--kernel-arg=selftest=fault",
			"--kernel",
			"/k.elf",
			"--qemu",
			"/usr/bin/q",
			"--dry-run",
			"--memory=1G",
			"prog",
			"-v",
			"--",
			"x"};
	struct run_options o;
	char *cl;

	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	assert_int_equal(o.machine, QEMU_MACHINE_Q35);
	assert_int_equal(o.accel, ACCEL_TCG);
	assert_true(o.memory == 1ULL << 30); /* the last -m wins */
	assert_int_equal(o.env.n, 3);
	assert_string_equal(o.env.v[0], "A=1");
	assert_string_equal(o.env.v[1], "B=x=y");
	assert_string_equal(o.env.v[2], "C=");
	assert_true(o.trace && o.verbose && o.boottime && o.dry_run);
	assert_string_equal(o.kernel, "/k.elf");
	assert_string_equal(o.qemu, "/usr/bin/q");
	assert_string_equal(o.program, "prog");
	/* Options stop at PROGRAM: what follows belongs to the program, "--" included. */
	assert_int_equal(o.nargs, 3);
	assert_string_equal(o.args[0], "-v");
	assert_string_equal(o.args[1], "--");
	assert_string_equal(o.args[2], "x");
	cl = runopts_kernel_cmdline(&o);
	assert_string_equal(cl, "trace verbose boottime noaslr selftest=fault");
	free(cl);
	runopts_free(&o);
}

static void test_env_override(void **state)
{
	char *argv[] = {"run", "-e", "A=1", "-e", "AB=2", "-e", "A=3", "p"};
	struct run_options o;

	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	assert_int_equal(o.env.n, 2);
	assert_string_equal(o.env.v[0], "A=3");
	assert_string_equal(o.env.v[1], "AB=2");
	assert_null(o.env.v[2]);
	runopts_free(&o);
}

static void test_double_dash_and_dash(void **state)
{
	char *argv[] = {"run", "-v", "--", "-prog", "a"};
	char *argv2[] = {"run", "-", "a"};
	struct run_options o;

	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	assert_string_equal(o.program, "-prog");
	assert_int_equal(o.nargs, 1);
	runopts_free(&o);
	assert_int_equal(parse(&o, ARGC(argv2), argv2), 0);
	assert_string_equal(o.program, "-");
	runopts_free(&o);
}

static void test_help(void **state)
{
	char *argv[] = {"run", "--help", "--bogus"};
	char *argv2[] = {"run", "-m", "8M", "-h"};
	struct run_options o;

	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	assert_true(o.help);
	runopts_free(&o);
	assert_int_equal(parse(&o, ARGC(argv2), argv2), 0);
	assert_true(o.help);
	runopts_free(&o);
}

static void rejected(int argc, char **argv)
{
	struct run_options o;

	assert_int_equal(parse(&o, argc, argv), -EINVAL);
	runopts_free(&o);
}

#define REJECT(...)                                                                                \
	do {                                                                                       \
		char *a_[] = {"run", __VA_ARGS__};                                                 \
		rejected(ARGC(a_), a_);                                                            \
	} while (0)

static void test_errors(void **state)
{
	REJECT("--bogus", "p");
	REJECT("-x", "p");
	REJECT("-vv", "p");
	REJECT("--machine", "virt", "p");
	REJECT("--accel", "hvf", "p");
	REJECT("-m", "2M", "p");
	REJECT("-m", "0", "p");
	REJECT("-m", "lots", "p");
	REJECT("-m", "4000K", "p");
	REJECT("-m", "99999999999999999G", "p");
	REJECT("-e", "NOEQUALS", "p");
	REJECT("-e", "=v", "p");
	REJECT("--trace=yes", "p");
	REJECT("--memory");
	REJECT("-m");
	REJECT("-v");
	REJECT("--kernel-arg");
}

static void test_no_program(void **state)
{
	char *argv[] = {"run"};
	char *argv2[] = {"run", "-v", "--"};

	rejected(ARGC(argv), argv);
	rejected(ARGC(argv2), argv2);
}

/* -a appends arguments before those after PROGRAM; --bundle is a flag. */
static void test_arg_and_bundle(void **state)
{
	char *argv[] = {"run", "-a", "one", "--bundle", "--arg=two", "-athree", "prog", "four"};
	char *argv2[] = {"run", "--arg", "", "prog"};
	char *argv3[] = {"run", "prog", "x"};
	struct run_options o;

	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	assert_true(o.bundle);
	assert_string_equal(o.program, "prog");
	assert_int_equal(o.nargs, 4);
	assert_string_equal(o.args[0], "one");
	assert_string_equal(o.args[1], "two");
	assert_string_equal(o.args[2], "three");
	assert_string_equal(o.args[3], "four");
	assert_null(o.args[4]);
	runopts_free(&o);

	assert_int_equal(parse(&o, ARGC(argv2), argv2), 0);
	assert_false(o.bundle);
	assert_int_equal(o.nargs, 1);
	assert_string_equal(o.args[0], "");
	runopts_free(&o);

	assert_int_equal(parse(&o, ARGC(argv3), argv3), 0);
	assert_int_equal(o.nargs, 1);
	assert_ptr_equal(o.args, argv3 + 2);
	runopts_free(&o);
}

static void test_memory_minimum(void **state)
{
	char *argv[] = {"run", "-m", "4M", "p"};
	char *argv2[] = {"run", "-m", "4096k", "p"};
	char *argv3[] = {"run", "-m", "4", "p"};
	struct run_options o;

	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	assert_true(o.memory == RUN_MIN_MEMORY);
	runopts_free(&o);
	assert_int_equal(parse(&o, ARGC(argv2), argv2), 0);
	assert_true(o.memory == RUN_MIN_MEMORY);
	runopts_free(&o);
	assert_int_equal(parse(&o, ARGC(argv3), argv3), 0);
	assert_true(o.memory == RUN_MIN_MEMORY);
	runopts_free(&o);
}

/* The kernel command line --trace=spec gives (the trace=HEX word and the rest). */
static char *trace_cmdline(const char *spec)
{
	char arg[256];
	char *argv[] = {"run", arg, "--syscall-summary", "--missing-files", "p"};
	struct run_options o;
	char *cl;

	snprintf(arg, sizeof(arg), "--trace=%s", spec);
	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	assert_true(o.trace && o.syscall_summary && o.missing_files);
	cl = runopts_kernel_cmdline(&o);
	runopts_free(&o);
	return cl;
}

static void expect_trace(const char *spec, const char *want)
{
	char *cl = trace_cmdline(spec);

	assert_string_equal(cl, want);
	free(cl);
}

static void test_trace_sets(void **state)
{
	char want[512], *cl;

	/* Digit i holds numbers 4i..4i+3: read 0, write 1, close 3, mmap 9, openat 257. */
	expect_trace("read", "trace=1 syscall_summary missing_files");
	expect_trace("write,close", "trace=a syscall_summary missing_files");
	expect_trace("read,mmap", "trace=102 syscall_summary missing_files");
	snprintf(want, sizeof(want), "trace=%064d2 syscall_summary missing_files", 0);
	expect_trace("openat", want);
	/* %signal: rt_sigaction 13, rt_sigprocmask 14, rt_sigreturn 15 share digit 3. */
	cl = trace_cmdline("%signal");
	assert_true(!strncmp(cl, "trace=000e", 10));
	free(cl);
	/* %file has stat (4) and lstat (6) but not fstat (5): digit 1 is 0b0101. */
	cl = trace_cmdline("%file");
	assert_int_equal(cl[7], '5');
	free(cl);
	/* '!' negates: every named number but read (digit 0 = 0b1110). */
	cl = trace_cmdline("!read");
	assert_int_equal(cl[6], 'e');
	assert_int_equal(strcspn(cl + 6, " "), 116);
	free(cl);
	/* Without a set: trace everything. */
	{
		char *argv[] = {"run", "--trace", "p"};
		struct run_options o;

		assert_int_equal(parse(&o, ARGC(argv), argv), 0);
		cl = runopts_kernel_cmdline(&o);
		assert_string_equal(cl, "trace");
		free(cl);
		runopts_free(&o);
	}
	REJECT("--trace=bogus", "p");
	REJECT("--trace=opnat", "p");
	REJECT("--trace=%fil", "p");
	REJECT("--trace=read,,write", "p");
	REJECT("--trace=", "p");
	REJECT("--trace=!", "p");
	REJECT("--syscall-summary=1", "p");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),       cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_env_override),   cmocka_unit_test(test_double_dash_and_dash),
		cmocka_unit_test(test_help),	       cmocka_unit_test(test_errors),
		cmocka_unit_test(test_no_program),     cmocka_unit_test(test_memory_minimum),
		cmocka_unit_test(test_arg_and_bundle), cmocka_unit_test(test_trace_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
