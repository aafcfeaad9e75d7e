/* test_cli_cache.c: the image cache's key (what changes it and what does not) and where
 * the cache lives; cache_image with a fake build (no mke2fs): built once, then found. */
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
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../cli/build.h"
#include "../../cli/cache.h"
#include "../../cli/util.h"

static int builds;

/* The fake build: writes the output and counts. */
int build_image(const struct build_request *r)
{
	FILE *f = fopen(r->output, "w");

	assert_non_null(f);
	assert_true(r->bare_env && r->quiet);
	fputs("image", f);
	fclose(f);
	builds++;
	return 0;
}

static char root[] = "/tmp/isle-test-cache-XXXXXX";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void key_of(const struct cache_input *in, unsigned char *k)
{
	assert_int_equal(cache_key(in, k), 0);
}

static void test_key(void **state)
{
	char *cfgpath = util_xasprintf("%s/config.json", root);
	char *dir = util_xasprintf("%s/d", root);
	char *file = util_xasprintf("%s/d/f", root);
	unsigned char k0[SHA256_SIZE], k1[SHA256_SIZE], k2[SHA256_SIZE];
	struct config c;
	struct cache_input in = {.program = "bin/prog", .program_data = "ELF1", .program_size = 4};
	struct timeval tv[2] = {{1000, 0}, {1000, 0}};

	key_of(&in, k0);
	key_of(&in, k1);
	assert_memory_equal(k0, k1, SHA256_SIZE); /* deterministic */
	in.program = "other/prog";		  /* the same name in the image */
	key_of(&in, k1);
	assert_memory_equal(k0, k1, SHA256_SIZE);
	in.program = "bin/prog2";
	key_of(&in, k1);
	assert_memory_not_equal(k0, k1, SHA256_SIZE);
	in.program = "bin/prog";
	in.program_data = "ELF2";
	key_of(&in, k1);
	assert_memory_not_equal(k0, k1, SHA256_SIZE);
	in.program_data = "ELF1";

	/* A config: its bytes, and the metadata of what its Dirs hold. */
	assert_int_equal(mkdir(dir, 0755), 0);
	write_file(file, "one");
	assert_int_equal(utimes(file, tv), 0);
	write_file(cfgpath, "{\"Dirs\": [\"d\"]}");
	memset(&c, 0, sizeof(c));
	c.name = cfgpath;
	c.dir = root;
	strvec_push(&c.dirs, "d");
	in.config_path = cfgpath;
	in.config = &c;
	key_of(&in, k1);
	assert_memory_not_equal(k0, k1, SHA256_SIZE);
	key_of(&in, k2);
	assert_memory_equal(k1, k2, SHA256_SIZE);
	write_file(file, "two"); /* same size, another mtime */
	key_of(&in, k2);
	assert_memory_not_equal(k1, k2, SHA256_SIZE);
	assert_int_equal(utimes(file, tv), 0); /* back to the old metadata */
	key_of(&in, k2);
	assert_memory_equal(k1, k2, SHA256_SIZE);
	write_file(cfgpath, "{\"Dirs\": [\"d\"] }");
	key_of(&in, k2);
	assert_memory_not_equal(k1, k2, SHA256_SIZE);
	in.config_path = "/nonexistent/config.json";
	assert_int_equal(cache_key(&in, k2), -ENOENT);

	unlink(file);
	rmdir(dir);
	unlink(cfgpath);
	strvec_free(&c.dirs);
	free(cfgpath);
	free(dir);
	free(file);
}

static void test_dir_and_image(void **state)
{
	char *xdg = util_xasprintf("%s/xdg", root), *home = util_xasprintf("%s/home", root);
	char *want, *d, *img, *img2;
	struct cache_input in = {.program = "p", .program_data = "ELF", .program_size = 3};
	struct stat st;

	setenv("XDG_CACHE_HOME", xdg, 1);
	setenv("HOME", home, 1);
	d = cache_dir();
	want = util_xasprintf("%s/isle/images", xdg);
	assert_string_equal(d, want);
	free(d);
	free(want);

	setenv("XDG_CACHE_HOME", "relative", 1); /* ignored, as the XDG spec says */
	d = cache_dir();
	want = util_xasprintf("%s/.cache/isle/images", home);
	assert_string_equal(d, want);
	assert_int_equal(stat(d, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(d);
	free(want);

	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	setenv("TMPDIR", root, 1);
	d = cache_dir();
	want = util_xasprintf("%s/isle-cache-%u", root, (unsigned)getuid());
	assert_string_equal(d, want);
	assert_int_equal(lstat(d, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	chmod(d, 0755); /* not private any more: refused */
	assert_null(cache_dir());
	chmod(d, 0700);
	free(d);

	builds = 0;
	assert_int_equal(cache_image(&in, &img), 0);
	assert_int_equal(builds, 1);
	assert_int_equal(strncmp(img, want, strlen(want)), 0);
	assert_int_equal(strlen(img), strlen(want) + 1 + 64 + 4);
	assert_int_equal(cache_image(&in, &img2), 0);
	assert_int_equal(builds, 1);
	assert_string_equal(img, img2);
	unlink(img);
	free(img);
	free(img2);
	free(want);
	free(xdg);
	free(home);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_dir_and_image),
	};
	int r;
	char *cmd;

	assert_non_null(mkdtemp(root));
	r = cmocka_run_group_tests(tests, NULL, NULL);
	cmd = util_xasprintf("rm -rf '%s'", root);
	if (system(cmd) != 0)
		r = 1;
	free(cmd);
	return r;
}
