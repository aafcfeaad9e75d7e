/* chacha20.h: the ChaCha20 block function of RFC 8439 (kernel/core/chacha20.c), the core
 * of the kernel's random generator. Pure, host-testable. */
#ifndef ISLE_CORE_CHACHA20_H
#define ISLE_CORE_CHACHA20_H

#include <stdint.h>

#define CHACHA20_BLOCK_SIZE 64

/* One 64-byte keystream block for a 256-bit key (eight little-endian words), a 32-bit
 * block counter and a 96-bit nonce (three little-endian words), as in RFC 8439 2.3. */
void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
		    uint8_t out[CHACHA20_BLOCK_SIZE]);

#endif
