/* random.c: the kernel's random generator: ChaCha20 with fast key erasure.
 *
 * Seeding (random_init, or the first request): 32 bytes of RDSEED/RDRAND when the CPU
 * gives them, else TSC jitter: 512 timings of CPUID (which exits to the hypervisor) and
 * short pause loops, whose low bits vary with host load, caches and interrupts. Either way
 * the material is absorbed into the key by key = ChaCha20(key XOR 8 words of input)[0..31],
 * a PRF-based compression; a TSC sample is always mixed in as well.
 *
 * Output: each request (up to 4 KiB at a time) computes keystream blocks under the
 * current key; the first 32 bytes of block 0 become the next key and are never output,
 * so state captured later cannot recover earlier output. The key is protected by turning
 * interrupts off (single CPU). */
#include "core/random.h"
#include "arch/x86_64/arch.h"
#include "core/chacha20.h"
#include "core/printk.h"
#include "lib/string.h"

#define CHUNK 4096
#define JITTER_ROUNDS 64 /* x 8 samples */
#define HW_WORDS 4	 /* 64-bit words = one key */

static uint32_t rng_key[8];
static bool seeded;
static const uint32_t zero_nonce[3];

static void wipe(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ volatile("" : : "r"(p) : "memory");
}

static uint32_t load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* key = first half of ChaCha20(key ^ in, counter = tweak). */
static void absorb(const uint32_t in[8], uint32_t tweak)
{
	uint32_t k[8];
	uint8_t block[CHACHA20_BLOCK_SIZE];
	for (int i = 0; i < 8; i++)
		k[i] = rng_key[i] ^ in[i];
	chacha20_block(k, tweak, zero_nonce, block);
	for (int i = 0; i < 8; i++)
		rng_key[i] = load32(block + 4 * i);
	wipe(k, sizeof(k));
	wipe(block, sizeof(block));
}

static bool seed_from_hw(void)
{
	uint32_t in[8];
	for (int i = 0; i < HW_WORDS; i++) {
		uint64_t v;
		if (!arch_hw_random(&v))
			return false;
		in[2 * i] = (uint32_t)v;
		in[2 * i + 1] = (uint32_t)(v >> 32);
	}
	absorb(in, 1);
	wipe(in, sizeof(in));
	return true;
}

static void seed_from_jitter(void)
{
	uint32_t in[8];
	for (uint32_t round = 0; round < JITTER_ROUNDS; round++) {
		for (int i = 0; i < 8; i++) {
			uint32_t r[4];
			uint64_t t0 = arch_rdtsc();
			arch_cpuid(0, 0, r);
			for (uint64_t k = t0 & 15; k > 0; k--)
				__builtin_ia32_pause();
			uint64_t t1 = arch_rdtsc();
			in[i] = (uint32_t)(t1 - t0) ^ (uint32_t)(t1 << 16) ^ (uint32_t)(t1 >> 32);
		}
		absorb(in, 2 + round);
	}
	wipe(in, sizeof(in));
}

void random_init(void)
{
	unsigned long flags = arch_irq_save();
	const char *source = "RDSEED/RDRAND";
	if (!seed_from_hw()) {
		source = "TSC jitter (weak)";
		seed_from_jitter();
	}
	uint64_t t = arch_rdtsc();
	uint32_t in[8] = {(uint32_t)t, (uint32_t)(t >> 32)};
	absorb(in, 0);
	seeded = true;
	arch_irq_restore(flags);
	pr_info("isle: random: seeded from %s\n", source);
}

static void generate(uint8_t *out, size_t n)
{
	uint8_t block[CHACHA20_BLOCK_SIZE];
	uint32_t next_key[8];
	uint32_t counter = 0;
	chacha20_block(rng_key, counter++, zero_nonce, block);
	for (int i = 0; i < 8; i++)
		next_key[i] = load32(block + 4 * i);
	size_t take = n < 32 ? n : 32;
	memcpy(out, block + 32, take);
	out += take;
	n -= take;
	while (n >= CHACHA20_BLOCK_SIZE) {
		chacha20_block(rng_key, counter++, zero_nonce, out);
		out += CHACHA20_BLOCK_SIZE;
		n -= CHACHA20_BLOCK_SIZE;
	}
	if (n > 0) {
		chacha20_block(rng_key, counter, zero_nonce, block);
		memcpy(out, block, n);
	}
	memcpy(rng_key, next_key, sizeof(rng_key));
	wipe(block, sizeof(block));
	wipe(next_key, sizeof(next_key));
}

void random_bytes(void *buf, size_t n)
{
	if (!seeded)
		random_init();
	uint8_t *p = buf;
	while (n > 0) {
		size_t chunk = n < CHUNK ? n : CHUNK;
		unsigned long flags = arch_irq_save();
		generate(p, chunk);
		arch_irq_restore(flags);
		p += chunk;
		n -= chunk;
	}
}

uint64_t random_u64(void)
{
	uint64_t v;
	random_bytes(&v, sizeof(v));
	return v;
}

uint64_t random_below(uint64_t bound)
{
	BUG_ON(bound == 0);
	/* 2^64 mod bound values at the bottom would make small results more likely. */
	uint64_t reject_below = -bound % bound;
	for (;;) {
		uint64_t v = random_u64();
		if (v >= reject_below)
			return v % bound;
	}
}
