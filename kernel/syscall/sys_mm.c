/* sys_mm.c: the memory calls, passed to the address space (mm/vm.h), which implements
 * Linux's semantics and errors itself. mmap resolves its fd here; mincore copies its
 * vector out in chunks. */
#include "core/errno.h"
#include "fs/fdtable.h"
#include "mm/layout.h"
#include "mm/uaccess.h"
#include "mm/vm.h"
#include "syscall/sys.h"

#define MINCORE_CHUNK 256 /* pages per copy_to_user */

long sys_brk(const struct syscall_args *a)
{
	return vm_brk((uintptr_t)a->arg[0]);
}

long sys_mmap(const struct syscall_args *a)
{
	int flags = (int)a->arg[3];
	/* NULL for a closed fd: vm_mmap reports -EBADF after the checks Linux makes first. */
	struct file *f = flags & MAP_ANONYMOUS ? NULL : fd_get_pinned((int)a->arg[4]);
	return vm_mmap((uintptr_t)a->arg[0], (size_t)a->arg[1], (int)a->arg[2], flags, f,
		       (long)a->arg[5]);
}

long sys_munmap(const struct syscall_args *a)
{
	return vm_munmap((uintptr_t)a->arg[0], (size_t)a->arg[1]);
}

long sys_mprotect(const struct syscall_args *a)
{
	return vm_mprotect((uintptr_t)a->arg[0], (size_t)a->arg[1], (int)a->arg[2]);
}

long sys_mremap(const struct syscall_args *a)
{
	return vm_mremap((uintptr_t)a->arg[0], (size_t)a->arg[1], (size_t)a->arg[2], (int)a->arg[3],
			 (uintptr_t)a->arg[4]);
}

long sys_madvise(const struct syscall_args *a)
{
	return vm_madvise((uintptr_t)a->arg[0], (size_t)a->arg[1], (int)a->arg[2]);
}

long sys_msync(const struct syscall_args *a)
{
	return vm_msync((uintptr_t)a->arg[0], (size_t)a->arg[1], (int)a->arg[2]);
}

/* Linux's order: -EINVAL (alignment), -ENOMEM (range outside user space), -EFAULT (the
 * vector), then -ENOMEM at the first unmapped page, with the vector filled up to it. */
long sys_mincore(const struct syscall_args *a)
{
	uintptr_t addr = (uintptr_t)a->arg[0];
	size_t len = (size_t)a->arg[1];
	unsigned char *vec = (unsigned char *)a->arg[2];
	unsigned char buf[MINCORE_CHUNK];
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (addr > USER_TOP || len > USER_TOP - addr)
		return -ENOMEM;
	size_t pages = (len >> PAGE_SHIFT) + ((len & (PAGE_SIZE - 1)) != 0);
	if (!user_range_ok((uintptr_t)vec, pages))
		return -EFAULT;
	while (pages) {
		long n = vm_mincore(addr, pages < MINCORE_CHUNK ? pages : MINCORE_CHUNK, buf);
		if (n < 0)
			return n;
		if (copy_to_user(vec, buf, (size_t)n))
			return -EFAULT;
		vec += n;
		pages -= (size_t)n;
		addr += (uintptr_t)n << PAGE_SHIFT;
	}
	return 0;
}
