/* string.h: freestanding memory and string helpers (kernel/lib/string.c). Same contracts
 * as the C library functions of the same names; compiled into the kernel (the compiler
 * may emit calls to memcpy/memset/memmove/memcmp itself). */
#ifndef ISLE_LIB_STRING_H
#define ISLE_LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Copies at most size-1 bytes and always NUL-terminates when size > 0; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
