/* test_cli_net.c: `isle run --net` and -p: parsing, validation (port range, duplicates,
 * unknown modes), the default mode, and the QEMU -netdev/-device arguments they produce
 * (host forwards bound to 127.0.0.1, restrict=on for isolated, modern virtio-net). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/netopts.h"
#include "../../cli/qemu.h"
#include "../../cli/runopts.h"

static int parse(struct run_options *o, int argc, char **argv)
{
	runopts_init(o);
	return runopts_parse(o, argc, argv);
}

static void test_port_parse(void **state)
{
	struct qemu_port p;
	const char *why;

	assert_int_equal(net_port_parse("8080", false, &p, &why), 0);
	assert_int_equal(p.host, 8080);
	assert_int_equal(p.guest, 8080);
	assert_false(p.udp);
	assert_int_equal(net_port_parse("1:65535/udp", false, &p, &why), 0);
	assert_int_equal(p.host, 1);
	assert_int_equal(p.guest, 65535);
	assert_true(p.udp);
	assert_int_equal(net_port_parse("53", true, &p, &why), 0);
	assert_true(p.udp);
	assert_int_equal(net_port_parse("53/tcp", true, &p, &why), 0);
	assert_false(p.udp);
	static const char *const bad[] = {"",	       "0",	   "65536",
					  "80:0",      "80:",	   ":80",
					  "80/sctp",   "80/",	   "-1",
					  "8080-8081", "80:80:80", "x",
					  " 80",       "80 ",	   "99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (net_port_parse(bad[i], false, &p, &why) != -EINVAL || why == NULL) {
			print_error("'%s' accepted\n", bad[i]);
			fail();
		}
	}
}

static void test_duplicates(void **state)
{
	struct net_options n = {0};
	struct qemu_port tcp = {8080, 80, false}, udp = {8080, 80, true}, other = {8080, 81, false};
	const char *why;

	assert_int_equal(net_port_add(&n, &tcp, &why), 0);
	assert_int_equal(net_port_add(&n, &udp, &why), 0);
	assert_int_equal(net_port_add(&n, &other, &why), -EINVAL);
	assert_non_null(strstr(why, "TCP host port forwarded twice"));
	assert_int_equal(n.nports, 2);
}

static void test_modes(void **state)
{
	struct net_options n = {0};
	const char *why;

	assert_int_equal(net_mode_parse("isolated", &n, &why), 0);
	assert_int_equal(n.mode, QEMU_NET_ISOLATED);
	assert_int_equal(net_mode_parse("user", &n, &why), 0);
	assert_int_equal(n.mode, QEMU_NET_USER);
	assert_int_equal(net_mode_parse("none", &n, &why), 0);
	assert_int_equal(n.mode, QEMU_NET_NONE);
	assert_int_equal(net_mode_parse("tap:tap0", &n, &why), 0);
	assert_int_equal(n.mode, QEMU_NET_TAP);
	assert_string_equal(n.tap, "tap0");
	assert_int_equal(net_mode_parse("bridge", &n, &why), -EINVAL);
	assert_int_equal(net_mode_parse("tap:", &n, &why), -EINVAL);
	assert_int_equal(net_mode_parse("tap:a,b", &n, &why), -EINVAL);
	assert_int_equal(net_mode_parse("tap:0123456789abcdef", &n, &why), -EINVAL);
	assert_int_equal(net_mode_parse("udp:40000:40001", &n, &why), 0);
	assert_int_equal(n.mode, QEMU_NET_UDP);
	assert_int_equal(n.udp_local, 40000);
	assert_int_equal(n.udp_remote, 40001);
	assert_int_equal(net_mode_parse("udp:1:65535", &n, &why), 0);
	assert_int_equal(n.udp_local, 1);
	assert_int_equal(n.udp_remote, 65535);
	static const char *const bad[] = {
		"udp:",	       "udp:40000",	  "udp:40000:",	     "udp::40001",
		"udp:0:40001", "udp:40000:65536", "udp:40000:40000", "udp:40000:40001:1",
		"udp:a:b",     "udp:40000:4x",	  "udp:1.2.3.4:5:6", "udp:-1:2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (net_mode_parse(bad[i], &n, &why) != -EINVAL || why == NULL) {
			print_error("'%s' accepted\n", bad[i]);
			fail();
		}
	}
	assert_int_equal(net_mode_parse("udp:7:7", &n, &why), -EINVAL);
	assert_non_null(strstr(why, "must differ"));
	assert_int_equal(net_mode_parse("udp:7:70000", &n, &why), -EINVAL);
	assert_non_null(strstr(why, "1 to 65535"));
}

static void test_defaults(void **state)
{
	struct run_options o;
	const char *why;
	char *a1[] = {"run", "prog"};
	char *a2[] = {"run", "-p", "8080", "prog"};

	assert_int_equal(parse(&o, 2, a1), 0);
	assert_int_equal(net_finish(&o.net, &why), 0);
	assert_int_equal(o.net.mode, QEMU_NET_NONE);
	runopts_free(&o);
	assert_int_equal(parse(&o, 4, a2), 0);
	assert_true(o.ports_given);
	assert_int_equal(net_finish(&o.net, &why), 0);
	assert_int_equal(o.net.mode, QEMU_NET_USER);
	runopts_free(&o);
}

static void test_refused(void **state)
{
	struct run_options o;
	char *a1[] = {"run", "--net", "wifi", "prog"};
	char *a2[] = {"run", "-p", "70000", "prog"};
	char *a3[] = {"run", "-p", "80", "--publish=80:81", "prog"};
	char *a4[] = {"run", "--net", "none", "-p", "80", "prog"};
	char *a5[] = {"run", "--net=tap:tap0", "-p", "80", "prog"};
	char *a6[] = {"run", "-p", "80", "-p", "80/udp", "--net=isolated", "prog"};
	char *a7[] = {"run", "--net=udp:40000:40001", "-p", "80", "prog"};

	assert_int_equal(parse(&o, 4, a1), -EINVAL);
	runopts_free(&o);
	assert_int_equal(parse(&o, 4, a2), -EINVAL);
	runopts_free(&o);
	assert_int_equal(parse(&o, 5, a3), -EINVAL);
	runopts_free(&o);
	assert_int_equal(parse(&o, 6, a4), -EINVAL);
	runopts_free(&o);
	assert_int_equal(parse(&o, 5, a5), -EINVAL);
	runopts_free(&o);
	assert_int_equal(parse(&o, 5, a7), -EINVAL);
	runopts_free(&o);
	assert_int_equal(parse(&o, 7, a6), 0);
	assert_int_equal(o.net.nports, 2);
	assert_int_equal(o.net.mode, QEMU_NET_ISOLATED);
	runopts_free(&o);
}

static char *argv_of(enum qemu_machine m, enum qemu_net net, const struct qemu_port *ports,
		     size_t n)
{
	struct qemu_config c = {.qemu = "qemu",
				.machine = m,
				.memory = 64 << 20,
				.kernel = "k",
				.append = "",
				.net = net,
				.tap = "tap0",
				.udp_local = 40000,
				.udp_remote = 40001,
				.ports = ports,
				.nports = n};
	struct strvec sv = {0};
	size_t len = 1;
	qemu_build_argv(&c, &sv);
	for (size_t i = 0; i < sv.n; i++)
		len += strlen(sv.v[i]) + 1;
	char *s = calloc(1, len);
	for (size_t i = 0; i < sv.n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, sv.v[i]);
	}
	strvec_free(&sv);
	return s;
}

static void test_qemu_args(void **state)
{
	static const struct qemu_port ports[] = {{8080, 80, false}, {5353, 53, true}};
	char *s = argv_of(QEMU_MACHINE_MICROVM, QEMU_NET_ISOLATED, ports, 2);
	assert_non_null(strstr(s, " -global virtio-mmio.force-legacy=false"));
	assert_non_null(strstr(s, " -netdev user,id=net0,restrict=on,"
				  "hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:127.0.0.1:5353-:53 "
				  "-device virtio-net-device,netdev=net0"));
	free(s);
	s = argv_of(QEMU_MACHINE_Q35, QEMU_NET_USER, NULL, 0);
	assert_non_null(strstr(s, " -netdev user,id=net0,restrict=off -device "
				  "virtio-net-pci,netdev=net0,disable-legacy=on,romfile="));
	assert_null(strstr(s, "force-legacy"));
	free(s);
	s = argv_of(QEMU_MACHINE_PC, QEMU_NET_TAP, NULL, 0);
	assert_non_null(strstr(s, " -netdev tap,id=net0,ifname=tap0,script=no,downscript=no "));
	free(s);
	s = argv_of(QEMU_MACHINE_MICROVM, QEMU_NET_UDP, NULL, 0);
	assert_non_null(strstr(s, " -netdev dgram,id=net0,local.type=inet,local.host=127.0.0.1,"
				  "local.port=40000,remote.type=inet,remote.host=127.0.0.1,"
				  "remote.port=40001 -device virtio-net-device,netdev=net0"));
	free(s);
	s = argv_of(QEMU_MACHINE_MICROVM, QEMU_NET_NONE, NULL, 0);
	assert_null(strstr(s, "net"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_parse), cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_modes),	   cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refused),	   cmocka_unit_test(test_qemu_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
