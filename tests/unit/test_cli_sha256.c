/* test_cli_sha256.c: SHA-256 against the FIPS 180-4 examples and sha256sum, fed whole and
 * byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/sha256.h"

static void hex(const unsigned char *d, char *out)
{
	for (int i = 0; i < SHA256_SIZE; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check(const char *msg, size_t n, const char *want)
{
	unsigned char d[SHA256_SIZE];
	char got[2 * SHA256_SIZE + 1];
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, msg, n);
	sha256_final(&s, d);
	hex(d, got);
	assert_string_equal(got, want);

	sha256_init(&s);
	for (size_t i = 0; i < n; i++)
		sha256_update(&s, msg + i, 1);
	sha256_final(&s, d);
	hex(d, got);
	assert_string_equal(got, want);
}

static void test_vectors(void **state)
{
	static const char m448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);

	check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check(m448, 56, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	check(million, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_vectors)};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
