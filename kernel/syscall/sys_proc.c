/* sys_proc.c: the one process: pid 1, parent 0, root (uid and gid 0); its threads (clone,
 * clone3, exit, exit_group, futex, tid address, robust futex list, rseq); and the FS base
 * for thread-local storage (arch_prctl). */
#include <stdbool.h>

#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/exit.h"
#include "core/printk.h"
#include "mm/layout.h"
#include "mm/uaccess.h"
#include "lib/string.h"
#include "sched/clone.h"
#include "sched/futex.h"
#include "sched/task.h"
#include "syscall/sys.h"

#define PROC_PID TASK_PID
#define ROBUST_LIST_HEAD_SIZE 24 /* struct robust_list_head */

long sys_exit(const struct syscall_args *a)
{
	thread_exit((int)(a->arg[0] & 0xff));
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
	return current->tid;
}

/* clone(flags, stack, parent_tid, child_tid, tls): the x86-64 argument order. */
long sys_clone(const struct syscall_args *a)
{
	struct clone_request rq = {
		.flags = a->arg[0] & ~0xffull,
		.exit_signal = a->arg[0] & 0xff,
		.stack = a->arg[1],
		.parent_tid = a->arg[2],
		.child_tid = a->arg[3],
		.tls = a->arg[4],
	};
	return clone_thread(&rq);
}

#define CLONE_ARGS_SIZE_VER0 64

long sys_clone3(const struct syscall_args *a)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
			set_tid, set_tid_size, cgroup;
	} ca;
	size_t size = a->arg[1];
	memset(&ca, 0, sizeof(ca));
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (copy_from_user(&ca, (const void *)a->arg[0], size < sizeof(ca) ? size : sizeof(ca)) < 0)
		return -EFAULT;
	/* Bytes past what this kernel knows must be zero. */
	for (size_t off = sizeof(ca); off < size; off++) {
		uint8_t b;
		if (copy_from_user(&b, (const uint8_t *)a->arg[0] + off, 1) < 0)
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (ca.set_tid || ca.set_tid_size || ca.exit_signal > 64 || (ca.flags & 0xffull))
		return -EINVAL;
	if ((ca.stack == 0) != (ca.stack_size == 0))
		return -EINVAL;
	struct clone_request rq = {
		.flags = ca.flags,
		.exit_signal = ca.exit_signal,
		.stack = ca.stack ? ca.stack + ca.stack_size : 0,
		.parent_tid = ca.parent_tid,
		.child_tid = ca.child_tid,
		.tls = ca.tls,
	};
	return clone_thread(&rq);
}

long sys_futex(const struct syscall_args *a)
{
	return futex_op(a->arg[0], (int)a->arg[1], (uint32_t)a->arg[2], a->arg[3], a->arg[4],
			(uint32_t)a->arg[5]);
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
	current->clear_child_tid = a->arg[0];
	return current->tid;
}

long sys_set_robust_list(const struct syscall_args *a)
{
	if (a->arg[1] != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	current->robust_list = a->arg[0];
	return 0;
}

long sys_get_robust_list(const struct syscall_args *a)
{
	uint64_t len = ROBUST_LIST_HEAD_SIZE;
	int pid = (int)a->arg[0];
	struct task *t = pid == 0 ? current : task_find(pid);

	if (!t)
		return -ESRCH;
	if (copy_to_user((void *)(uintptr_t)a->arg[2], &len, sizeof(len)) < 0)
		return -EFAULT;
	if (copy_to_user((void *)(uintptr_t)a->arg[1], &t->robust_list, sizeof(t->robust_list)) < 0)
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
		current->fs_base = addr;
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
