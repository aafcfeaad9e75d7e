/* test_chacha.c: kernel/core/chacha20.c against RFC 8439: the block function test vector
 * of section 2.3.2 and the keystream vectors of appendix A.1 (also checked against
 * OpenSSL's ChaCha20), plus the counter wrapping at 2^32. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/chacha20.h"

static void key_from_bytes(const uint8_t b[32], uint32_t key[8])
{
	for (int i = 0; i < 8; i++)
		key[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
			 (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
}

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void check_block(const uint8_t key_bytes[32], uint32_t counter, const uint32_t nonce[3],
			const char *expect_hex)
{
	uint32_t key[8];
	uint8_t out[CHACHA20_BLOCK_SIZE], expect[CHACHA20_BLOCK_SIZE];
	key_from_bytes(key_bytes, key);
	hex_to_bytes(expect_hex, expect, sizeof(expect));
	chacha20_block(key, counter, nonce, out);
	assert_memory_equal(out, expect, sizeof(out));
}

/* RFC 8439 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1. */
static void test_rfc8439_2_3_2(void **state)
{
	uint8_t key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	const uint32_t nonce[3] = {0x09000000, 0x4a000000, 0x00000000};
	check_block(key, 1, nonce,
		    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
		    "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
}

/* RFC 8439 A.1 test vectors #1, #2 and #3. */
static void test_rfc8439_a1(void **state)
{
	uint8_t key[32] = {0};
	const uint32_t nonce[3] = {0, 0, 0};
	check_block(key, 0, nonce,
		    "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
		    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
	check_block(key, 1, nonce,
		    "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
		    "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");
	key[31] = 1;
	check_block(key, 1, nonce,
		    "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
		    "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0");
}

/* The largest counter value (computed with OpenSSL's ChaCha20 for the 2.3.2 key/nonce). */
static void test_max_counter(void **state)
{
	uint8_t key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	const uint32_t nonce[3] = {0x09000000, 0x4a000000, 0x00000000};
	check_block(key, 0xffffffff, nonce,
		    "ff2941b8d740f6cbb50936bf997ebd5218cb108dc53f41c64841d0218167430c"
		    "a03b770ca74ccb642a28194d1dedd2ed13151e25ec5d7faeb6d060bfb7e6b146");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8439_2_3_2),
		cmocka_unit_test(test_rfc8439_a1),
		cmocka_unit_test(test_max_counter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
