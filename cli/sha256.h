/* sha256.h: SHA-256 (FIPS 180-4), for the keys of the image cache (cache.h). */
#ifndef ISLE_CLI_SHA256_H
#define ISLE_CLI_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	unsigned char buf[64];
	size_t used; /* bytes in buf */
};

/* Starts a new hash. */
void sha256_init(struct sha256 *s);

/* Hashes n more bytes of data. */
void sha256_update(struct sha256 *s, const void *data, size_t n);

/* Finishes the hash into out; s must be initialised again before reuse. */
void sha256_final(struct sha256 *s, unsigned char out[SHA256_SIZE]);

#endif
