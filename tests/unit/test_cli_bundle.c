/* test_cli_bundle.c: the boot bundle as the CLI writes it, read back field by field
 * against include/abi/bundle.h; limits; guest path; the temporary file. */
#include <endian.h>
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

#include "abi/bundle.h"
#include "../../cli/bundle.h"

/* Writes in to a temporary file and returns its whole content (size in *n). */
static unsigned char *write_and_read(const struct bundle_input *in, size_t *n)
{
	char path[] = "/tmp/isle-test-bundle-XXXXXX";
	int fd = mkstemp(path);
	struct stat st;
	unsigned char *buf;

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(bundle_write(fd, in), 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	*n = (size_t)st.st_size;
	return buf;
}

static uint32_t le32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static void test_layout(void **state)
{
	char *argv[] = {"./prog", "first arg", "", "x=y"};
	char *envp[] = {"A=1", "PATH=/bin"};
	unsigned char program[5000];
	struct bundle_input in = {
		.guest_path = "/prog",
		.argv = argv,
		.argc = 4,
		.envp = envp,
		.envc = 2,
		.program = program,
		.program_size = sizeof(program),
	};
	static const char strings[] = "/prog\0./prog\0first arg\0\0x=y\0A=1\0PATH=/bin";
	unsigned char *b;
	size_t n;
	uint64_t soff, ssize, poff;

	for (size_t i = 0; i < sizeof(program); i++)
		program[i] = (unsigned char)(i * 7 + 3);
	b = write_and_read(&in, &n);

	/* Header, field by field at the offsets the ABI fixes. */
	assert_int_equal(sizeof(struct isle_bundle_header), 64);
	assert_memory_equal(b, "ISLEBNDL", 8);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, version)),
			 ISLE_BUNDLE_VERSION);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, header_size)), 64);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, argc)), 4);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, envc)), 2);
	soff = le64(b + offsetof(struct isle_bundle_header, strings_offset));
	ssize = le64(b + offsetof(struct isle_bundle_header, strings_size));
	poff = le64(b + offsetof(struct isle_bundle_header, program_offset));
	assert_true(soff == 64);
	assert_true(ssize == sizeof(strings)); /* includes the final NUL */
	assert_true(poff == ISLE_BUNDLE_ALIGN);
	assert_true(le64(b + offsetof(struct isle_bundle_header, program_size)) == sizeof(program));
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, flags)), 0);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, reserved)), 0);

	/* Strings: path, argv, envp, back to back. */
	assert_memory_equal(b + soff, strings, sizeof(strings));
	/* Padding is zero. */
	for (uint64_t i = soff + ssize; i < poff; i++)
		assert_int_equal(b[i], 0);
	/* The program follows, intact, and nothing after it. */
	assert_true(n == poff + sizeof(program));
	assert_memory_equal(b + poff, program, sizeof(program));
	free(b);
}

static void test_padding_boundary(void **state)
{
	/* "/\0" + arg0 + NUL ends exactly at 4096: the program starts right there. */
	char arg0[4096 - 64 - 2];
	char empty[] = "";
	char *argv[] = {arg0, empty};
	struct bundle_input in = {
		.guest_path = "/",
		.argv = argv,
		.argc = 1,
		.program = "ELF",
		.program_size = 3,
	};
	unsigned char *b;
	size_t n;

	memset(arg0, 'a', sizeof(arg0) - 1);
	arg0[sizeof(arg0) - 1] = '\0';
	b = write_and_read(&in, &n);
	assert_true(le64(b + offsetof(struct isle_bundle_header, strings_size)) == 4096 - 64);
	assert_true(le64(b + offsetof(struct isle_bundle_header, program_offset)) == 4096);
	assert_int_equal(n, 4099);
	assert_memory_equal(b + 4096, "ELF", 3);
	free(b);

	/* One more byte (the empty argv[1]'s NUL) pushes the program to the next page. */
	in.argc = 2;
	b = write_and_read(&in, &n);
	assert_true(le64(b + offsetof(struct isle_bundle_header, program_offset)) == 8192);
	assert_int_equal(n, 8195);
	assert_memory_equal(b + 8192, "ELF", 3);
	free(b);
}

static void test_empty_program(void **state)
{
	char *argv[] = {"p"};
	struct bundle_input in = {.guest_path = "/p", .argv = argv, .argc = 1};
	unsigned char *b;
	size_t n;

	b = write_and_read(&in, &n);
	assert_int_equal(n, ISLE_BUNDLE_ALIGN);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, envc)), 0);
	free(b);
}

/* An overrides-only bundle (for a disk image's program): flags written, no program, an
 * empty path string, argv[0] "" followed by the replacement arguments, and nothing after
 * the page-padded strings even when a program pointer is left in the input. */
static void test_overrides(void **state)
{
	char *argv[] = {"", "a", "b c"};
	char *envp[] = {"K=V", "EMPTY="};
	struct bundle_input in = {
		.guest_path = "",
		.argv = argv,
		.argc = 3,
		.envp = envp,
		.envc = 2,
		.flags = ISLE_BUNDLE_OVERRIDES | ISLE_BUNDLE_REPLACE_ARGS,
	};
	static const char strings[] = "\0\0a\0b c\0K=V\0EMPTY=";
	char why[256];
	unsigned char *b;
	size_t n;

	assert_int_equal(bundle_check(&in, why, sizeof(why)), 0);
	b = write_and_read(&in, &n);
	assert_memory_equal(b, "ISLEBNDL", 8);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, version)), 2);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, flags)),
			 ISLE_BUNDLE_OVERRIDES | ISLE_BUNDLE_REPLACE_ARGS);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, argc)), 3);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, envc)), 2);
	assert_true(le64(b + offsetof(struct isle_bundle_header, strings_offset)) == 64);
	assert_true(le64(b + offsetof(struct isle_bundle_header, strings_size)) == sizeof(strings));
	assert_true(le64(b + offsetof(struct isle_bundle_header, program_offset)) == 0);
	assert_true(le64(b + offsetof(struct isle_bundle_header, program_size)) == 0);
	assert_memory_equal(b + 64, strings, sizeof(strings));
	assert_int_equal(n, ISLE_BUNDLE_ALIGN);
	free(b);

	/* Environment only: argv is just the "" placeholder, and REPLACE_ARGS is off. */
	in.argc = 1;
	in.flags = ISLE_BUNDLE_OVERRIDES;
	b = write_and_read(&in, &n);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, flags)),
			 ISLE_BUNDLE_OVERRIDES);
	assert_int_equal(le32(b + offsetof(struct isle_bundle_header, argc)), 1);
	assert_memory_equal(b + 64, "\0\0K=V\0EMPTY=", 14);
	free(b);

	/* An overrides bundle with a program, or an unknown flag, is refused. */
	in.program = "ELF";
	in.program_size = 3;
	assert_int_equal(bundle_check(&in, why, sizeof(why)), -EINVAL);
	in.program_size = 0;
	in.flags = 0x4;
	assert_int_equal(bundle_check(&in, why, sizeof(why)), -EINVAL);
}

static void test_limits(void **state)
{
	static char *many[ISLE_BUNDLE_MAX_STRINGS + 1];
	char *big = malloc(ISLE_BUNDLE_MAX_STRINGS_SIZE);
	struct bundle_input in = {.guest_path = "/p", .argv = many};
	char why[256];

	for (size_t i = 0; i <= ISLE_BUNDLE_MAX_STRINGS; i++)
		many[i] = "x";
	in.argc = 0;
	assert_int_equal(bundle_check(&in, why, sizeof(why)), -EINVAL);

	in.argc = ISLE_BUNDLE_MAX_STRINGS - 10;
	in.envp = many;
	in.envc = 10;
	assert_int_equal(bundle_check(&in, why, sizeof(why)), 0);
	in.envc = 11;
	assert_int_equal(bundle_check(&in, why, sizeof(why)), -E2BIG);
	assert_string_equal(why, "too many arguments and environment variables: 4097 (at most "
				 "4096)");

	/* Size: "/p\0" (3) + argv[0] NUL-terminated must fit in 131072. */
	assert_non_null(big);
	memset(big, 'b', ISLE_BUNDLE_MAX_STRINGS_SIZE - 1);
	big[ISLE_BUNDLE_MAX_STRINGS_SIZE - 3 - 1] = '\0'; /* exactly at the limit */
	in.argv = &big;
	in.argc = 1;
	in.envc = 0;
	assert_int_equal(bundle_check(&in, why, sizeof(why)), 0);
	big[ISLE_BUNDLE_MAX_STRINGS_SIZE - 3 - 1] = 'b';
	big[ISLE_BUNDLE_MAX_STRINGS_SIZE - 3] = '\0'; /* one byte over */
	assert_int_equal(bundle_check(&in, why, sizeof(why)), -E2BIG);
	assert_non_null(strstr(why, "arguments and environment are too large: 131073 bytes"));
	free(big);
}

static void test_guest_path(void **state)
{
	char *p;

	p = bundle_guest_path("./hello");
	assert_string_equal(p, "/hello");
	free(p);
	p = bundle_guest_path("hello");
	assert_string_equal(p, "/hello");
	free(p);
	p = bundle_guest_path("/usr/local/bin/srv");
	assert_string_equal(p, "/srv");
	free(p);
	p = bundle_guest_path("../a b/x.y");
	assert_string_equal(p, "/x.y");
	free(p);
}

static void test_tempfile(void **state)
{
	char dir[] = "/tmp/isle-test-tmpdir-XXXXXX";
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	char *path = NULL;
	struct stat st;
	int fd;

	assert_non_null(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
	fd = bundle_tempfile(&path);
	assert_true(fd >= 0);
	assert_int_equal(strncmp(path, dir, strlen(dir)), 0);
	assert_non_null(strstr(path, "/isle-bundle-"));
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	unlink(path);
	free(path);

	setenv("TMPDIR", "", 1); /* empty: /tmp */
	fd = bundle_tempfile(&path);
	assert_true(fd >= 0);
	assert_int_equal(strncmp(path, "/tmp/isle-bundle-", 17), 0);
	close(fd);
	unlink(path);
	free(path);

	setenv("TMPDIR", "/nonexistent/dir", 1);
	path = NULL;
	assert_int_equal(bundle_tempfile(&path), -ENOENT);
	assert_null(path);

	rmdir(dir);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),	      cmocka_unit_test(test_padding_boundary),
		cmocka_unit_test(test_empty_program), cmocka_unit_test(test_limits),
		cmocka_unit_test(test_guest_path),    cmocka_unit_test(test_tempfile),
		cmocka_unit_test(test_overrides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
