/* sys_proc.c: the one process: pid 1, tid 1, parent 0, root (uid and gid 0); exit; thread
 * bookkeeping the C library sets up at start (tid address, robust futex list, rseq); and
 * the FS base for thread-local storage (arch_prctl). */
#include <stdbool.h>

#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/exit.h"
#include "core/printk.h"
#include "mm/layout.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"

#define PROC_PID 1

/* Stored for when there are threads: the kernel clears *clear_child_tid and wakes it at
 * thread exit, and walks the robust list. */
static uint64_t clear_child_tid;
static uint64_t robust_list_head;
#define ROBUST_LIST_HEAD_SIZE 24 /* struct robust_list_head */

/* With one thread, exit and exit_group both end the program. */
long sys_exit(const struct syscall_args *a)
{
	program_exit((int)(a->arg[0] & 0xff), "exited");
}

long sys_exit_group(const struct syscall_args *a)
{
	program_exit((int)(a->arg[0] & 0xff), "exited");
}

long sys_getpid(const struct syscall_args *a)
{
	return PROC_PID;
}

long sys_gettid(const struct syscall_args *a)
{
	return PROC_PID;
}

long sys_getppid(const struct syscall_args *a)
{
	return 0; /* like init: started by the kernel */
}

long sys_getuid(const struct syscall_args *a)
{
	return 0;
}

long sys_geteuid(const struct syscall_args *a)
{
	return 0;
}

long sys_getgid(const struct syscall_args *a)
{
	return 0;
}

long sys_getegid(const struct syscall_args *a)
{
	return 0;
}

long sys_set_tid_address(const struct syscall_args *a)
{
	clear_child_tid = a->arg[0];
	return PROC_PID;
}

long sys_set_robust_list(const struct syscall_args *a)
{
	if (a->arg[1] != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	robust_list_head = a->arg[0];
	return 0;
}

long sys_get_robust_list(const struct syscall_args *a)
{
	uint64_t len = ROBUST_LIST_HEAD_SIZE;
	int pid = (int)a->arg[0];

	if (pid != 0 && pid != PROC_PID)
		return -ESRCH;
	if (copy_to_user((void *)(uintptr_t)a->arg[2], &len, sizeof(len)) < 0)
		return -EFAULT;
	if (copy_to_user((void *)(uintptr_t)a->arg[1], &robust_list_head,
			 sizeof(robust_list_head)) < 0)
		return -EFAULT;
	return 0;
}

/* Restartable sequences are optional: glibc and others carry on without them when
 * registration fails with ENOSYS. */
long sys_rseq(const struct syscall_args *a)
{
	static bool logged;

	if (!logged) {
		pr_info("isle: rseq is not supported: returning -ENOSYS\n");
		logged = true;
	}
	return -ENOSYS;
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

/* The GS base is never set for the program (ARCH_SET_GS is refused, logged once), so
 * ARCH_GET_GS reports 0. CPUID faulting is not offered: CPUID is always enabled. */
long sys_arch_prctl(const struct syscall_args *a)
{
	static bool gs_logged;
	uint64_t addr = a->arg[1], v;

	switch ((int)a->arg[0]) {
	case ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM;
		arch_set_fs_base(addr);
		return 0;
	case ARCH_GET_FS:
		v = arch_get_fs_base();
		return copy_to_user((void *)(uintptr_t)addr, &v, sizeof(v)) < 0 ? -EFAULT : 0;
	case ARCH_SET_GS:
		if (addr >= USER_TOP)
			return -EPERM;
		if (!gs_logged) {
			printk("isle: arch_prctl(ARCH_SET_GS) is not supported: returning "
			       "-EINVAL\n");
			gs_logged = true;
		}
		return -EINVAL;
	case ARCH_GET_GS:
		v = 0;
		return copy_to_user((void *)(uintptr_t)addr, &v, sizeof(v)) < 0 ? -EFAULT : 0;
	case ARCH_GET_CPUID:
		return 1;
	case ARCH_SET_CPUID:
		return -ENODEV;
	}
	return -EINVAL;
}
