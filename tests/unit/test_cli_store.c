/* test_cli_store.c: the pure parts of isle image/instance: names, the instance state file
 * (format, parse, rejects), the STATE and PORTS columns, host port clashes, the capped
 * log's rotation, the store's metadata, and decoding a manifest made by the encoder. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "abi/manifest.h"
#include "../../cli/inststate.h"
#include "../../cli/manifest.h"
#include "../../cli/mfread.h"
#include "../../cli/store.h"

static void test_names(void **state)
{
	char longest[INST_NAME_MAX + 2];

	assert_true(inst_name_valid("server-image"));
	assert_true(inst_name_valid("a"));
	assert_true(inst_name_valid("A.b_c-9"));
	assert_true(inst_name_valid("9lives"));
	assert_false(inst_name_valid(""));
	assert_false(inst_name_valid("-x"));
	assert_false(inst_name_valid(".hidden"));
	assert_false(inst_name_valid("_x"));
	assert_false(inst_name_valid("a/b"));
	assert_false(inst_name_valid(".."));
	assert_false(inst_name_valid("a b"));
	assert_false(inst_name_valid("a\n"));
	assert_false(inst_name_valid("caf\xc3\xa9"));
	memset(longest, 'x', INST_NAME_MAX);
	longest[INST_NAME_MAX] = '\0';
	assert_true(inst_name_valid(longest));
	longest[INST_NAME_MAX] = 'x';
	longest[INST_NAME_MAX + 1] = '\0';
	assert_false(inst_name_valid(longest));
}

static void test_state_roundtrip(void **state)
{
	struct inst_state s, t;
	char *text;

	memset(&s, 0, sizeof(s));
	strcpy(s.name, "web-1");
	strcpy(s.image, "server-image");
	strcpy(s.disk, "/home/u/.local/state/isle/instances/web-1/disk.img");
	s.pid = 4242;
	s.pid_start = 123456789ULL;
	s.started = 1700000000;
	s.phase = INST_EXITED;
	s.status = 3;
	s.restarts = 7;
	s.memory = 256ULL << 20;
	s.ports[0] = (struct qemu_port){.host = 8080, .guest = 80, .udp = false};
	s.ports[1] = (struct qemu_port){.host = 53, .guest = 5353, .udp = true};
	s.nports = 2;
	text = inst_state_format(&s);
	assert_non_null(strstr(text, "state=exited\n"));
	assert_non_null(strstr(text, "ports=8080:80/tcp,53:5353/udp\n"));
	assert_int_equal(inst_state_parse(text, &t), 0);
	free(text);
	assert_string_equal(t.name, "web-1");
	assert_string_equal(t.image, "server-image");
	assert_string_equal(t.disk, s.disk);
	assert_int_equal(t.pid, 4242);
	assert_true(t.pid_start == 123456789ULL);
	assert_true(t.started == 1700000000);
	assert_int_equal(t.phase, INST_EXITED);
	assert_int_equal(t.status, 3);
	assert_int_equal(t.restarts, 7);
	assert_true(t.memory == 256ULL << 20);
	assert_int_equal(t.nports, 2);
	assert_int_equal(t.ports[1].host, 53);
	assert_int_equal(t.ports[1].guest, 5353);
	assert_true(t.ports[1].udp);
	assert_false(t.ports[0].udp);
}

static void test_state_rejects(void **state)
{
	struct inst_state t;

	assert_int_equal(inst_state_parse("name=x\nstate=running\nports=-\n", &t), 0);
	assert_int_equal(t.nports, 0);
	/* unknown keys from a newer isle are ignored */
	assert_int_equal(inst_state_parse("name=x\nstate=stopped\nfuture=1\n", &t), 0);
	assert_int_equal(inst_state_parse("name=x\n", &t), -EINVAL);
	assert_int_equal(inst_state_parse("state=running\n", &t), -EINVAL);
	assert_int_equal(inst_state_parse("name=../x\nstate=running\n", &t), -EINVAL);
	assert_int_equal(inst_state_parse("name=x\nstate=sleeping\n", &t), -EINVAL);
	assert_int_equal(inst_state_parse("name=x\nstate=running\npid=12a\n", &t), -EINVAL);
	assert_int_equal(inst_state_parse("name=x\nstate=running\npid=-1\n", &t), -EINVAL);
	assert_int_equal(inst_state_parse("name=x\nstate=exited\nstatus=256\n", &t), -EINVAL);
	assert_int_equal(inst_state_parse("name=x\nstate=running\nports=0:1/tcp\n", &t), -EINVAL);
	assert_int_equal(inst_state_parse("name=x\nstate=running\nports=80/sctp\n", &t), -EINVAL);
	assert_int_equal(inst_state_parse("name=x\nstate=running\ngarbage\n", &t), -EINVAL);
}

static void test_state_show(void **state)
{
	struct inst_state s = {.phase = INST_RUNNING};
	char buf[32];

	inst_state_show(&s, true, buf, sizeof(buf));
	assert_string_equal(buf, "running");
	/* a supervisor that died without recording an end is never "running" */
	inst_state_show(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "crashed");
	s.phase = INST_STARTING;
	inst_state_show(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "crashed");
	s.phase = INST_EXITED;
	s.status = 139;
	inst_state_show(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "exited(139)");
	s.phase = INST_STOPPED;
	inst_state_show(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "stopped");
}

static void test_ports(void **state)
{
	struct qemu_port a[] = {{8080, 8080, false}, {53, 53, true}};
	struct qemu_port b[] = {{53, 53, false}, {8081, 8080, false}};
	struct qemu_port c[] = {{9000, 1, false}, {53, 5353, true}};
	char buf[64];

	assert_int_equal(inst_ports_clash(a, 2, b, 2), -1); /* 53/tcp vs 53/udp: no clash */
	assert_int_equal(inst_ports_clash(a, 2, c, 2), 1);  /* host 53/udp, guest ports differ */
	assert_int_equal(inst_ports_clash(b, 2, a, 0), -1);
	assert_int_equal(inst_ports_clash(c, 1, (struct qemu_port[]){{9000, 2, false}}, 1), 0);
	inst_ports_show(a, 2, buf, sizeof(buf));
	assert_string_equal(buf, "8080:8080/tcp,53:53/udp");
	inst_ports_show(a, 0, buf, sizeof(buf));
	assert_string_equal(buf, "-");
}

static char *tmpdir(void)
{
	char *d = strdup("/tmp/isle-test-store-XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static long long file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (long long)st.st_size : -1;
}

static void test_log_rotation(void **state)
{
	char *d = tmpdir(), path[256], old[256], *text;
	struct inst_log l;

	snprintf(path, sizeof(path), "%s/log", d);
	snprintf(old, sizeof(old), "%s/log.1", d);
	assert_int_equal(inst_log_open(&l, path, 10), 0);
	assert_int_equal(inst_log_write(&l, "abcdef", 6), 0);
	assert_int_equal(inst_log_write(&l, "ghij", 4), 0); /* exactly at the cap: no rotation */
	assert_int_equal(file_size(path), 10);
	assert_int_equal(file_size(old), -1);
	assert_int_equal(inst_log_write(&l, "k", 1), 0); /* past it: rotate first */
	assert_int_equal(file_size(old), 10);
	assert_int_equal(file_size(path), 1);
	assert_int_equal(inst_log_write(&l, "0123456789ABC", 13), 0); /* bigger than cap */
	assert_int_equal(file_size(path), 13);
	assert_int_equal(store_read_file(old, &text), 0);
	assert_string_equal(text, "k"); /* the previous generation was replaced */
	free(text);
	inst_log_close(&l);
	/* reopening appends and counts what is there */
	assert_int_equal(inst_log_open(&l, path, 20), 0);
	assert_true(l.size == 13);
	assert_int_equal(inst_log_write(&l, "12345678", 8), 0);
	assert_int_equal(file_size(path), 8);
	inst_log_close(&l);
	unlink(path);
	unlink(old);
	rmdir(d);
	free(d);
}

static void test_meta(void **state)
{
	struct store_meta m = {.created = 1763870000, .size = 6291456}, n;
	char *d = tmpdir(), path[256], *text, *back;

	strcpy(m.name, "server-image");
	strcpy(m.program, "./server");
	text = store_meta_format(&m);
	snprintf(path, sizeof(path), "%s/meta", d);
	assert_int_equal(store_write_file(path, text), 0);
	assert_int_equal(store_read_file(path, &back), 0);
	assert_string_equal(back, text);
	assert_int_equal(store_meta_parse(back, &n), 0);
	assert_string_equal(n.name, "server-image");
	assert_string_equal(n.program, "./server");
	assert_true(n.created == 1763870000 && n.size == 6291456);
	assert_int_equal(store_meta_parse("name=x\nsize=12q\n", &n), -EINVAL);
	assert_int_equal(store_meta_parse("name=a/b\n", &n), -EINVAL);
	assert_int_equal(store_meta_parse("nonsense\n", &n), -EINVAL);
	free(text);
	free(back);
	unlink(path);
	rmdir(d);
	free(d);
}

static void test_manifest_decode(void **state)
{
	char *argv[] = {"/server", "-v"}, *envp[] = {"A=1"}, why[128];
	struct manifest_input in = {.program = "/server",
				    .cwd = "/srv",
				    .version = "0.1.0",
				    .argv = argv,
				    .argc = 2,
				    .envp = envp,
				    .envc = 1,
				    .flags = ISLE_MF_REBOOT_ON_EXIT};
	struct mf_info m;
	const char *w;
	void *buf;
	size_t len;

	assert_int_equal(manifest_encode(&in, &buf, &len, why, sizeof(why)), 0);
	assert_int_equal(mf_decode(buf, len, &m, &w), 0);
	assert_string_equal(m.program, "/server");
	assert_string_equal(m.cwd, "/srv");
	assert_string_equal(m.version, "0.1.0");
	assert_int_equal(m.argv.n, 2);
	assert_string_equal(m.argv.v[1], "-v");
	assert_int_equal(m.envp.n, 1);
	assert_string_equal(m.envp.v[0], "A=1");
	assert_true(m.flags & ISLE_MF_REBOOT_ON_EXIT);
	mf_free(&m);
	/* every truncation is refused, never read past */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(mf_decode(buf, cut, &m, &w), -EINVAL);
	((char *)buf)[0] = 'X';
	assert_int_equal(mf_decode(buf, len, &m, &w), -EINVAL);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),	      cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_state_rejects), cmocka_unit_test(test_state_show),
		cmocka_unit_test(test_ports),	      cmocka_unit_test(test_log_rotation),
		cmocka_unit_test(test_meta),	      cmocka_unit_test(test_manifest_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
