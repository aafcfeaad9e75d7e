/* test_stack.c: unit tests of kernel/exec/stack.c: the initial stack image is decoded back
 * (every pointer translated into the buffer and bounds-checked) and compared with what
 * went in: argc, argv, envp, the auxv, AT_RANDOM, AT_EXECFN, AT_PLATFORM, alignment, and
 * the limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/errno.h"
#include "exec/stack.h"

static const uint8_t rnd[STACK_RANDOM_BYTES] = {1, 2,  3,  4,  5,  6,  7,  8,
						9, 10, 11, 12, 13, 14, 15, 16};

static const struct stack_aux base_aux[] = {
	{AT_PHDR, 0x400040},  {AT_PHENT, 56},	      {AT_PHNUM, 4},	      {AT_PAGESZ, 4096},
	{AT_ENTRY, 0x401650}, {AT_RANDOM, 0},	      {AT_HWCAP, 0x178bfbff}, {AT_EXECFN, 0},
	{AT_PLATFORM, 0},     {AT_MINSIGSTKSZ, 3072},
};
#define NAUX (sizeof(base_aux) / sizeof(base_aux[0]))

static struct stack_spec spec_of(int argc, const char *const *argv, int envc,
				 const char *const *envp, const char *execfn)
{
	return (struct stack_spec){
		.argc = argc,
		.argv = argv,
		.envc = envc,
		.envp = envp,
		.execfn = execfn,
		.platform = "x86_64",
		.random = rnd,
		.aux = base_aux,
		.naux = NAUX,
	};
}

/* The decoded image: buf covers the user addresses [rsp, top). */
struct image {
	unsigned char *buf;
	uintptr_t rsp, top;
	size_t lowest_data; /* offset of the lowest string or random byte */
	size_t vector_end;  /* offset just past the AT_NULL pair */
};

static uint64_t word(const struct image *im, size_t off)
{
	uint64_t v;

	assert_true(off + 8 <= im->top - im->rsp);
	memcpy(&v, im->buf + off, 8);
	return v;
}

/* A user address inside the image's data area, as a buffer offset; len bytes must fit. */
static size_t data_off(struct image *im, uint64_t addr, size_t len)
{
	assert_true(addr >= im->rsp && addr < im->top && len <= im->top - addr);
	size_t off = addr - im->rsp;
	if (off < im->lowest_data)
		im->lowest_data = off;
	return off;
}

static void check_string(struct image *im, uint64_t addr, const char *want)
{
	size_t off = data_off(im, addr, strlen(want) + 1);

	assert_memory_equal(im->buf + off, want, strlen(want) + 1);
}

/* Build for top and check every part of the image against the spec. */
static void build_and_check(const struct stack_spec *s, uintptr_t top)
{
	long size = stack_image_size(s);
	struct image im = {0};
	size_t off = 0;
	uintptr_t rsp = 1;
	bool seen_random = false, seen_execfn = false, seen_platform = false;

	assert_true(size > 0);
	assert_int_equal(size % 16, 0);
	im.buf = malloc(size);
	assert_non_null(im.buf);
	memset(im.buf, 0xa5, size);
	assert_int_equal(stack_build(s, top, im.buf, size, &rsp), size);
	assert_int_equal(rsp, top - size);
	assert_int_equal(rsp % 16, 0);
	im.rsp = rsp;
	im.top = top;
	im.lowest_data = size;

	assert_int_equal(word(&im, off), s->argc);
	off += 8;
	for (int i = 0; i < s->argc; i++, off += 8)
		check_string(&im, word(&im, off), s->argv[i]);
	assert_int_equal(word(&im, off), 0);
	off += 8;
	for (int i = 0; i < s->envc; i++, off += 8)
		check_string(&im, word(&im, off), s->envp[i]);
	assert_int_equal(word(&im, off), 0);
	off += 8;
	for (size_t i = 0; i < s->naux; i++, off += 16) {
		uint64_t type = word(&im, off), value = word(&im, off + 8);

		assert_int_equal(type, s->aux[i].type);
		if (type == AT_RANDOM) {
			size_t r = data_off(&im, value, STACK_RANDOM_BYTES);

			assert_int_equal(value % 16, 0);
			assert_memory_equal(im.buf + r, s->random, STACK_RANDOM_BYTES);
			seen_random = true;
		} else if (type == AT_EXECFN) {
			check_string(&im, value, s->execfn);
			seen_execfn = true;
		} else if (type == AT_PLATFORM) {
			check_string(&im, value, "x86_64");
			seen_platform = true;
		} else {
			assert_int_equal(value, s->aux[i].value);
		}
	}
	assert_int_equal(word(&im, off), AT_NULL);
	assert_int_equal(word(&im, off + 8), 0);
	im.vector_end = off + 16;
	assert_true(seen_random && seen_execfn && seen_platform);
	/* The data lies above the vectors, and the top 8 bytes are the zero end marker. */
	assert_true(im.lowest_data >= im.vector_end);
	assert_int_equal(word(&im, size - 8), 0);
	free(im.buf);
}

static void test_empty(void **state)
{
	struct stack_spec s = spec_of(0, NULL, 0, NULL, "/prog");

	build_and_check(&s, 0x7ef000000000);
	/* 8 words + 11 aux pairs, strings and random bytes: small and exact. */
	assert_true(stack_image_size(&s) < 512);
}

static void test_simple(void **state)
{
	const char *argv[] = {"/bin/hello", "-v", ""};
	const char *envp[] = {"HOME=/", "PATH=/bin:/usr/bin"};
	struct stack_spec s = spec_of(3, argv, 2, envp, "/bin/hello");

	build_and_check(&s, 0x7ef000000000);
	/* The size depends only on top's 16-byte alignment, not its value. */
	for (uintptr_t top = 0x7eefffff0000; top < 0x7eefffff0000 + 0x200; top += 16)
		build_and_check(&s, top);
}

static void test_many(void **state)
{
	enum { NARGS = 3000, NENV = 1000 };
	char **argv = malloc(NARGS * sizeof(char *));
	char **envp = malloc(NENV * sizeof(char *));

	for (int i = 0; i < NARGS; i++) {
		argv[i] = malloc(16);
		snprintf(argv[i], 16, "arg%d", i);
	}
	for (int i = 0; i < NENV; i++) {
		envp[i] = malloc(24);
		snprintf(envp[i], 24, "VAR%d=%d", i, i * 7);
	}
	struct stack_spec s =
		spec_of(NARGS, (const char *const *)argv, NENV, (const char *const *)envp, "prog");
	build_and_check(&s, 0x7ef000000000);
	for (int i = 0; i < NARGS; i++)
		free(argv[i]);
	for (int i = 0; i < NENV; i++)
		free(envp[i]);
	free(argv);
	free(envp);
}

static void test_long_strings(void **state)
{
	size_t n = 300000;
	char *big = malloc(n + 1), *env = malloc(n + 1);

	memset(big, 'a', n);
	big[n] = 0;
	memset(env, 'b', n);
	memcpy(env, "X=", 2);
	env[n] = 0;
	const char *argv[] = {"p", big, "q"};
	const char *envp[] = {env};
	struct stack_spec s = spec_of(3, argv, 1, envp, big + n - 100);
	build_and_check(&s, 0x7ef000001000);
	free(big);
	free(env);
}

/* STACK_ARGS_MAX counts string bytes (NULs included), execfn and the pointer arrays. */
static void test_limit(void **state)
{
	/* argc 1, envc 0: (1 + 0 + 2) pointers = 24 bytes; execfn "" = 1 byte. */
	size_t fits = STACK_ARGS_MAX - 24 - 1 - 1;
	char *s0 = malloc(fits + 2);
	const char *argv[1] = {s0};

	memset(s0, 'x', fits + 1);
	s0[fits] = 0;
	struct stack_spec s = spec_of(1, argv, 0, NULL, "");
	build_and_check(&s, 0x7ef000000000);
	s0[fits] = 'x';
	s0[fits + 1] = 0;
	assert_int_equal(stack_image_size(&s), -E2BIG);

	/* Many empty strings: the pointers alone exceed the limit. */
	const char **many = calloc(STACK_ARGS_MAX / 8, sizeof(char *));
	for (size_t i = 0; i < STACK_ARGS_MAX / 8; i++)
		many[i] = "";
	s = spec_of(STACK_ARGS_MAX / 8 - 2, many, 0, NULL, "");
	assert_int_equal(stack_image_size(&s), -E2BIG);
	s = spec_of(STACK_ARGS_MAX / 16, many, STACK_ARGS_MAX / 16, many, "");
	assert_int_equal(stack_image_size(&s), -E2BIG);
	s = spec_of(1000, many, 0, NULL, "");
	build_and_check(&s, 0x7ef000000000);
	/* A huge count is refused before any string is read. */
	s = spec_of(0x7fffffff, many, 0x7fffffff, many, "");
	assert_int_equal(stack_image_size(&s), -E2BIG);
	free(many);
	free(s0);
}

static void test_invalid(void **state)
{
	const char *argv[] = {"a", NULL};
	unsigned char buf[1024];
	uintptr_t rsp;
	struct stack_spec s = spec_of(-1, argv, 0, NULL, "x");
	struct stack_aux aux[STACK_AUX_MAX + 1] = {{0}};

	assert_int_equal(stack_image_size(&s), -EINVAL);
	s = spec_of(1, argv, -1, NULL, "x");
	assert_int_equal(stack_image_size(&s), -EINVAL);
	s = spec_of(2, argv, 0, NULL, "x"); /* NULL string */
	assert_int_equal(stack_image_size(&s), -EINVAL);
	s = spec_of(1, NULL, 0, NULL, "x");
	assert_int_equal(stack_image_size(&s), -EINVAL);
	s = spec_of(1, argv, 0, NULL, NULL);
	assert_int_equal(stack_image_size(&s), -EINVAL);
	s = spec_of(1, argv, 0, NULL, "x");
	s.aux = aux;
	s.naux = STACK_AUX_MAX + 1;
	assert_int_equal(stack_image_size(&s), -EINVAL);
	s.naux = STACK_AUX_MAX;
	assert_true(stack_image_size(&s) > 0);

	s = spec_of(1, argv, 0, NULL, "x");
	long size = stack_image_size(&s);
	assert_true(size > 0 && (size_t)size <= sizeof(buf));
	assert_int_equal(stack_build(&s, 0x7ef000000008, buf, size, &rsp), -EINVAL);
	assert_int_equal(stack_build(&s, 0x7ef000000000, buf, size - 1, &rsp), -EINVAL);
	assert_int_equal(stack_build(&s, 16, buf, size, &rsp), -EINVAL);
	assert_int_equal(stack_build(&s, 0x7ef000000000, buf, size, &rsp), size);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty), cmocka_unit_test(test_simple),
		cmocka_unit_test(test_many),  cmocka_unit_test(test_long_strings),
		cmocka_unit_test(test_limit), cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
