/* stack.c: builds the program's initial stack image (argc, argv, envp, auxv and the data
 * they point to) in a buffer, for a given top address.
 *
 * Design: pure logic over a caller's buffer (no allocation, no program memory), so the
 * exact layout is unit tested on the host. Sizes are measured first, with the total
 * bounded by STACK_ARGS_MAX before anything is added, so no sum can overflow; the image
 * size does not depend on top beyond its 16-byte alignment. Words are stored with memcpy:
 * the buffer needs no alignment. */
#include "core/errno.h"
#include "exec/stack.h"
#include "lib/string.h"

#define ALIGN16_UP(x) (((x) + 15) & ~(size_t)15)

struct layout {
	size_t strings; /* argv, envp and execfn bytes, NULs included */
	size_t platform;
	size_t words;	   /* 8-byte slots from argc to the AT_NULL pair */
	size_t random_off; /* distance of the random bytes below top */
	size_t size;	   /* distance of rsp below top */
};

/* Add the lengths of n strings to *total, keeping it within STACK_ARGS_MAX. */
static long add_strings(const char *const *v, int n, size_t *total, size_t *bytes)
{
	for (int i = 0; i < n; i++) {
		size_t room = STACK_ARGS_MAX - *total, len;

		if (!v || !v[i])
			return -EINVAL;
		len = strnlen(v[i], room);
		if (len >= room)
			return -E2BIG; /* no room for the string and its NUL */
		*total += len + 1;
		*bytes += len + 1;
	}
	return 0;
}

static long measure(const struct stack_spec *s, struct layout *l)
{
	const char *execfn[1];
	size_t total;
	long r;

	if (s->argc < 0 || s->envc < 0 || !s->execfn || !s->platform || !s->random ||
	    s->naux > STACK_AUX_MAX || (s->naux && !s->aux))
		return -EINVAL;
	/* argc and envc are ints, so this cannot overflow. */
	total = ((size_t)s->argc + (size_t)s->envc + 2) * sizeof(uint64_t);
	if (total > STACK_ARGS_MAX)
		return -E2BIG;
	l->strings = 0;
	execfn[0] = s->execfn;
	r = add_strings(s->argv, s->argc, &total, &l->strings);
	if (!r)
		r = add_strings(s->envp, s->envc, &total, &l->strings);
	if (!r)
		r = add_strings(execfn, 1, &total, &l->strings);
	if (r)
		return r;
	l->platform = strnlen(s->platform, 64) + 1;
	if (l->platform > 64)
		return -EINVAL;
	l->words = 1 + ((size_t)s->argc + 1) + ((size_t)s->envc + 1) + 2 * (s->naux + 1);
	l->random_off = ALIGN16_UP(8 + l->strings + l->platform + STACK_RANDOM_BYTES);
	l->size = ALIGN16_UP(l->random_off + l->words * sizeof(uint64_t));
	return (long)l->size;
}

long stack_image_size(const struct stack_spec *spec)
{
	struct layout l;

	return measure(spec, &l);
}

static void put_word(unsigned char *buf, size_t *slot, uint64_t v)
{
	memcpy(buf + *slot * sizeof(v), &v, sizeof(v));
	(*slot)++;
}

/* Copy n strings to the image at user address *at (buf[0] is user address base); store a
 * pointer to each in the word slots. */
static void put_strings(unsigned char *buf, uintptr_t base, uintptr_t *at, size_t *slot,
			const char *const *v, int n)
{
	for (int i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;

		memcpy(buf + (*at - base), v[i], len);
		put_word(buf, slot, *at);
		*at += len;
	}
	put_word(buf, slot, 0);
}

long stack_build(const struct stack_spec *spec, uintptr_t top, void *buf, size_t size,
		 uintptr_t *rsp)
{
	unsigned char *b = buf;
	uintptr_t base, at, platform, random, execfn;
	struct layout l;
	size_t slot = 0;
	long r;

	r = measure(spec, &l);
	if (r < 0)
		return r;
	if (top % 16 != 0 || top < l.size || size < l.size)
		return -EINVAL;
	base = top - l.size; /* user address of b[0], and the initial rsp */
	memset(b, 0, l.size);

	random = top - l.random_off;
	memcpy(b + (random - base), spec->random, STACK_RANDOM_BYTES);
	platform = top - 8 - l.strings - l.platform;
	memcpy(b + (platform - base), spec->platform, l.platform);

	put_word(b, &slot, (uint64_t)spec->argc);
	at = top - 8 - l.strings;
	put_strings(b, base, &at, &slot, spec->argv, spec->argc);
	put_strings(b, base, &at, &slot, spec->envp, spec->envc);
	execfn = at;
	memcpy(b + (execfn - base), spec->execfn, strlen(spec->execfn) + 1);

	for (size_t i = 0; i < spec->naux; i++) {
		uint64_t type = spec->aux[i].type, value = spec->aux[i].value;

		if (type == AT_RANDOM)
			value = random;
		else if (type == AT_EXECFN)
			value = execfn;
		else if (type == AT_PLATFORM)
			value = platform;
		put_word(b, &slot, type);
		put_word(b, &slot, value);
	}
	put_word(b, &slot, AT_NULL);
	put_word(b, &slot, 0);
	*rsp = base;
	return (long)l.size;
}
