/* trace_desc.c: how each system call's arguments and result print in the trace, by
 * number. Calls without an entry print six hex arguments, as strace does for calls it
 * does not know; add an entry when a call gets a handler. */
#include <stddef.h>

#include "syscall/nr.h"
#include "syscall/trace_fmt.h"

#define D(ret, ...)                                                                                \
	{                                                                                          \
		ret,                                                                               \
		{                                                                                  \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}

static const struct trace_desc descs[SYS_MAX + 1] = {
	[SYS_read] = D(TR_DEC, TK_FD, TK_OBUF, TK_ULONG),
	[SYS_write] = D(TR_DEC, TK_FD, TK_BUF, TK_ULONG),
	[SYS_open] = D(TR_DEC, TK_PATH, TK_OPEN_FLAGS, TK_OPEN_MODE),
	[SYS_close] = D(TR_DEC, TK_FD),
	[SYS_stat] = D(TR_DEC, TK_PATH, TK_OSTAT),
	[SYS_fstat] = D(TR_DEC, TK_FD, TK_OSTAT),
	[SYS_lstat] = D(TR_DEC, TK_PATH, TK_OSTAT),
	[SYS_poll] = D(TR_DEC, TK_PTR, TK_UINT, TK_INT),
	[SYS_lseek] = D(TR_DEC, TK_FD, TK_LONG, TK_SEEK_WHENCE),
	[SYS_mmap] = D(TR_HEX, TK_PTR, TK_ULONG, TK_PROT, TK_MAP_FLAGS, TK_FD, TK_HEX),
	[SYS_mprotect] = D(TR_DEC, TK_PTR, TK_ULONG, TK_PROT),
	[SYS_munmap] = D(TR_DEC, TK_PTR, TK_ULONG),
	[SYS_brk] = D(TR_HEX, TK_PTR),
	[SYS_rt_sigaction] = D(TR_DEC, TK_SIGNUM, TK_SIGACTION, TK_OSIGACTION, TK_ULONG),
	[SYS_rt_sigprocmask] = D(TR_DEC, TK_SIG_HOW, TK_SIGSET, TK_OSIGSET, TK_ULONG),
	[SYS_rt_sigreturn] = D(TR_DEC),
	[SYS_ioctl] = D(TR_DEC, TK_FD, TK_IOCTL_REQ, TK_IOCTL_ARG),
	[SYS_pread64] = D(TR_DEC, TK_FD, TK_OBUF, TK_ULONG, TK_LONG),
	[SYS_pwrite64] = D(TR_DEC, TK_FD, TK_BUF, TK_ULONG, TK_LONG),
	[SYS_readv] = D(TR_DEC, TK_FD, TK_OIOVEC, TK_UINT),
	[SYS_writev] = D(TR_DEC, TK_FD, TK_IOVEC, TK_UINT),
	[SYS_access] = D(TR_DEC, TK_PATH, TK_ACCESS_MODE),
	[SYS_pipe] = D(TR_DEC, TK_PTR),
	[SYS_sched_yield] = D(TR_DEC),
	[SYS_mremap] = D(TR_HEX, TK_PTR, TK_ULONG, TK_ULONG, TK_MREMAP_FLAGS, TK_MREMAP_ADDR),
	[SYS_msync] = D(TR_DEC, TK_PTR, TK_ULONG, TK_HEX),
	[SYS_madvise] = D(TR_DEC, TK_PTR, TK_ULONG, TK_MADVICE),
	[SYS_dup] = D(TR_DEC, TK_FD),
	[SYS_dup2] = D(TR_DEC, TK_FD, TK_FD),
	[SYS_pause] = D(TR_DEC),
	[SYS_nanosleep] = D(TR_DEC, TK_TIMESPEC, TK_OTIMESPEC_REM),
	[SYS_getpid] = D(TR_DEC),
	[SYS_execve] = D(TR_DEC, TK_PATH, TK_PTR, TK_PTR),
	[SYS_exit] = D(TR_NONE, TK_INT),
	[SYS_wait4] = D(TR_DEC, TK_INT, TK_PTR, TK_HEX, TK_PTR),
	[SYS_kill] = D(TR_DEC, TK_INT, TK_SIGNUM),
	[SYS_uname] = D(TR_DEC, TK_OUTSNAME),
	[SYS_fcntl] = D(TR_DEC, TK_FD, TK_INT, TK_HEX),
	[SYS_getcwd] = D(TR_DEC, TK_OPATH, TK_ULONG),
	[SYS_chdir] = D(TR_DEC, TK_PATH),
	[SYS_fchdir] = D(TR_DEC, TK_FD),
	[SYS_rename] = D(TR_DEC, TK_PATH, TK_PATH),
	[SYS_mkdir] = D(TR_DEC, TK_PATH, TK_OCTAL),
	[SYS_rmdir] = D(TR_DEC, TK_PATH),
	[SYS_unlink] = D(TR_DEC, TK_PATH),
	[SYS_readlink] = D(TR_DEC, TK_PATH, TK_OPATHBUF, TK_ULONG),
	[SYS_umask] = D(TR_OCT, TK_OCTAL),
	[SYS_gettimeofday] = D(TR_DEC, TK_OTIMEVAL, TK_OTIMEZONE),
	[SYS_getrlimit] = D(TR_DEC, TK_RLIMIT_RES, TK_ORLIMIT),
	[SYS_sysinfo] = D(TR_DEC, TK_OSYSINFO),
	[SYS_getuid] = D(TR_DEC),
	[SYS_getgid] = D(TR_DEC),
	[SYS_geteuid] = D(TR_DEC),
	[SYS_getegid] = D(TR_DEC),
	[SYS_getppid] = D(TR_DEC),
	[SYS_sigaltstack] = D(TR_DEC, TK_PTR, TK_PTR),
	[SYS_arch_prctl] = D(TR_DEC, TK_ARCH_CODE, TK_ARCH_ARG),
	[SYS_setrlimit] = D(TR_DEC, TK_RLIMIT_RES, TK_RLIMIT),
	[SYS_gettid] = D(TR_DEC),
	[SYS_tkill] = D(TR_DEC, TK_INT, TK_SIGNUM),
	[SYS_time] = D(TR_TIME, TK_OTIME),
	[SYS_sched_setaffinity] = D(TR_DEC, TK_INT, TK_UINT, TK_PTR),
	[SYS_sched_getaffinity] = D(TR_DEC, TK_INT, TK_UINT, TK_OCPUSET),
	[SYS_getdents64] = D(TR_DEC, TK_FD, TK_PTR, TK_UINT),
	[SYS_set_tid_address] = D(TR_DEC, TK_PTR),
	[SYS_clock_gettime] = D(TR_DEC, TK_CLOCK, TK_OTIMESPEC),
	[SYS_clock_getres] = D(TR_DEC, TK_CLOCK, TK_OTIMESPEC),
	[SYS_clock_nanosleep] = D(TR_DEC, TK_CLOCK, TK_TIMER_FLAGS, TK_TIMESPEC, TK_OTIMESPEC_REM),
	[SYS_exit_group] = D(TR_NONE, TK_INT),
	[SYS_tgkill] = D(TR_DEC, TK_INT, TK_INT, TK_SIGNUM),
	[SYS_openat] = D(TR_DEC, TK_DIRFD, TK_PATH, TK_OPEN_FLAGS, TK_OPEN_MODE),
	[SYS_mkdirat] = D(TR_DEC, TK_DIRFD, TK_PATH, TK_OCTAL),
	[SYS_newfstatat] = D(TR_DEC, TK_DIRFD, TK_PATH, TK_OSTAT, TK_AT_FLAGS),
	[SYS_unlinkat] = D(TR_DEC, TK_DIRFD, TK_PATH, TK_AT_FLAGS),
	[SYS_readlinkat] = D(TR_DEC, TK_DIRFD, TK_PATH, TK_OPATHBUF, TK_ULONG),
	[SYS_faccessat] = D(TR_DEC, TK_DIRFD, TK_PATH, TK_ACCESS_MODE),
	[SYS_faccessat2] = D(TR_DEC, TK_DIRFD, TK_PATH, TK_ACCESS_MODE, TK_AT_FLAGS),
	[SYS_set_robust_list] = D(TR_DEC, TK_PTR, TK_ULONG),
	[SYS_get_robust_list] = D(TR_DEC, TK_INT, TK_PTR, TK_PTR),
	[SYS_dup3] = D(TR_DEC, TK_FD, TK_FD, TK_HEX),
	[SYS_prlimit64] = D(TR_DEC, TK_INT, TK_RLIMIT_RES, TK_RLIMIT64, TK_ORLIMIT64),
	[SYS_getrandom] = D(TR_DEC, TK_OHEXBUF, TK_ULONG, TK_GRND_FLAGS),
	[SYS_rseq] = D(TR_DEC, TK_PTR, TK_HEX, TK_HEX, TK_HEX),
};

const struct trace_desc *trace_desc_of(long nr)
{
	if (nr < 0 || nr > SYS_MAX || descs[nr].ret == TR_UNKNOWN)
		return NULL;
	return &descs[nr];
}
