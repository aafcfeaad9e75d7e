/* test_random.c: kernel/core/random.c over host stand-ins for the arch layer: the exact
 * seeding and fast-key-erasure construction (recomputed here from chacha20_block), the
 * fallback to TSC jitter, output sizes across the block and chunk boundaries, interrupt
 * state balance, and random_below's bounds and uniformity. The construction test must run
 * first: it needs the generator's initial all-zero key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cpuid.h>
#include <x86intrin.h>
#include <cmocka.h>

#include "arch/x86_64/arch.h"
#include "core/chacha20.h"
#include "core/printk.h"
#include "core/random.h"

/* Arch stand-ins. */
static bool hw_ok = true;
static uint64_t hw_next = 0x0123456789abcdefULL;
static bool tsc_fixed;
static uint64_t tsc_value;
static int irq_depth, irq_max_depth;

bool arch_hw_random(uint64_t *out)
{
	if (!hw_ok)
		return false;
	*out = hw_next;
	hw_next += 0x1111111111111111ULL;
	return true;
}

uint64_t arch_rdtsc(void)
{
	return tsc_fixed ? tsc_value : __rdtsc();
}

void arch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	__cpuid_count(leaf, subleaf, out[0], out[1], out[2], out[3]);
}

unsigned long arch_irq_save(void)
{
	if (++irq_depth > irq_max_depth)
		irq_max_depth = irq_depth;
	return 1;
}

void arch_irq_restore(unsigned long state)
{
	assert_int_equal(state, 1);
	irq_depth--;
}

/* printk and panic stand-ins. */
bool printk_verbose = true;
static char log_buf[1024];

void vprintk(const char *fmt, va_list ap)
{
	vsnprintf(log_buf, sizeof(log_buf), fmt, ap);
}

void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

static jmp_buf panic_jmp;
static bool panic_armed;

void panic_at(const char *file, int line, const char *fmt, ...)
{
	if (panic_armed)
		longjmp(panic_jmp, 1);
	fail_msg("unexpected panic at %s:%d", file, line);
	abort();
}

static void words(const uint8_t *b, uint32_t w[8])
{
	for (int i = 0; i < 8; i++)
		w[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
		       (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
}

/* key = ChaCha20(key ^ in, counter = tweak)[0..31]: the absorb step, recomputed. */
static void model_absorb(uint32_t key[8], const uint32_t in[8], uint32_t tweak)
{
	static const uint32_t nonce[3];
	uint32_t k[8];
	uint8_t block[64];
	for (int i = 0; i < 8; i++)
		k[i] = key[i] ^ in[i];
	chacha20_block(k, tweak, nonce, block);
	words(block, key);
}

static void test_construction(void **state)
{
	static const uint32_t nonce[3];
	hw_ok = true;
	hw_next = 0x0123456789abcdefULL;
	tsc_fixed = true;
	tsc_value = 0x1122334455667788ULL;
	random_init();
	assert_non_null(strstr(log_buf, "RDSEED/RDRAND"));

	uint32_t key[8] = {0}, in[8] = {0};
	uint64_t h = 0x0123456789abcdefULL;
	for (int i = 0; i < 4; i++, h += 0x1111111111111111ULL) {
		in[2 * i] = (uint32_t)h;
		in[2 * i + 1] = (uint32_t)(h >> 32);
	}
	model_absorb(key, in, 1);
	uint32_t tsc_in[8] = {0x55667788, 0x11223344};
	model_absorb(key, tsc_in, 0);

	/* Request 1: 100 bytes = bytes 32..63 of block 0, then blocks 1 and 2 (4 bytes). */
	uint8_t out[100], b0[64], b1[64], b2[64];
	random_bytes(out, sizeof(out));
	chacha20_block(key, 0, nonce, b0);
	chacha20_block(key, 1, nonce, b1);
	chacha20_block(key, 2, nonce, b2);
	assert_memory_equal(out, b0 + 32, 32);
	assert_memory_equal(out + 32, b1, 64);
	assert_memory_equal(out + 96, b2, 4);

	/* Request 2 runs under the erased-and-replaced key: bytes 0..31 of block 0. */
	words(b0, key);
	uint8_t out2[8];
	random_bytes(out2, sizeof(out2));
	chacha20_block(key, 0, nonce, b0);
	assert_memory_equal(out2, b0 + 32, 8);
	tsc_fixed = false;
}

static void test_jitter_fallback(void **state)
{
	hw_ok = false;
	random_init();
	assert_non_null(strstr(log_buf, "TSC jitter"));
	hw_ok = true;
	uint8_t a[32], b[32];
	random_bytes(a, sizeof(a));
	random_bytes(b, sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
}

/* Every size fills exactly its buffer: the guard bytes after it stay untouched and the
 * buffer does not keep its fill pattern. */
static void test_sizes(void **state)
{
	static const size_t sizes[] = {0,  1,  8,   31,	 32,   33,   63,   64,	  65,
				       96, 97, 127, 128, 4095, 4096, 4097, 10000, 70000};
	static uint8_t buf[70000 + 16];
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		memset(buf, 0xa5, sizeof(buf));
		random_bytes(buf, n);
		for (size_t i = n; i < n + 16; i++)
			assert_int_equal(buf[i], 0xa5);
		/* No 16-byte run of the fill pattern survives (chance ~2^-128 per run). */
		for (size_t i = 0; i + 16 <= n; i += 16) {
			size_t same = 0;
			for (size_t k = 0; k < 16; k++)
				same += buf[i + k] == 0xa5;
			assert_true(same < 16);
		}
	}
	assert_int_equal(irq_depth, 0);
	assert_int_equal(irq_max_depth, 1);
}

static void test_below_bounds(void **state)
{
	static const uint64_t bounds[] = {
		1, 2, 3, 7, 10, 1000, (1ULL << 32) + 1, (1ULL << 63) + 1, UINT64_MAX};
	for (size_t b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++)
		for (int i = 0; i < 2000; i++)
			assert_true(random_below(bounds[b]) < bounds[b]);
	for (int i = 0; i < 100; i++)
		assert_int_equal(random_below(1), 0);
}

/* 60000 draws below 3 and below 6: each value within 5 sigma of its expectation
 * (|count - n/b| < 5 sqrt(n p (1-p)), compared squared). */
static void test_below_uniform(void **state)
{
	static const uint64_t bounds[] = {3, 6};
	const int64_t draws = 60000;
	for (size_t b = 0; b < 2; b++) {
		int64_t count[6] = {0}, k = (int64_t)bounds[b];
		for (int64_t i = 0; i < draws; i++)
			count[random_below(bounds[b])]++;
		for (int64_t v = 0; v < k; v++) {
			int64_t d = count[v] * k - draws;	   /* k * (count - mean) */
			assert_true(d * d < 25 * draws * (k - 1)); /* k^2 * 25 * n p (1-p) */
		}
	}
	/* With bound b ~ 2/3 of 2^64, a plain v % b would give results below b/2 two times
	 * in three; rejection sampling keeps them at one in two (sigma ~32 for 4000). */
	const uint64_t b = 0xaaaaaaaaaaaaaaabULL;
	unsigned low = 0;
	for (int i = 0; i < 4000; i++)
		low += random_below(b) < b / 2;
	assert_true(low > 2000 - 200 && low < 2000 + 200);
}

static void test_below_zero_panics(void **state)
{
	panic_armed = true;
	if (setjmp(panic_jmp) == 0) {
		random_below(0);
		fail_msg("random_below(0) returned");
	}
	panic_armed = false;
	irq_depth = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_construction), /* first: needs the initial zero key */
		cmocka_unit_test(test_jitter_fallback),	  cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_below_bounds),	  cmocka_unit_test(test_below_uniform),
		cmocka_unit_test(test_below_zero_panics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
