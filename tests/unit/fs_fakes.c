/* fs_fakes.c: host stand-ins for the file-system unit tests, on top of mm_fakes.c (fake
 * RAM behind the real pmm and heap, printk, panic capture): the clock, "program memory"
 * that is plain host memory, strlcpy (not in glibc 2.36), randomness and the console. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mm/uaccess.h"

uint64_t fake_now_ns = 1700000000ULL * 1000000000ULL;

uint64_t time_realtime_ns(void)
{
	return fake_now_ns;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	memcpy(dst, usrc, n);
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	memcpy(udst, src, n);
	return 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		dst[i] = usrc[i];
		if (!dst[i])
			return (long)i;
	}
	return -36; /* ENAMETOOLONG */
}

int user_range_ok(uintptr_t uaddr, size_t n)
{
	return 1;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t k = n < size - 1 ? n : size - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}
