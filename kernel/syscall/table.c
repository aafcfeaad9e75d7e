/* table.c: the system-call table (Linux x86-64 number -> handler) and the dispatcher,
 * which also writes the trace and reports each missing call once.
 *
 * Numbers are taken as Linux takes them: the low 32 bits of rax, sign-extended (so x32
 * numbers, with bit 30 set, are simply unknown). One CPU and no nesting: the trace line
 * and the "already reported" bits need no lock. */
#include <stdbool.h>

#include "core/cmdline.h"
#include "core/errno.h"
#include "fs/writeback.h"
#include "core/printk.h"
#include "mm/uaccess.h"
#include "syscall/nr.h"
#include "syscall/sys.h"
#include "syscall/syscall.h"
#include "fs/writeback.h"
#include "syscall/trace.h"

static long (*const syscall_table[SYS_MAX + 1])(const struct syscall_args *) = {
	[SYS_read] = sys_read,
	[SYS_write] = sys_write,
	[SYS_fstat] = sys_fstat,
	[SYS_newfstatat] = sys_newfstatat,
	[SYS_mmap] = sys_mmap,
	[SYS_mprotect] = sys_mprotect,
	[SYS_munmap] = sys_munmap,
	[SYS_brk] = sys_brk,
	[SYS_rt_sigaction] = sys_rt_sigaction,
	[SYS_rt_sigprocmask] = sys_rt_sigprocmask,
	[SYS_ioctl] = sys_ioctl,
	[SYS_pread64] = sys_pread64,
	[SYS_pwrite64] = sys_pwrite64,
	[SYS_readv] = sys_readv,
	[SYS_writev] = sys_writev,
	[SYS_sched_yield] = sys_sched_yield,
	[SYS_mremap] = sys_mremap,
	[SYS_madvise] = sys_madvise,
	[SYS_msync] = sys_msync,
	[SYS_mincore] = sys_mincore,
	[SYS_nanosleep] = sys_nanosleep,
	[SYS_getpid] = sys_getpid,
	[SYS_exit] = sys_exit,
	[SYS_uname] = sys_uname,
	[SYS_getcwd] = sys_getcwd,
	[SYS_readlink] = sys_readlink,
	[SYS_gettimeofday] = sys_gettimeofday,
	[SYS_getrlimit] = sys_getrlimit,
	[SYS_sysinfo] = sys_sysinfo,
	[SYS_getuid] = sys_getuid,
	[SYS_getgid] = sys_getgid,
	[SYS_geteuid] = sys_geteuid,
	[SYS_getegid] = sys_getegid,
	[SYS_getppid] = sys_getppid,
	[SYS_arch_prctl] = sys_arch_prctl,
	[SYS_setrlimit] = sys_setrlimit,
	[SYS_gettid] = sys_gettid,
	[SYS_time] = sys_time,
	[SYS_sched_getaffinity] = sys_sched_getaffinity,
	[SYS_set_tid_address] = sys_set_tid_address,
	[SYS_clock_gettime] = sys_clock_gettime,
	[SYS_clock_getres] = sys_clock_getres,
	[SYS_clock_nanosleep] = sys_clock_nanosleep,
	[SYS_exit_group] = sys_exit_group,
	[SYS_readlinkat] = sys_readlinkat,
	[SYS_set_robust_list] = sys_set_robust_list,
	[SYS_get_robust_list] = sys_get_robust_list,
	[SYS_prlimit64] = sys_prlimit64,
	[SYS_getrandom] = sys_getrandom,
	[SYS_rseq] = sys_rseq,
	[SYS_open] = sys_open,
	[SYS_openat] = sys_openat,
	[SYS_creat] = sys_creat,
	[SYS_close] = sys_close,
	[SYS_preadv] = sys_preadv,
	[SYS_pwritev] = sys_pwritev,
	[SYS_lseek] = sys_lseek,
	[SYS_stat] = sys_stat,
	[SYS_lstat] = sys_lstat,
	[SYS_statx] = sys_statx,
	[SYS_access] = sys_access,
	[SYS_faccessat] = sys_faccessat,
	[SYS_faccessat2] = sys_faccessat2,
	[SYS_getdents64] = sys_getdents64,
	[SYS_mkdir] = sys_mkdir,
	[SYS_mkdirat] = sys_mkdirat,
	[SYS_rmdir] = sys_rmdir,
	[SYS_unlink] = sys_unlink,
	[SYS_unlinkat] = sys_unlinkat,
	[SYS_rename] = sys_rename,
	[SYS_renameat] = sys_renameat,
	[SYS_renameat2] = sys_renameat2,
	[SYS_link] = sys_link,
	[SYS_linkat] = sys_linkat,
	[SYS_symlink] = sys_symlink,
	[SYS_symlinkat] = sys_symlinkat,
	[SYS_truncate] = sys_truncate,
	[SYS_ftruncate] = sys_ftruncate,
	[SYS_fallocate] = sys_fallocate,
	[SYS_fsync] = sys_fsync,
	[SYS_fdatasync] = sys_fdatasync,
	[SYS_sync] = sys_sync,
	[SYS_syncfs] = sys_syncfs,
	[SYS_chdir] = sys_chdir,
	[SYS_fchdir] = sys_fchdir,
	[SYS_umask] = sys_umask,
	[SYS_chmod] = sys_chmod,
	[SYS_fchmod] = sys_fchmod,
	[SYS_fchmodat] = sys_fchmodat,
	[SYS_chown] = sys_chown,
	[SYS_fchown] = sys_fchown,
	[SYS_lchown] = sys_lchown,
	[SYS_fchownat] = sys_fchownat,
	[SYS_utimensat] = sys_utimensat,
	[SYS_futimesat] = sys_futimesat,
	[SYS_dup] = sys_dup,
	[SYS_dup2] = sys_dup2,
	[SYS_dup3] = sys_dup3,
	[SYS_fcntl] = sys_fcntl,
	[SYS_flock] = sys_flock,
	[SYS_statfs] = sys_statfs,
	[SYS_fstatfs] = sys_fstatfs,
	[SYS_sendfile] = sys_sendfile,
	[SYS_copy_file_range] = sys_copy_file_range,
};

struct trap_frame *syscall_current_frame;

static struct trace_line trace_line;

/* Missing calls already reported: one bit per number, and a few numbers beyond the table
 * (after which those go unreported rather than flood the log). */
static uint64_t reported[SYS_MAX / 64 + 1];
static long reported_other[8];
static unsigned reported_others;

static bool first_report(long nr)
{
	if (nr >= 0 && nr <= SYS_MAX) {
		uint64_t bit = 1ULL << (nr % 64);
		bool first = !(reported[nr / 64] & bit);
		reported[nr / 64] |= bit;
		return first;
	}
	for (unsigned i = 0; i < reported_others; i++)
		if (reported_other[i] == nr)
			return false;
	if (reported_others == sizeof(reported_other) / sizeof(reported_other[0]))
		return false;
	reported_other[reported_others++] = nr;
	return true;
}

static long not_implemented(long nr)
{
	const char *name = syscall_name(nr);

	if (first_report(nr))
		printk("isle: syscall %s (%ld) is not implemented: returning -ENOSYS\n",
		       name ? name : "unknown", nr);
	return -ENOSYS;
}

void syscall_dispatch(struct trap_frame *tf)
{
	long nr = (int)tf->rax;
	struct syscall_args a = {{tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9}};
	long (*handler)(const struct syscall_args *) = NULL;
	long ret;

	syscall_current_frame = tf;
	if (nr >= 0 && nr <= SYS_MAX)
		handler = syscall_table[nr];
	/* A call that does not return (exit_group) is traced before it runs. */
	if (kopt.trace && trace_enter(&trace_line, nr, a.arg, copy_from_user))
		printk("%s\n", trace_line.buf);
	ret = handler ? handler(&a) : not_implemented(nr);
	tf->rax = (uint64_t)ret;
	if (kopt.trace) {
		trace_exit(&trace_line, ret);
		printk("%s\n", trace_line.buf);
	}
	writeback_poll();
}
