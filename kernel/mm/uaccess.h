/* uaccess.h: the only way the kernel touches program memory. Every pointer that comes
 * from the program goes through these; they check the range against USER_TOP with
 * overflow-safe arithmetic, fault pages in on demand, and turn an unmapped or forbidden
 * address into -EFAULT instead of a kernel fault. */
#ifndef ISLE_MM_UACCESS_H
#define ISLE_MM_UACCESS_H

#include <stddef.h>
#include <stdint.h>

/* 0 on success, -EFAULT if any byte is not accessible. May be partially done on error. */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 characters plus NUL. Returns its length,
 * -EFAULT, or -ENAMETOOLONG when no NUL is found within max bytes. */
long strncpy_from_user(char *dst, const char *usrc, size_t max);
/* true when [uaddr, uaddr+n) lies in the user range (does not check mappings). */
int user_range_ok(uintptr_t uaddr, size_t n);

#endif
