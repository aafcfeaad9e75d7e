/* mmap_churn.c: many anonymous mappings of varied sizes with content checks: fresh memory
 * is zero, contents survive other mappings coming and going, mremap (grow, shrink, move),
 * mprotect round trips, MAP_FIXED replacing part of a mapping, partial munmap, brk, and the
 * EINVAL cases. Deterministic (fixed-seed PRNG) and bounded: ROUNDS operations. Pages are
 * checked sparsely (every CHECK_STEP bytes) to stay fast under TCG. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest.h"

#define PAGE 4096ul
#define SLOTS 32
#define ROUNDS 3000
#define CHECK_STEP 509 /* odd, so offsets wander within pages */

struct slot {
	unsigned char *p; /* NULL: free */
	size_t len;
	unsigned seed;
	int split; /* part was replaced: maybe several VMAs, which mremap may refuse (EFAULT) */
};

static struct slot slots[SLOTS];
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static unsigned long ops[8];

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned char pattern(unsigned seed, size_t off)
{
	return (unsigned char)(seed * 31 + off * 7 + (off >> 12) + 1) | 1; /* never 0 */
}

static size_t page_up(size_t n)
{
	return (n + PAGE - 1) & ~(PAGE - 1);
}

/* Contents are written and checked at the offsets that are multiples of CHECK_STEP (a
 * lattice fixed per mapping, so a range filled in pieces, as mremap grows it, is checked as
 * a whole); fresh memory is checked at those and at the last byte of the range. */
static size_t first_off(size_t from)
{
	return (from + CHECK_STEP - 1) / CHECK_STEP * CHECK_STEP;
}

static void fill(unsigned char *p, size_t from, size_t to, unsigned seed)
{
	for (size_t off = first_off(from); off < to; off += CHECK_STEP)
		p[off] = pattern(seed, off);
}

static void expect_pattern(const unsigned char *p, size_t from, size_t to, unsigned seed)
{
	for (size_t off = first_off(from); off < to; off += CHECK_STEP)
		CHECK(p[off] == pattern(seed, off), "at %p+%#zx: %#x, expected %#x",
		      (const void *)p, off, p[off], pattern(seed, off));
}

static void expect_zero(const unsigned char *p, size_t from, size_t to)
{
	for (size_t off = first_off(from); off < to; off += CHECK_STEP)
		CHECK(p[off] == 0, "fresh memory at %p+%#zx is %#x", (const void *)p, off, p[off]);
	if (from < to)
		CHECK(p[to - 1] == 0, "fresh memory at %p+%#zx is %#x", (const void *)p, to - 1,
		      p[to - 1]);
}

static int overlaps(const unsigned char *p, size_t len, int except)
{
	for (int i = 0; i < SLOTS; i++) {
		if (i == except || !slots[i].p)
			continue;
		if (p < slots[i].p + page_up(slots[i].len) && slots[i].p < p + page_up(len))
			return 1;
	}
	return 0;
}

static size_t random_len(void)
{
	size_t pages = 1 + rnd() % 16;

	if (rnd() % 16 == 0)
		pages = 17 + rnd() % 496; /* up to 2 MiB */
	size_t len = pages * PAGE;
	if (rnd() % 4 == 0)
		len -= rnd() % PAGE; /* not a page multiple */
	return len;
}

static int pick(int want_live)
{
	int start = (int)(rnd() % SLOTS);

	for (int i = 0; i < SLOTS; i++) {
		int s = (start + i) % SLOTS;
		if ((slots[s].p != NULL) == want_live)
			return s;
	}
	return -1;
}

static void op_map(struct slot *s, int idx)
{
	size_t len = random_len();
	unsigned char *p =
		mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap %zu: %s", len, strerror(errno));
	CHECK(((uintptr_t)p & (PAGE - 1)) == 0);
	CHECK(!overlaps(p, len, idx), "mmap returned %p (+%zu) over a live mapping", (void *)p,
	      len);
	expect_zero(p, 0, page_up(len));
	s->p = p;
	s->len = len;
	s->seed = (unsigned)rnd();
	s->split = 0;
	fill(p, 0, len, s->seed);
	ops[0]++;
}

static void op_unmap(struct slot *s)
{
	expect_pattern(s->p, 0, s->len, s->seed);
	CHECK(munmap(s->p, s->len) == 0, "%s", strerror(errno));
	s->p = NULL;
	ops[1]++;
}

static void op_grow(struct slot *s, int idx)
{
	size_t old = s->len, len = old + (1 + rnd() % 8) * PAGE;
	unsigned char *p = mremap(s->p, old, len, MREMAP_MAYMOVE);

	CHECK(p != MAP_FAILED, "mremap grow: %s", strerror(errno));
	CHECK(!overlaps(p, len, idx));
	expect_pattern(p, 0, old, s->seed);
	expect_zero(p, old, page_up(len));
	fill(p, old, len, s->seed);
	s->p = p;
	s->len = len;
	ops[2]++;
}

static void op_shrink(struct slot *s)
{
	if (s->len <= PAGE)
		return;
	size_t len = PAGE * (1 + rnd() % (page_up(s->len) / PAGE - 1));
	unsigned char *p = mremap(s->p, s->len, len, 0);

	CHECK(p == s->p, "mremap shrink moved %p to %p", (void *)s->p, (void *)p);
	s->len = len;
	expect_pattern(p, 0, len, s->seed);
	ops[3]++;
}

static void op_move(struct slot *s, int idx)
{
	size_t len = page_up(s->len);
	/* Reserve a destination, then move onto it (MREMAP_FIXED replaces what is there). */
	unsigned char *dst = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(dst != MAP_FAILED);
	CHECK(!overlaps(dst, len, idx));
	unsigned char *p = mremap(s->p, s->len, s->len, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	CHECK(p == dst, "mremap fixed: %p (%s)", (void *)p, strerror(errno));
	s->p = p;
	expect_pattern(p, 0, s->len, s->seed);
	ops[4]++;
}

static void op_protect(struct slot *s)
{
	size_t len = page_up(s->len);

	CHECK(mprotect(s->p, len, PROT_READ) == 0, "%s", strerror(errno));
	expect_pattern(s->p, 0, s->len, s->seed);
	CHECK(mprotect(s->p, len, PROT_NONE) == 0);
	CHECK(mprotect(s->p, len, PROT_READ | PROT_WRITE) == 0);
	expect_pattern(s->p, 0, s->len, s->seed);
	s->p[0] = pattern(s->seed, 0); /* writable again */
	ops[5]++;
}

/* Replace one inner page with MAP_FIXED (or by munmap and MAP_FIXED into the hole). */
static void op_replace(struct slot *s, int via_hole)
{
	size_t pages = page_up(s->len) / PAGE;

	if (pages < 3)
		return;
	size_t k = 1 + rnd() % (pages - 2);
	unsigned char *at = s->p + k * PAGE;
	if (via_hole) {
		CHECK(munmap(at, PAGE) == 0);
		expect_pattern(s->p, 0, k * PAGE, s->seed);
		expect_pattern(s->p, (k + 1) * PAGE, s->len, s->seed);
	}
	unsigned char *p = mmap(at, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(p == at, "MAP_FIXED at %p returned %p", (void *)at, (void *)p);
	expect_zero(s->p, k * PAGE, (k + 1) * PAGE);
	expect_pattern(s->p, 0, k * PAGE, s->seed);
	expect_pattern(s->p, (k + 1) * PAGE, s->len, s->seed);
	fill(s->p, k * PAGE, (k + 1) * PAGE, s->seed);
	s->split = 1;
	ops[6 + via_hole]++;
}

/* Bad arguments, made as raw system calls so no libc rounds or checks them first. */
static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	errno = 0;
	return syscall(nr, a, b, c, d, e, f);
}

static void einval_cases(void)
{
	const long anon = MAP_PRIVATE | MAP_ANONYMOUS, rw = PROT_READ | PROT_WRITE;
	unsigned char *p = mmap(NULL, 2 * PAGE, rw, anon, -1, 0);

	CHECK(p != MAP_FAILED);
	long q = (long)p;
	CHECK(sys(SYS_mmap, 0, 0, PROT_READ, anon, -1, 0) == -1 && errno == EINVAL, "length 0");
	CHECK(sys(SYS_mmap, 0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0) == -1 && errno == EINVAL,
	      "neither MAP_PRIVATE nor MAP_SHARED");
	CHECK(sys(SYS_mmap, q + 1, PAGE, PROT_READ, anon | MAP_FIXED, -1, 0) == -1 &&
		      errno == EINVAL,
	      "MAP_FIXED at an unaligned address");
	CHECK(sys(SYS_munmap, q + 1, PAGE, 0, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(sys(SYS_munmap, q, 0, 0, 0, 0, 0) == -1 && errno == EINVAL, "munmap length 0");
	CHECK(sys(SYS_mprotect, q + 1, PAGE, PROT_READ, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(sys(SYS_mremap, q, PAGE, 0, MREMAP_MAYMOVE, 0, 0) == -1 && errno == EINVAL,
	      "mremap to size 0");
	CHECK(sys(SYS_mremap, q + 1, PAGE, PAGE, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(munmap(p, 2 * PAGE) == 0);
	CHECK(munmap(p, 2 * PAGE) == 0, "munmap of an unmapped range succeeds");
}

static void brk_cases(void)
{
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	size_t grow = 64 * PAGE;

	CHECK(cur != 0 && (uintptr_t)syscall(SYS_brk, cur + grow) == cur + grow);
	unsigned char *base = (unsigned char *)page_up(cur);
	size_t len = cur + grow - (uintptr_t)base;
	expect_zero(base, 0, len);
	fill(base, 0, len, 7);
	expect_pattern(base, 0, len, 7);
	CHECK((uintptr_t)syscall(SYS_brk, cur) == cur);
	CHECK((uintptr_t)syscall(SYS_brk, cur + grow) == cur + grow);
	expect_zero(base, 0, len); /* memory given back and taken again is fresh */
	CHECK((uintptr_t)syscall(SYS_brk, cur) == cur);
}

int main(void)
{
	einval_cases();
	brk_cases();
	for (int r = 0; r < ROUNDS; r++) {
		unsigned what = (unsigned)(rnd() % 100);
		int want_live = what >= 45;
		int i = pick(want_live);
		if (i < 0)
			i = pick(!want_live);
		struct slot *s = &slots[i];
		if (!s->p)
			op_map(s, i);
		else if (what < 75)
			op_unmap(s);
		else if (what < 83 && !s->split)
			op_grow(s, i);
		else if (what < 87)
			op_shrink(s);
		else if (what < 91 && !s->split)
			op_move(s, i);
		else if (what < 91)
			op_unmap(s);
		else if (what < 95)
			op_protect(s);
		else
			op_replace(s, what >= 98);
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].p)
			op_unmap(&slots[i]);
	}
	printf("map %lu unmap %lu grow %lu shrink %lu move %lu protect %lu fixed %lu hole %lu\n",
	       ops[0], ops[1], ops[2], ops[3], ops[4], ops[5], ops[6], ops[7]);
	for (int i = 0; i < 8; i++)
		CHECK(ops[i] >= 10, "operation %d done only %lu times", i, ops[i]);
	guest_pass("mmap_churn");
	return 0;
}
