/* uaccess.c: checked copies between kernel and program memory (mm/uaccess.h). Range checks
 * here; the copy itself is uaccess_copy in entry.S, whose faults trap.c resolves through
 * the VM layer or turns into a short copy. */
#include "mm/uaccess.h"
#include "core/errno.h"
#include "mm/layout.h"

size_t uaccess_copy(void *dst, const void *src, size_t n);

int user_range_ok(uintptr_t uaddr, size_t n)
{
	return uaddr <= USER_TOP && n <= USER_TOP - uaddr;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range_ok((uintptr_t)usrc, n))
		return -EFAULT;
	return uaccess_copy(dst, usrc, n) ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range_ok((uintptr_t)udst, n))
		return -EFAULT;
	return uaccess_copy(udst, src, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	size_t done = 0;
	uintptr_t u = (uintptr_t)usrc;
	while (done < max) {
		/* Copy up to the end of the current page: if its first byte is readable, the
		 * whole page is. */
		size_t chunk = PAGE_SIZE - ((u + done) & (PAGE_SIZE - 1));
		if (chunk > max - done)
			chunk = max - done;
		if (!user_range_ok(u + done, chunk))
			return -EFAULT;
		if (uaccess_copy(dst + done, (const void *)(u + done), chunk))
			return -EFAULT;
		for (size_t i = 0; i < chunk; i++)
			if (dst[done + i] == 0)
				return (long)(done + i);
		done += chunk;
	}
	if (max)
		dst[max - 1] = 0;
	return -ENAMETOOLONG;
}
