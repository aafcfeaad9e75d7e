/* test_cli_qemu.c: the QEMU command line for each machine and accelerator, the -m
 * argument, and the shell quoting --dry-run uses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/qemu.h"
#include "../../cli/util.h"

/* The argv joined with single spaces (no quoting), for exact comparison. */
static char *joined(const struct strvec *sv)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + 1;
	s = calloc(1, len);
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, sv->v[i]);
	}
	return s;
}

#define DEVICES                                                                                    \
	" -chardev stdio,id=con0,signal=off -device isa-serial,chardev=con0,index=0"               \
	" -chardev file,id=err0,path=/dev/fd/2,append=on"                                          \
	" -device isa-serial,chardev=err0,index=1"                                                 \
	" -chardev file,id=log0,path=/dev/fd/3 -device isa-debugcon,iobase=0xe9,chardev=log0"

static void check(enum qemu_machine m, bool kvm, const char *want)
{
	struct qemu_config c = {
		.qemu = "qemu-system-x86_64",
		.machine = m,
		.kvm = kvm,
		.memory = 128ULL << 20,
		.kernel = "/k/kernel.elf",
		.initrd = "/tmp/isle-bundle-abc",
		.append = "trace verbose",
	};
	struct strvec sv = {0};
	char *s;

	qemu_build_argv(&c, &sv);
	assert_null(sv.v[sv.n]);
	s = joined(&sv);
	assert_string_equal(s, want);
	free(s);
	strvec_free(&sv);
}

#define HEAD "qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot -M "
#define TAIL                                                                                       \
	" -m 128M -smp 1 -kernel /k/kernel.elf -initrd /tmp/isle-bundle-abc -append trace "        \
	"verbose" DEVICES

static void test_microvm(void **state)
{
	check(QEMU_MACHINE_MICROVM, false,
	      HEAD "microvm,isa-serial=off,rtc=on -accel tcg -cpu max" TAIL);
	check(QEMU_MACHINE_MICROVM, true,
	      HEAD "microvm,isa-serial=off,rtc=on -accel kvm -cpu host" TAIL);
}

static void test_q35(void **state)
{
	check(QEMU_MACHINE_Q35, false, HEAD "q35 -accel tcg -cpu max" TAIL);
	check(QEMU_MACHINE_Q35, true, HEAD "q35 -accel kvm -cpu host" TAIL);
}

static void test_pc(void **state)
{
	check(QEMU_MACHINE_PC, false, HEAD "pc -accel tcg -cpu max" TAIL);
	check(QEMU_MACHINE_PC, true, HEAD "pc -accel kvm -cpu host" TAIL);
}

/* An image: no -initrd, a modern virtio-blk disk (mmio on microvm, PCI elsewhere), and a
 * ',' in the file name doubled as QEMU's option syntax wants. */
static void check_disk(enum qemu_machine m, const char *want)
{
	struct qemu_config c = {
		.qemu = "q",
		.machine = m,
		.memory = 64ULL << 20,
		.kernel = "k",
		.disk = "/imgs/a,b.img",
		.append = "",
	};
	struct strvec sv = {0};
	char *s;

	qemu_build_argv(&c, &sv);
	s = joined(&sv);
	assert_null(strstr(s, "-initrd"));
	assert_non_null(strstr(s, want));
	free(s);
	strvec_free(&sv);
}

static void test_disk(void **state)
{
	check_disk(QEMU_MACHINE_MICROVM, "-append  -global virtio-mmio.force-legacy=false -drive "
					 "file=/imgs/a,,b.img,format=raw,if=none,id=root -device "
					 "virtio-blk-device,drive=root -chardev");
	check_disk(QEMU_MACHINE_Q35, "-append  -drive file=/imgs/a,,b.img,format=raw,if=none,"
				     "id=root -device virtio-blk-pci,drive=root,disable-legacy=on "
				     "-chardev");
	check_disk(QEMU_MACHINE_PC, "-device virtio-blk-pci,drive=root,disable-legacy=on");
}

/* A cached image (isle run PROGRAM): snapshot=on, next to an overrides bundle. */
static void test_disk_snapshot_with_initrd(void **state)
{
	struct qemu_config c = {
		.qemu = "q",
		.memory = 64ULL << 20,
		.kernel = "k",
		.initrd = "/tmp/isle-bundle-x",
		.disk = "/c/k.img",
		.snapshot = true,
		.append = "",
	};
	struct strvec sv = {0};
	char *s;

	qemu_build_argv(&c, &sv);
	s = joined(&sv);
	assert_non_null(strstr(s, "-kernel k -initrd /tmp/isle-bundle-x -append  -global "
				  "virtio-mmio.force-legacy=false -drive "
				  "file=/c/k.img,format=raw,if=none,id=root,snapshot=on -device "
				  "virtio-blk-device,drive=root -chardev"));
	free(s);
	strvec_free(&sv);
}

static void test_append_is_one_argument(void **state)
{
	struct qemu_config c = {
		.qemu = "/opt/q",
		.memory = 4ULL << 20,
		.kernel = "k",
		.initrd = "b",
		.append = "",
	};
	struct strvec sv = {0};
	size_t i;

	qemu_build_argv(&c, &sv);
	assert_string_equal(sv.v[0], "/opt/q");
	for (i = 0; i < sv.n && strcmp(sv.v[i], "-append"); i++)
		;
	assert_true(i + 1 < sv.n);
	assert_string_equal(sv.v[i + 1], ""); /* present even when empty */
	strvec_free(&sv);
}

static void test_machine_parse(void **state)
{
	enum qemu_machine m;

	assert_int_equal(qemu_machine_parse("microvm", &m), 0);
	assert_int_equal(m, QEMU_MACHINE_MICROVM);
	assert_int_equal(qemu_machine_parse("q35", &m), 0);
	assert_int_equal(m, QEMU_MACHINE_Q35);
	assert_int_equal(qemu_machine_parse("pc", &m), 0);
	assert_int_equal(m, QEMU_MACHINE_PC);
	assert_int_equal(qemu_machine_parse("PC", &m), -EINVAL);
	assert_int_equal(qemu_machine_parse("", &m), -EINVAL);
	assert_int_equal(qemu_machine_parse("virt", &m), -EINVAL);
}

static void test_memory_arg(void **state)
{
	char buf[32];

	qemu_memory_arg(8ULL << 20, buf, sizeof(buf));
	assert_string_equal(buf, "8M");
	qemu_memory_arg(131072ULL << 10, buf, sizeof(buf));
	assert_string_equal(buf, "128M");
	qemu_memory_arg(4097ULL << 10, buf, sizeof(buf));
	assert_string_equal(buf, "4097K");
	qemu_memory_arg(3ULL << 30, buf, sizeof(buf));
	assert_string_equal(buf, "3072M");
	qemu_memory_arg((4ULL << 20) + 1, buf, sizeof(buf));
	assert_string_equal(buf, "4097K"); /* rounded up */
}

static void quoted(const char *in, const char *want)
{
	char *q = util_shell_quote(in);

	assert_string_equal(q, want);
	free(q);
}

static void test_shell_quote(void **state)
{
	quoted("qemu-system-x86_64", "qemu-system-x86_64");
	quoted("/tmp/isle-bundle-x_Y.z", "/tmp/isle-bundle-x_Y.z");
	quoted("file,id=err0,path=/dev/fd/2,append=on", "file,id=err0,path=/dev/fd/2,append=on");
	quoted("", "''");
	quoted("trace verbose", "'trace verbose'");
	quoted("it's", "'it'\\''s'");
	quoted("$HOME", "'$HOME'");
	quoted("a\nb", "'a\nb'");
	quoted("*", "'*'");
	quoted("~x", "'~x'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_microvm),
		cmocka_unit_test(test_q35),
		cmocka_unit_test(test_pc),
		cmocka_unit_test(test_disk),
		cmocka_unit_test(test_disk_snapshot_with_initrd),
		cmocka_unit_test(test_append_is_one_argument),
		cmocka_unit_test(test_machine_parse),
		cmocka_unit_test(test_memory_arg),
		cmocka_unit_test(test_shell_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
