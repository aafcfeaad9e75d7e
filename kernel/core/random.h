/* random.h: kernel randomness for ASLR, AT_RANDOM and getrandom. A ChaCha20-based
 * generator seeded at boot from RDSEED/RDRAND when the CPU has them; otherwise from TSC
 * jitter samples (documented as weaker in docs/security). Never blocks after init. */
#ifndef ISLE_CORE_RANDOM_H
#define ISLE_CORE_RANDOM_H

#include <stddef.h>
#include <stdint.h>

void random_init(void);
void random_bytes(void *buf, size_t n);
uint64_t random_u64(void);
/* Uniform in [0, bound) (bound > 0). */
uint64_t random_below(uint64_t bound);

#endif
