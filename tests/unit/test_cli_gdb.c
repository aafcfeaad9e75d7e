/* test_cli_gdb.c: isle run --gdb PORT (the option, the kernel option it adds, QEMU's
 * -gdb on 127.0.0.1 with -S and never -s) and the image builder's risky file names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/imgexec.h"
#include "../../cli/qemu.h"
#include "../../cli/runopts.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int parse(struct run_options *o, int argc, char **argv)
{
	runopts_init(o);
	return runopts_parse(o, argc, argv);
}

static void test_gdb_option(void **state)
{
	char *argv[] = {"run", "--gdb", "1234", "-k", "noaslr", "./prog"};
	char *argv2[] = {"run", "--gdb=65535", "./prog"};
	struct run_options o;
	char *cl;

	assert_int_equal(parse(&o, ARGC(argv), argv), 0);
	assert_int_equal(o.gdb_port, 1234);
	cl = runopts_kernel_cmdline(&o);
	assert_string_equal(cl, "gdb noaslr");
	free(cl);
	runopts_free(&o);
	assert_int_equal(parse(&o, ARGC(argv2), argv2), 0);
	assert_int_equal(o.gdb_port, 65535);
	runopts_free(&o);
}

static void test_gdb_bad_ports(void **state)
{
	const char *bad[] = {"0", "65536", "99999", "123456", "", "-1", "+1", "12a", " 1", "0x10"};
	struct run_options o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = {"run", "--gdb", (char *)bad[i], "./prog"};

		assert_int_equal(parse(&o, ARGC(argv), argv), -EINVAL);
		runopts_free(&o);
	}
}

/* The index of s in argv, or -1. */
static int find(const struct strvec *argv, const char *s)
{
	for (size_t i = 0; i < argv->n; i++)
		if (!strcmp(argv->v[i], s))
			return (int)i;
	return -1;
}

static void test_qemu_gdb_args(void **state)
{
	struct qemu_config c = {.qemu = "qemu", .kernel = "k", .append = "", .memory = 1 << 27};
	struct strvec argv = {0};
	int i;

	qemu_build_argv(&c, &argv);
	assert_int_equal(find(&argv, "-gdb"), -1);
	assert_int_equal(find(&argv, "-S"), -1);
	strvec_free(&argv);

	c.gdb_port = 4321;
	for (int m = QEMU_MACHINE_MICROVM; m <= QEMU_MACHINE_PC; m++) {
		c.machine = (enum qemu_machine)m;
		qemu_build_argv(&c, &argv);
		i = find(&argv, "-gdb");
		assert_true(i > 0 && (size_t)i + 1 < argv.n);
		assert_string_equal(argv.v[i + 1], "tcp:127.0.0.1:4321");
		assert_true(find(&argv, "-S") > 0);
		assert_int_equal(find(&argv, "-s"), -1);
		strvec_free(&argv);
	}
}

static void test_risky_names(void **state)
{
	assert_string_equal(imgexec_risky_name("sh"), "a shell");
	assert_string_equal(imgexec_risky_name("bash"), "a shell");
	assert_string_equal(imgexec_risky_name("busybox"), "a shell");
	assert_string_equal(imgexec_risky_name("python3.11"), "an interpreter");
	assert_string_equal(imgexec_risky_name("python"), "an interpreter");
	assert_string_equal(imgexec_risky_name("perl5.36.0"), "an interpreter");
	assert_string_equal(imgexec_risky_name("curl"), "a network tool");
	assert_string_equal(imgexec_risky_name("nc"), "a network tool");
	assert_null(imgexec_risky_name("shell.txt"));
	assert_null(imgexec_risky_name("sha256sum"));
	assert_null(imgexec_risky_name("python3-config"));
	assert_null(imgexec_risky_name("bash2")); /* no version suffix for shells */
	assert_null(imgexec_risky_name("curlrc"));
	assert_null(imgexec_risky_name("s"));
	assert_null(imgexec_risky_name(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gdb_option),
		cmocka_unit_test(test_gdb_bad_ports),
		cmocka_unit_test(test_qemu_gdb_args),
		cmocka_unit_test(test_risky_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
