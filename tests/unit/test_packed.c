/* test_packed.c: the boot bundle and the image manifest parsers (kernel/exec/bundle.c,
 * manifest.c, kernel/lib/strpack.c) on well-formed and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "abi/bundle.h"
#include "abi/manifest.h"
#include "core/errno.h"
#include "exec/bundle.h"
#include "exec/manifest.h"

static char last_log[512];

void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}

void *kmalloc(size_t n)
{
	return malloc(n);
}
void kfree(void *p)
{
	free(p);
}

/* Pack strings back to back; returns the size. */
static size_t pack(char *dst, const char *const *s, int n)
{
	size_t off = 0;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(s[i]) + 1;
		memcpy(dst + off, s[i], len);
		off += len;
	}
	return off;
}

static size_t make_manifest(char *buf, uint32_t version, uint32_t argc, uint32_t envc,
			    const char *const *s, int n)
{
	struct isle_manifest_header h = {0};
	memcpy(h.magic, ISLE_MANIFEST_MAGIC, 8);
	h.version = version;
	h.header_size = sizeof(h);
	h.flags = ISLE_MF_NOASLR;
	h.argc = argc;
	h.envc = envc;
	h.strings_offset = sizeof(h);
	h.strings_size = pack(buf + sizeof(h), s, n);
	memcpy(buf, &h, sizeof(h));
	return sizeof(h) + h.strings_size;
}

static void test_manifest_good(void **state)
{
	(void)state;
	static const char *const s[] = {"/srv/app", "/srv", "0.1.0", "/srv/app", "-x", "A=1"};
	char buf[512];
	size_t n = make_manifest(buf, 1, 2, 1, s, 6);
	struct manifest m;
	assert_int_equal(manifest_parse(buf, n, &m), 0);
	assert_string_equal(m.path, "/srv/app");
	assert_string_equal(m.cwd, "/srv");
	assert_string_equal(m.built_by, "0.1.0");
	assert_int_equal(m.flags, ISLE_MF_NOASLR);
	assert_int_equal(m.argc, 2);
	assert_string_equal(m.argv[1], "-x");
	assert_int_equal(m.envc, 1);
	assert_string_equal(m.envp[0], "A=1");
	kfree((void *)(m.argv - 3));
}

static void test_manifest_bad(void **state)
{
	(void)state;
	static const char *const s[] = {"/app", "/", "0.1.0", "/app"};
	char buf[512];
	struct manifest m;
	size_t n = make_manifest(buf, 1, 1, 0, s, 4);

	assert_int_equal(manifest_parse(buf, n - 1, &m), -EINVAL); /* last NUL cut off */
	assert_int_equal(manifest_parse(buf, 10, &m), -EINVAL);
	make_manifest(buf, 2, 1, 0, s, 4);
	assert_int_equal(manifest_parse(buf, n, &m), -EINVAL);
	assert_non_null(strstr(last_log, "newer"));
	make_manifest(buf, 1, 2, 0, s, 4); /* counts one string more than there is */
	assert_int_equal(manifest_parse(buf, n, &m), -EINVAL);
	static const char *const rel[] = {"app", "/", "0.1.0", "app"};
	n = make_manifest(buf, 1, 1, 0, rel, 4);
	assert_int_equal(manifest_parse(buf, n, &m), -EINVAL);
	assert_non_null(strstr(last_log, "absolute"));
	n = make_manifest(buf, 1, 1, 0, s, 4);
	buf[0] = 'X';
	assert_int_equal(manifest_parse(buf, n, &m), -EINVAL);
	/* Every truncation is refused, never read past. */
	n = make_manifest(buf, 1, 1, 0, s, 4);
	for (size_t cut = 0; cut < n; cut++) {
		char *copy = malloc(cut ? cut : 1);
		memcpy(copy, buf, cut);
		assert_int_equal(manifest_parse(copy, cut, &m), -EINVAL);
		free(copy);
	}
}

static void test_bundle(void **state)
{
	(void)state;
	static const char *const s[] = {"/hello", "./hello", "a", "K=V"};
	size_t strings = 0;
	char *buf = calloc(1, 2 * ISLE_BUNDLE_ALIGN);
	struct isle_bundle_header h = {0};
	memcpy(h.magic, ISLE_BUNDLE_MAGIC, 8);
	h.version = ISLE_BUNDLE_VERSION;
	h.header_size = sizeof(h);
	h.argc = 2;
	h.envc = 1;
	h.strings_offset = sizeof(h);
	strings = pack(buf + sizeof(h), s, 4);
	h.strings_size = strings;
	h.program_offset = ISLE_BUNDLE_ALIGN;
	h.program_size = 100;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + ISLE_BUNDLE_ALIGN,
	       "\x7f"
	       "ELF",
	       4);

	struct exec_args a;
	assert_int_equal(bundle_parse(buf, 2 * ISLE_BUNDLE_ALIGN, &a), 0);
	assert_string_equal(a.path, "/hello");
	assert_int_equal(a.argc, 2);
	assert_string_equal(a.argv[0], "./hello");
	assert_string_equal(a.argv[1], "a");
	assert_string_equal(a.envp[0], "K=V");
	assert_ptr_equal(a.elf, buf + ISLE_BUNDLE_ALIGN);
	assert_int_equal(a.elf_size, 100);
	kfree((void *)(a.argv - 1));

	/* Program beyond the end, junk after the strings, wrong magic. */
	assert_int_equal(bundle_parse(buf, ISLE_BUNDLE_ALIGN + 50, &a), -EINVAL);
	((struct isle_bundle_header *)buf)->strings_size = strings + 1;
	assert_int_equal(bundle_parse(buf, 2 * ISLE_BUNDLE_ALIGN, &a), -EINVAL);
	((struct isle_bundle_header *)buf)->strings_size = strings;
	buf[1] = 'x';
	assert_int_equal(bundle_parse(buf, 2 * ISLE_BUNDLE_ALIGN, &a), -EINVAL);
	assert_int_equal(bundle_parse(NULL, 0, &a), -EINVAL);
	free(buf);
}

static void test_overrides(void **state)
{
	(void)state;
	static const char *const s[] = {"", "", "new1", "new2", "B=override", "C=added"};
	char *buf = calloc(1, 1024);
	struct isle_bundle_header h = {0};
	memcpy(h.magic, ISLE_BUNDLE_MAGIC, 8);
	h.version = ISLE_BUNDLE_VERSION;
	h.header_size = sizeof(h);
	h.argc = 3;
	h.envc = 2;
	h.strings_offset = sizeof(h);
	h.strings_size = pack(buf + sizeof(h), s, 6);
	h.flags = ISLE_BUNDLE_OVERRIDES | ISLE_BUNDLE_REPLACE_ARGS;
	memcpy(buf, &h, sizeof(h));

	struct exec_args over, a;
	uint32_t flags;
	assert_int_equal(bundle_parse_flags(buf, 1024, &over, &flags), 0);
	assert_int_equal(flags, ISLE_BUNDLE_OVERRIDES | ISLE_BUNDLE_REPLACE_ARGS);
	assert_null(over.elf);
	/* Without an image to override, a plain bundle_parse refuses it. */
	assert_int_equal(bundle_parse(buf, 1024, &a), -EINVAL);

	static const char *const argv[] = {"/app", "old"};
	static const char *const envp[] = {"A=1", "B=2", "BB=3"};
	a = (struct exec_args){.argc = 2, .argv = argv, .envc = 3, .envp = envp};
	assert_int_equal(bundle_apply_overrides(&a, &over, true), 0);
	assert_int_equal(a.argc, 3);
	assert_string_equal(a.argv[0], "/app");
	assert_string_equal(a.argv[1], "new1");
	assert_string_equal(a.argv[2], "new2");
	assert_int_equal(a.envc, 4);
	assert_string_equal(a.envp[0], "A=1");
	assert_string_equal(a.envp[1], "BB=3"); /* BB is not B */
	assert_string_equal(a.envp[2], "B=override");
	assert_string_equal(a.envp[3], "C=added");
	kfree((void *)a.argv);
	kfree((void *)a.envp);

	/* Without REPLACE_ARGS the manifest's arguments stay. */
	a = (struct exec_args){.argc = 2, .argv = argv, .envc = 3, .envp = envp};
	assert_int_equal(bundle_apply_overrides(&a, &over, false), 0);
	assert_ptr_equal(a.argv, argv);
	kfree((void *)a.envp);
	kfree((void *)(over.argv - 1));

	/* An overrides bundle must not carry a program; unknown flags are refused. */
	((struct isle_bundle_header *)buf)->program_size = 8;
	assert_int_equal(bundle_parse_flags(buf, 1024, &over, &flags), -EINVAL);
	((struct isle_bundle_header *)buf)->program_size = 0;
	((struct isle_bundle_header *)buf)->flags = 0x80;
	assert_int_equal(bundle_parse_flags(buf, 1024, &over, &flags), -EINVAL);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_good),
		cmocka_unit_test(test_manifest_bad),
		cmocka_unit_test(test_bundle),
		cmocka_unit_test(test_overrides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
