/* checked.h: overflow-safe arithmetic and range checks for values from outside the kernel
 * (program, image, network, host). Header only. Every chk_ helper stores the result in
 * *out only when it returns false, and returns true on overflow; range helpers return
 * true when the range is acceptable. */
#ifndef ISLE_LIB_CHECKED_H
#define ISLE_LIB_CHECKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* *out = a + b; true (and *out untouched) on overflow. */
static inline bool chk_add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	uint64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return true;
	*out = r;
	return false;
}

/* *out = a - b; true (and *out untouched) when b > a. */
static inline bool chk_sub_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	uint64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return true;
	*out = r;
	return false;
}

/* *out = a * b; true (and *out untouched) on overflow. */
static inline bool chk_mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	uint64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return true;
	*out = r;
	return false;
}

/* *out = a + b for sizes; true (and *out untouched) on overflow. */
static inline bool chk_add_size(size_t a, size_t b, size_t *out)
{
	size_t r;

	if (__builtin_add_overflow(a, b, &r))
		return true;
	*out = r;
	return false;
}

/* *out = a * b for sizes (count * element size); true (and *out untouched) on overflow. */
static inline bool chk_mul_size(size_t a, size_t b, size_t *out)
{
	size_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return true;
	*out = r;
	return false;
}

/* *out = v rounded up to a multiple of align, which must be a power of two (0 is not);
 * true (and *out untouched) on overflow or a bad align. */
static inline bool chk_align_up_u64(uint64_t v, uint64_t align, uint64_t *out)
{
	uint64_t r;

	if (align == 0 || (align & (align - 1)) != 0)
		return true;
	if (__builtin_add_overflow(v, align - 1, &r))
		return true;
	*out = r & ~(align - 1);
	return false;
}

/* true when [start, start+len) lies within [lo, hi) and start+len does not overflow. An
 * empty range (len == 0) is within when lo <= start <= hi. */
static inline bool range_within(uint64_t start, uint64_t len, uint64_t lo, uint64_t hi)
{
	uint64_t end;

	if (__builtin_add_overflow(start, len, &end))
		return false;
	return start >= lo && end <= hi;
}

/* true when [a, a+alen) and [b, b+blen) share at least one byte. A range that would
 * pass 2^64 is treated as ending at the top of the address space; empty ranges overlap
 * nothing. */
static inline bool range_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	uint64_t alast, blast;

	if (alen == 0 || blen == 0)
		return false;
	if (__builtin_add_overflow(a, alen - 1, &alast))
		alast = UINT64_MAX;
	if (__builtin_add_overflow(b, blen - 1, &blast))
		blast = UINT64_MAX;
	return a <= blast && b <= alast;
}

#endif
