/* sys_mm.c: the memory calls, passed to the address space (mm/vm.h), which implements
 * Linux's semantics and errors itself. */
#include "mm/vm.h"
#include "syscall/sys.h"

long sys_brk(const struct syscall_args *a)
{
	return vm_brk((uintptr_t)a->arg[0]);
}

long sys_mmap(const struct syscall_args *a)
{
	return vm_mmap((uintptr_t)a->arg[0], (size_t)a->arg[1], (int)a->arg[2], (int)a->arg[3],
		       (int)a->arg[4], (long)a->arg[5]);
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
