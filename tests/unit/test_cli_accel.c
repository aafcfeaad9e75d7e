/* test_cli_accel.c: the KVM-or-TCG decision against fixture files standing in for
 * /dev/kvm, /proc/cpuinfo, /proc/modules and /sys/module/kvm_pvm. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../cli/accel.h"

static char dir[] = "/tmp/isle-test-accel-XXXXXX";
static char kvm[256], cpuinfo[256], modules[256], pvm[256], missing[256];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define INTEL_FLAGS "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep vmx smx est\n"
#define AMD_FLAGS "flags\t\t: fpu vme de pse tsc msr pae svm extapic cr8_legacy\n"
#define NO_FLAGS "flags\t\t: fpu vme de pse tsc msr pae hypervisor vmxx xsvm\n"
#define VMX_LINE "vmx flags\t: vnmi preemption_timer\n" /* not the "flags" line */

/* A host with usable hardware KVM: the baseline each test changes one thing of. */
static int setup(void **state)
{
	strcpy(dir + strlen(dir) - 6, "XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(kvm, sizeof(kvm), "%s/kvm", dir);
	snprintf(cpuinfo, sizeof(cpuinfo), "%s/cpuinfo", dir);
	snprintf(modules, sizeof(modules), "%s/modules", dir);
	snprintf(pvm, sizeof(pvm), "%s/kvm_pvm", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	put(kvm, "");
	put(cpuinfo, "processor\t: 0\n" INTEL_FLAGS "\nprocessor\t: 1\n" INTEL_FLAGS);
	put(modules, "kvm_intel 409600 0 - Live 0x0\nkvm 1146880 1 kvm_intel, Live 0x0\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct accel_probe probe(void)
{
	return (struct accel_probe){
		.kvm_dev = kvm, .cpuinfo = cpuinfo, .modules = modules, .pvm_sysfs = pvm};
}

static void usable(struct accel_probe p)
{
	char why[256] = "";

	if (!accel_kvm_usable(&p, why, sizeof(why)))
		fail_msg("expected KVM usable, got: %s", why);
}

static void unusable(struct accel_probe p, const char *want)
{
	char why[256] = "";

	assert_false(accel_kvm_usable(&p, why, sizeof(why)));
	assert_string_equal(why, want);
}

static void test_hardware_kvm(void **state)
{
	struct accel_probe p = probe();

	usable(probe());
	put(cpuinfo, AMD_FLAGS);
	usable(probe());
	put(cpuinfo, VMX_LINE INTEL_FLAGS);
	usable(probe());
	p.modules = missing; /* no /proc/modules (modules built in): fine */
	usable(p);
}

static void test_no_dev_kvm(void **state)
{
	struct accel_probe p = probe();
	char want[512];

	p.kvm_dev = missing;
	snprintf(want, sizeof(want), "%s is not available", missing);
	unusable(p, want);
	if (geteuid() != 0) {
		chmod(kvm, 0);
		snprintf(want, sizeof(want), "%s cannot be opened: Permission denied", kvm);
		unusable(probe(), want);
		chmod(kvm, 0600);
	}
}

static void test_pvm(void **state)
{
	char want[512];

	snprintf(want, sizeof(want), "%s is PVM (kvm_pvm), which the isle kernel cannot run on yet",
		 kvm);
	put(cpuinfo, INTEL_FLAGS);
	put(modules, "kvm_pvm 90112 0 - Live 0x0\nkvm 1146880 1 kvm_pvm, Live 0x0\n");
	unusable(probe(), want);
	put(modules, "kvm 1146880 0 - Live 0x0\n");
	assert_int_equal(mkdir(pvm, 0755), 0); /* built in: only /sys/module/kvm_pvm */
	unusable(probe(), want);
	rmdir(pvm);
	usable(probe());
}

static void test_no_virtualization_flags(void **state)
{
	char want[512];
	struct accel_probe p = probe();

	put(cpuinfo, VMX_LINE NO_FLAGS);
	snprintf(want, sizeof(want),
		 "the host CPU has no hardware virtualization (no vmx or svm flag in %s)", cpuinfo);
	unusable(p, want);
	p.cpuinfo = missing;
	snprintf(want, sizeof(want), "cannot read %s: No such file or directory", missing);
	unusable(p, want);
	put(cpuinfo, INTEL_FLAGS);
}

static void test_choose(void **state)
{
	struct accel_probe p = probe();
	bool k = true;

	assert_int_equal(accel_choose(ACCEL_TCG, &p, &k), 0);
	assert_false(k);
	assert_int_equal(accel_choose(ACCEL_AUTO, &p, &k), 0);
	assert_true(k);
	assert_int_equal(accel_choose(ACCEL_KVM, &p, &k), 0);
	assert_true(k);
	p.kvm_dev = missing;
	assert_int_equal(accel_choose(ACCEL_AUTO, &p, &k), 0); /* notice on stderr */
	assert_false(k);
	assert_int_equal(accel_choose(ACCEL_KVM, &p, &k), -ENODEV);
	assert_false(k);
	assert_int_equal(accel_choose(ACCEL_TCG, &p, &k), 0);
	assert_false(k);
}

static void test_parse(void **state)
{
	enum accel_mode m;

	assert_int_equal(accel_parse("auto", &m), 0);
	assert_int_equal(m, ACCEL_AUTO);
	assert_int_equal(accel_parse("kvm", &m), 0);
	assert_int_equal(m, ACCEL_KVM);
	assert_int_equal(accel_parse("tcg", &m), 0);
	assert_int_equal(m, ACCEL_TCG);
	assert_int_equal(accel_parse("KVM", &m), -EINVAL);
	assert_int_equal(accel_parse("hvf", &m), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hardware_kvm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_dev_kvm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pvm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_virtualization_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_choose, setup, teardown),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
