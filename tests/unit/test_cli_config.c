/* test_cli_config.c: config.json parsing: every key, wrong types, unknown and warned keys,
 * paths that would escape the image root, size strings; and the canonical image paths
 * (imgpath) those checks rely on. Messages are captured from stderr and must name the
 * file and the key. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../cli/config.h"
#include "../../cli/imgpath.h"

static char msgs[16384]; /* what the last parse() printed on stderr */

static int parse(const char *json, struct config *c)
{
	FILE *t = tmpfile();
	int saved, r;
	size_t n;

	assert_non_null(t);
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(t), 2);
	config_init(c);
	r = config_parse(json, strlen(json), "dir/config.json", c);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(t);
	n = fread(msgs, 1, sizeof(msgs) - 1, t);
	msgs[n] = '\0';
	fclose(t);
	return r;
}

/* json must be refused with a message containing want (file and key included). */
static void refused(const char *json, const char *want)
{
	struct config c;

	if (parse(json, &c) != -EINVAL || !strstr(msgs, want)) {
		print_error("config %s\nwanted an error with '%s'\ngot:\n%s\n", json, want, msgs);
		fail();
	}
	config_free(&c);
}

static void test_empty(void **state)
{
	struct config c;

	assert_int_equal(parse("{}", &c), 0);
	assert_string_equal(msgs, "");
	assert_string_equal(c.name, "dir/config.json");
	assert_string_equal(c.dir, "dir");
	assert_null(c.program);
	assert_false(c.has_args || c.has_nameservers || c.has_accel);
	assert_int_equal(c.env.n + c.dirs.n + c.files.n + c.map_globs.n, 0);
	assert_true(c.volume_size == 0 && c.memory == 0);
	assert_false(c.reboot_on_exit || c.exec_protection || c.noaslr);
	assert_null(c.cwd);
	config_free(&c);
}

static void test_every_key(void **state)
{
	const char *json = "{\"Program\": \"bin/server\", \"Args\": [\"-v\", \"a b\"],"
			   " \"Env\": {\"B\": \"2\", \"A\": \"x=y\"},"
			   " \"Dirs\": [\"static\", \"./a//b/\"], \"Files\": [\"/etc/x.conf\"],"
			   " \"MapDirs\": {\"data/*\": \"/srv//data/\"},"
			   " \"NameServers\": [\"8.8.8.8\", \"2001:4860::8888\"],"
			   " \"BaseVolumeSz\": \"32m\", \"RebootOnExit\": true,"
			   " \"RunConfig\": {\"Memory\": \"2G\", \"CPUs\": 1, \"Ports\": [],"
			   "   \"UDPPorts\": [], \"Accel\": \"tcg\"},"
			   " \"ExecProtection\": true, \"NoASLR\": true, \"Cwd\": \"/srv/./data\"}";
	struct config c;

	assert_int_equal(parse(json, &c), 0);
	assert_string_equal(msgs, "");
	assert_string_equal(c.program, "bin/server");
	assert_true(c.has_args);
	assert_int_equal(c.args.n, 2);
	assert_string_equal(c.args.v[1], "a b");
	assert_int_equal(c.env.n, 2);
	assert_string_equal(c.env.v[0], "B=2"); /* file order */
	assert_string_equal(c.env.v[1], "A=x=y");
	assert_int_equal(c.dirs.n, 2);
	assert_string_equal(c.dirs.v[1], "./a//b/"); /* as written; staged canonical */
	assert_string_equal(c.files.v[0], "/etc/x.conf");
	assert_string_equal(c.map_globs.v[0], "data/*");
	assert_string_equal(c.map_targets.v[0], "/srv/data");
	assert_true(c.has_nameservers);
	assert_int_equal(c.nameservers.n, 2);
	assert_true(c.volume_size == 32ULL << 20);
	assert_true(c.reboot_on_exit && c.exec_protection && c.noaslr);
	assert_true(c.memory == 2ULL << 30);
	assert_true(c.has_accel);
	assert_int_equal(c.accel, ACCEL_TCG);
	assert_string_equal(c.cwd, "/srv/data");
	config_free(&c);
}

static void test_empty_args_is_given(void **state)
{
	struct config c;

	assert_int_equal(parse("{\"Args\": []}", &c), 0);
	assert_true(c.has_args);
	assert_int_equal(c.args.n, 0);
	config_free(&c);
}

static void test_wrong_types(void **state)
{
	refused("{\"Program\": 5}", "dir/config.json: Program: expected a string, got an integer");
	refused("{\"Program\": \"\"}", "Program: must not be empty");
	refused("{\"Args\": \"-v\"}", "Args: expected an array, got a string");
	refused("{\"Args\": [\"a\", 7]}", "Args[1]: expected a string, got an integer");
	refused("{\"Env\": [\"A=1\"]}", "Env: expected an object, got an array");
	refused("{\"Env\": {\"PORT\": 8080}}", "Env.PORT: expected a string, got an integer");
	refused("{\"Env\": {\"A=B\": \"1\"}}", "Env: invalid variable name 'A=B'");
	refused("{\"Dirs\": \"static\"}", "Dirs: expected an array, got a string");
	refused("{\"Dirs\": [null]}", "Dirs[0]: expected a string, got null");
	refused("{\"Files\": [true]}", "Files[0]: expected a string, got a boolean");
	refused("{\"MapDirs\": [\"a\"]}", "MapDirs: expected an object, got an array");
	refused("{\"MapDirs\": {\"a/*\": 1}}", "MapDirs.a/*: expected a string, got an integer");
	refused("{\"NameServers\": \"8.8.8.8\"}", "NameServers: expected an array");
	refused("{\"NameServers\": [\"dns.google\"]}",
		"NameServers[0]: 'dns.google' is not an IPv4 or IPv6 address");
	refused("{\"BaseVolumeSz\": 32}", "BaseVolumeSz: expected a string, got an integer");
	refused("{\"RebootOnExit\": \"true\"}", "RebootOnExit: expected a boolean, got a string");
	refused("{\"ExecProtection\": 1}", "ExecProtection: expected a boolean");
	refused("{\"NoASLR\": null}", "NoASLR: expected a boolean, got null");
	refused("{\"Cwd\": 1.5}", "Cwd: expected a string, got a number");
	refused("{\"RunConfig\": []}", "RunConfig: expected an object, got an array");
	refused("{\"RunConfig\": {\"Memory\": 64}}", "RunConfig.Memory: expected a string");
	refused("{\"RunConfig\": {\"CPUs\": \"1\"}}", "RunConfig.CPUs: expected an integer");
	refused("{\"RunConfig\": {\"Ports\": \"80\"}}", "RunConfig.Ports: expected an array");
	refused("{\"RunConfig\": {\"Accel\": true}}", "RunConfig.Accel: expected a string");
	refused("{\"ManifestPassthrough\": \"x\"}", "ManifestPassthrough: expected an object");
	refused("{\"ManifestPassthrough\": {\"exec_protection\": 1}}",
		"ManifestPassthrough.exec_protection: expected \"t\"");
	refused("{\"ManifestPassthrough\": {\"noaslr\": \"yes\"}}",
		"ManifestPassthrough.noaslr: 'yes'");
	refused("{\"ManifestPassthrough\": {\"cwd\": 3}}",
		"ManifestPassthrough.cwd: expected a string");
}

static void test_run_config_cpus(void **state)
{
	struct config c;

	assert_int_equal(parse("{\"RunConfig\": {\"CPUs\": 4}}", &c), 0);
	assert_string_equal(msgs, "");
	assert_int_equal(c.cpus, 4);
	config_free(&c);
	assert_int_equal(parse("{\"RunConfig\": {\"CPUs\": 64}}", &c), 0);
	assert_int_equal(c.cpus, 64);
	config_free(&c);
	assert_int_equal(parse("{\"RunConfig\": {}}", &c), 0);
	assert_int_equal(c.cpus, 0); /* not given */
	config_free(&c);
}

static void test_run_config_values(void **state)
{
	refused("{\"RunConfig\": {\"CPUs\": 0}}", "RunConfig.CPUs: 0 CPUs: expected 1 to 64");
	refused("{\"RunConfig\": {\"CPUs\": -2}}", "RunConfig.CPUs: -2 CPUs: expected 1 to 64");
	refused("{\"RunConfig\": {\"CPUs\": 65}}", "RunConfig.CPUs: 65 CPUs: expected 1 to 64");
	refused("{\"RunConfig\": {\"CPUs\": 2.5}}", "RunConfig.CPUs: expected an integer");
	refused("{\"RunConfig\": {\"Ports\": [\"0\"]}}", "RunConfig.Ports: invalid port '0'");
	refused("{\"RunConfig\": {\"Ports\": [70000]}}", "RunConfig.Ports: port 70000");
	refused("{\"RunConfig\": {\"Ports\": [\"8080-8081\"]}}", "RunConfig.Ports: invalid port");
	refused("{\"RunConfig\": {\"Ports\": [\"80/udp\"]}}", "RunConfig.Ports: invalid port");
	refused("{\"RunConfig\": {\"Ports\": [8080, \"8080:80\"]}}",
		"RunConfig.Ports: invalid port '8080:80': TCP host port forwarded twice");
	refused("{\"RunConfig\": {\"UDPPorts\": [true]}}", "RunConfig.UDPPorts: expected port");
	refused("{\"RunConfig\": {\"Accel\": \"xen\"}}", "RunConfig.Accel: invalid accelerator");
	refused("{\"RunConfig\": {\"Memory\": \"1M\"}}", "RunConfig.Memory: '1M' is too small");
	refused("{\"RunConfig\": {\"Memory\": \"lots\"}}", "RunConfig.Memory: invalid memory size");
}

static void test_ports(void **state)
{
	struct config c;

	assert_int_equal(parse("{\"RunConfig\": {\"Ports\": [8080, \"9000:90\"],"
			       " \"UDPPorts\": [\"8080\", 53]}}",
			       &c),
			 0);
	assert_int_equal(c.net.nports, 4);
	assert_int_equal(c.net.ports[0].host, 8080);
	assert_int_equal(c.net.ports[0].guest, 8080);
	assert_false(c.net.ports[0].udp);
	assert_int_equal(c.net.ports[1].host, 9000);
	assert_int_equal(c.net.ports[1].guest, 90);
	assert_true(c.net.ports[2].udp);
	assert_int_equal(c.net.ports[3].host, 53);
	assert_true(c.net.ports[3].udp);
	config_free(&c);
}

static void test_sizes(void **state)
{
	static const struct {
		const char *s;
		uint64_t bytes;
	} ok[] = {
		{"32m", 32ULL << 20},  {"1G", 1ULL << 30},     {"512", 512ULL << 20},
		{"8192K", 8ULL << 20}, {"64MiB", 64ULL << 20}, {"1024G", 1ULL << 40},
	};
	struct config c;
	char json[128];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(json, sizeof(json),
			 "{\"BaseVolumeSz\": \"%s\", \"RunConfig\": "
			 "{\"Memory\": \"%s\"}}",
			 ok[i].s, ok[i].s);
		assert_int_equal(parse(json, &c), 0);
		assert_true(c.volume_size == ok[i].bytes);
		assert_true(c.memory == ok[i].bytes);
		config_free(&c);
	}
	refused("{\"BaseVolumeSz\": \"0\"}", "BaseVolumeSz: '0' is too small");
	refused("{\"BaseVolumeSz\": \"512K\"}", "BaseVolumeSz: '512K' is too small");
	refused("{\"BaseVolumeSz\": \"12Q\"}", "BaseVolumeSz: invalid size '12Q'");
	refused("{\"BaseVolumeSz\": \"-5M\"}", "BaseVolumeSz: invalid size");
	refused("{\"BaseVolumeSz\": \"1.5G\"}", "BaseVolumeSz: invalid size");
	refused("{\"BaseVolumeSz\": \"2T\"}", "BaseVolumeSz: invalid size");
	refused("{\"BaseVolumeSz\": \"1025G\"}", "BaseVolumeSz: '1025G' is too large");
	refused("{\"BaseVolumeSz\": \"99999999999999999999\"}", "is too large");
}

static void test_unknown_keys(void **state)
{
	refused("{\"Foo\": 1}", "dir/config.json: Foo: unknown key");
	refused("{\"dirs\": []}", "dirs: unknown key (did you mean 'Dirs'?");
	refused("{\"RunConfig\": {\"Bogus\": 1}}", "RunConfig.Bogus: unknown key");
	refused("{\"RunConfig\": {\"memory\": \"64M\"}}", "did you mean 'Memory'?");
}

static void test_warned_keys(void **state)
{
	static const char *const warned[] = {
		"{\"CloudConfig\": {\"Zone\": \"x\"}}",
		"{\"Klibs\": [\"ntp\"]}",
		"{\"Mounts\": {}}",
		"{\"Boot\": \"x\"}",
		"{\"Kernel\": \"x\"}",
		"{\"TargetRoot\": \"x\"}",
		"{\"Version\": \"1\"}",
		"{\"Uefi\": true}",
		"{\"LocalFilesParentDirectory\": \".\"}",
		"{\"RunConfig\": {\"Bridged\": true}}",
		"{\"ManifestPassthrough\": {\"expected_exit_code\": \"0\"}}",
	};
	static const char *const key[] = {
		"CloudConfig",
		"Klibs",
		"Mounts",
		"Boot",
		"Kernel",
		"TargetRoot",
		"Version",
		"Uefi",
		"LocalFilesParentDirectory",
		"RunConfig.Bridged",
		"ManifestPassthrough.expected_exit_code",
	};
	struct config c;

	for (size_t i = 0; i < sizeof(warned) / sizeof(warned[0]); i++) {
		assert_int_equal(parse(warned[i], &c), 0);
		assert_non_null(strstr(msgs, "warning: dir/config.json: "));
		assert_non_null(strstr(msgs, key[i]));
		config_free(&c);
	}
}

static void test_escaping_paths(void **state)
{
	refused("{\"Dirs\": [\"../secret\"]}", "Dirs[0]: '../secret' contains '..'");
	refused("{\"Dirs\": [\"a/../../b\"]}", "Dirs[0]: 'a/../../b' contains '..'");
	refused("{\"Dirs\": [\"\"]}", "Dirs[0]: empty path");
	refused("{\"Dirs\": [\"/\"]}", "Dirs[0]: '/' names the root itself");
	refused("{\"Files\": [\"ok\", \"x/..\"]}", "Files[1]: 'x/..' contains '..'");
	refused("{\"MapDirs\": {\"../*\": \"/x\"}}", "MapDirs: host path '../*'");
	refused("{\"MapDirs\": {\"a/*\": \"rel\"}}", "MapDirs.a/*: image path 'rel' must be "
						     "absolute");
	refused("{\"MapDirs\": {\"a/*\": \"/x/../..\"}}", "MapDirs.a/*: image path");
	refused("{\"Cwd\": \"srv\"}", "Cwd: 'srv' must be an absolute image path");
	refused("{\"Cwd\": \"/../etc\"}", "Cwd: '/../etc' must be an absolute image path");
	refused("{\"ManifestPassthrough\": {\"cwd\": \"x\"}}", "ManifestPassthrough.cwd: 'x'");
}

static void test_passthrough(void **state)
{
	static const char *const yes[] = {"\"t\"", "\"true\"", "true"};
	struct config c;
	char json[128];

	for (size_t i = 0; i < 3; i++) {
		snprintf(json, sizeof(json),
			 "{\"ManifestPassthrough\": {\"exec_protection\": %s, \"noaslr\": %s}}",
			 yes[i], yes[i]);
		assert_int_equal(parse(json, &c), 0);
		assert_true(c.exec_protection && c.noaslr);
		config_free(&c);
	}
	assert_int_equal(parse("{\"ManifestPassthrough\": {\"exec_protection\": \"f\", "
			       "\"cwd\": \"/data\"}}",
			       &c),
			 0);
	assert_false(c.exec_protection);
	assert_string_equal(c.cwd, "/data");
	config_free(&c);
}

static void test_bad_json(void **state)
{
	refused("{\"Dirs\": [}", "dir/config.json: line 1, column");
	refused("[1, 2]", "expected a JSON object ({...}) at the top, got an array");
	refused("{\"Args\": [], \"Args\": []}", "duplicate");
	refused("", "invalid JSON");
}

static void test_all_errors_in_one_pass(void **state)
{
	struct config c;
	int lines = 0;

	assert_int_equal(parse("{\"Foo\": 1, \"Args\": 2, \"Dirs\": [\"..\"]}", &c), -EINVAL);
	for (const char *p = msgs; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 3);
	config_free(&c);
}

static void test_load(void **state)
{
	char dir[] = "/tmp/isle-test-config-XXXXXX", *path;
	struct config c;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	assert_true(asprintf(&path, "%s/config.json", dir) > 0);
	config_init(&c);
	assert_int_equal(config_load(path, &c), -ENOENT);
	config_free(&c);
	f = fopen(path, "w");
	fputs("{\"Dirs\": [\"static\"]}", f);
	fclose(f);
	assert_int_equal(config_load(path, &c), 0);
	assert_string_equal(c.dir, dir);
	assert_string_equal(c.dirs.v[0], "static");
	config_free(&c);
	unlink(path);
	rmdir(dir);
	free(path);
}

static void clean_ok(const char *in, const char *want, int want_abs)
{
	char *out;
	int abs = -1;

	assert_int_equal(imgpath_clean(in, &out, &abs), 0);
	assert_string_equal(out, want);
	assert_int_equal(abs, want_abs);
	free(out);
}

static void test_imgpath(void **state)
{
	char *out, *s;

	clean_ok("/", "/", 1);
	clean_ok("a", "/a", 0);
	clean_ok("./a//b/./c/", "/a/b/c", 0);
	clean_ok("//x/", "/x", 1);
	clean_ok(".", "/", 0);
	clean_ok("a/..b/c..", "/a/..b/c..", 0); /* only a whole ".." component climbs */
	assert_int_equal(imgpath_clean("..", &out, NULL), -EINVAL);
	assert_int_equal(imgpath_clean("/a/../b", &out, NULL), -EINVAL);
	assert_int_equal(imgpath_clean("a/b/..", &out, NULL), -EINVAL);
	assert_int_equal(imgpath_clean("", &out, NULL), -ENOENT);

	s = imgpath_host("dir", "x/y");
	assert_string_equal(s, "dir/x/y");
	free(s);
	s = imgpath_host("dir/", "x");
	assert_string_equal(s, "dir/x");
	free(s);
	s = imgpath_host("dir", "/abs");
	assert_string_equal(s, "/abs");
	free(s);
	s = imgpath_host(".", "x");
	assert_string_equal(s, "x");
	free(s);
	s = imgpath_dirname("config.json");
	assert_string_equal(s, ".");
	free(s);
	s = imgpath_dirname("/config.json");
	assert_string_equal(s, "/");
	free(s);
	s = imgpath_dirname("a/b//config.json");
	assert_string_equal(s, "a/b");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_empty_args_is_given),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_run_config_values),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_run_config_cpus),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_warned_keys),
		cmocka_unit_test(test_escaping_paths),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_bad_json),
		cmocka_unit_test(test_all_errors_in_one_pass),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_imgpath),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
