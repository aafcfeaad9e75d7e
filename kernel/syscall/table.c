/* table.c: the system-call table (Linux x86-64 number -> handler) and the dispatcher,
 * which also writes the trace, reports each missing call once, keeps the ring of recent
 * calls and, when asked, the summary counters and the paths not found (sysstat.h,
 * missing.h).
 *
 * Numbers are taken as Linux takes them: the low 32 bits of rax, sign-extended (so x32
 * numbers, with bit 30 set, are simply unknown). One CPU and no nesting: the trace line
 * and the "already reported" bits need no lock. */
#include <stdbool.h>

#include "core/cmdline.h"
#include "core/errno.h"
#include "fs/fdtable.h"
#include "fs/writeback.h"
#include "core/printk.h"
#include "core/time.h"
#include "lib/format.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "syscall/nr.h"
#include "syscall/sys.h"
#include "syscall/syscall.h"
#include "sched/lock.h"
#include "sched/sched.h"
#include "syscall/missing.h"
#include "syscall/sysstat.h"
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
	[SYS_rt_sigpending] = sys_rt_sigpending,
	[SYS_rt_sigsuspend] = sys_rt_sigsuspend,
	[SYS_rt_sigtimedwait] = sys_rt_sigtimedwait,
	[SYS_rt_sigqueueinfo] = sys_rt_sigqueueinfo,
	[SYS_rt_tgsigqueueinfo] = sys_rt_tgsigqueueinfo,
	[SYS_rt_sigreturn] = sys_rt_sigreturn,
	[SYS_sigaltstack] = sys_sigaltstack,
	[SYS_pause] = sys_pause,
	[SYS_kill] = sys_kill,
	[SYS_tkill] = sys_tkill,
	[SYS_tgkill] = sys_tgkill,
	[SYS_signalfd] = sys_signalfd,
	[SYS_signalfd4] = sys_signalfd4,
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
	[SYS_clone] = sys_clone,
	[SYS_clone3] = sys_clone3,
	[SYS_futex] = sys_futex,
	[SYS_time] = sys_time,
	[SYS_sched_getaffinity] = sys_sched_getaffinity,
	[SYS_getitimer] = sys_getitimer,
	[SYS_alarm] = sys_alarm,
	[SYS_setitimer] = sys_setitimer,
	[SYS_getrusage] = sys_getrusage,
	[SYS_times] = sys_times,
	[SYS_sched_setparam] = sys_sched_setparam,
	[SYS_sched_getparam] = sys_sched_getparam,
	[SYS_sched_setscheduler] = sys_sched_setscheduler,
	[SYS_sched_getscheduler] = sys_sched_getscheduler,
	[SYS_sched_get_priority_max] = sys_sched_get_priority_max,
	[SYS_sched_get_priority_min] = sys_sched_get_priority_min,
	[SYS_sched_rr_get_interval] = sys_sched_rr_get_interval,
	[SYS_prctl] = sys_prctl,
	[SYS_timer_create] = sys_timer_create,
	[SYS_timer_settime] = sys_timer_settime,
	[SYS_timer_gettime] = sys_timer_gettime,
	[SYS_timer_getoverrun] = sys_timer_getoverrun,
	[SYS_timer_delete] = sys_timer_delete,
	[SYS_timerfd_create] = sys_timerfd_create,
	[SYS_timerfd_settime] = sys_timerfd_settime,
	[SYS_timerfd_gettime] = sys_timerfd_gettime,
	[SYS_getcpu] = sys_getcpu,
	[SYS_membarrier] = sys_membarrier,
	[SYS_sched_setaffinity] = sys_sched_setaffinity,
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
	[SYS_pipe] = sys_pipe,
	[SYS_pipe2] = sys_pipe2,
	[SYS_eventfd] = sys_eventfd,
	[SYS_eventfd2] = sys_eventfd2,
	[SYS_socket] = sys_socket,
	[SYS_socketpair] = sys_socketpair,
	[SYS_bind] = sys_bind,
	[SYS_connect] = sys_connect,
	[SYS_listen] = sys_listen,
	[SYS_accept] = sys_accept,
	[SYS_accept4] = sys_accept4,
	[SYS_getsockname] = sys_getsockname,
	[SYS_getpeername] = sys_getpeername,
	[SYS_shutdown] = sys_shutdown,
	[SYS_setsockopt] = sys_setsockopt,
	[SYS_getsockopt] = sys_getsockopt,
	[SYS_sendto] = sys_sendto,
	[SYS_recvfrom] = sys_recvfrom,
	[SYS_sendmsg] = sys_sendmsg,
	[SYS_recvmsg] = sys_recvmsg,
	[SYS_sendmmsg] = sys_sendmmsg,
	[SYS_recvmmsg] = sys_recvmmsg,
	[SYS_poll] = sys_poll,
	[SYS_ppoll] = sys_ppoll,
	[SYS_select] = sys_select,
	[SYS_pselect6] = sys_pselect6,
	[SYS_epoll_create] = sys_epoll_create,
	[SYS_epoll_create1] = sys_epoll_create1,
	[SYS_epoll_ctl] = sys_epoll_ctl,
	[SYS_epoll_wait] = sys_epoll_wait,
	[SYS_epoll_pwait] = sys_epoll_pwait,
	[SYS_epoll_pwait2] = sys_epoll_pwait2,
};

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

/* From entry.S for every syscall instruction, interrupts on; returns with them off. */
void syscall_from_user(struct trap_frame *tf);
void syscall_from_user(struct trap_frame *tf)
{
	bkl_enter();
	sched_park_if_stopping();
	current->syscall_nr = (int)tf->rax;
	syscall_dispatch(tf);
	sched_return_to_user(tf); /* releases the BKL */
}

/* The call with its wall time counted for the syscall_summary option. */
static long counted_call(long (*handler)(const struct syscall_args *), long nr,
			 const struct syscall_args *a)
{
	uint64_t t0 = time_monotonic_ns();
	long ret = handler ? handler(a) : not_implemented(nr);

	sysstat_count(nr, time_monotonic_ns() - t0, ret);
	return ret;
}

void syscall_dispatch(struct trap_frame *tf)
{
	long nr = (int)tf->rax;
	struct syscall_args a = {{tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9}};
	long (*handler)(const struct syscall_args *) = NULL;
	/* Each call its own line: another thread may trace while this one sleeps. */
	struct trace_line *line = kopt.trace && kopt_traces(nr) ? kmalloc(sizeof(*line)) : NULL;
	uint64_t seq = sysstat_recent_enter(nr, a.arg, current->tid);
	long ret;

	if (nr >= 0 && nr <= SYS_MAX)
		handler = syscall_table[nr];
	/* A call that does not return (exit_group) is traced before it runs. */
	/* With several threads each line names its thread, as strace -f does. */
	char who[16] = "";
	if (line && task_count() > 1)
		fmt_snprintf(who, sizeof(who), "[pid %d] ", current->tid);
	if (line && trace_enter(line, nr, a.arg, copy_from_user))
		printk("%s%s\n", who, line->buf);
	if (__builtin_expect(kopt.syscall_summary, 0))
		ret = counted_call(handler, nr, &a);
	else
		ret = handler ? handler(&a) : not_implemented(nr);
	fd_unpin_all(); /* the files the call held open (fdtable.h) */
	sysstat_recent_exit(seq, ret);
	if (ret == -ENOENT && kopt.missing_files)
		missing_note(nr, a.arg);
	tf->rax = (uint64_t)ret;
	if (line) {
		trace_exit(line, ret);
		printk("%s%s\n", who, line->buf);
		kfree(line);
	}
	writeback_poll();
}
