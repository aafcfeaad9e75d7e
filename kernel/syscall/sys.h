/* sys.h: the system-call handlers, one per Linux call, grouped by area in sys_*.c, and the
 * calling convention of the table (kernel/syscall/table.c).
 *
 * A handler gets the six raw argument registers and returns the value the program sees:
 * a result, or a negative errno exactly as Linux would return it. Handlers are thin: they
 * decode and check arguments, copy program memory through uaccess, and call a subsystem. */
#ifndef ISLE_SYSCALL_SYS_H
#define ISLE_SYSCALL_SYS_H

#include <stdint.h>

/* rdi, rsi, rdx, r10, r8, r9 as the program passed them. */
struct syscall_args {
	uint64_t arg[6];
};

/* What readlink("/proc/self/exe") returns: the program's path as the program sees it.
 * Set by main before the program starts; the string must live as long as the program.
 * NULL until then (readlink gives ENOENT). */
extern const char *proc_exe_path;

/* sys_io.c: the console on fds 0-2. */
long sys_read(const struct syscall_args *a);
long sys_write(const struct syscall_args *a);
long sys_readv(const struct syscall_args *a);
long sys_writev(const struct syscall_args *a);
long sys_pread64(const struct syscall_args *a);
long sys_pwrite64(const struct syscall_args *a);
long sys_ioctl(const struct syscall_args *a);
long sys_readlink(const struct syscall_args *a);
long sys_readlinkat(const struct syscall_args *a);
long sys_getcwd(const struct syscall_args *a);

/* sys_mm.c */
long sys_brk(const struct syscall_args *a);
long sys_mmap(const struct syscall_args *a);
long sys_munmap(const struct syscall_args *a);
long sys_mprotect(const struct syscall_args *a);
long sys_mremap(const struct syscall_args *a);
long sys_madvise(const struct syscall_args *a);

/* sys_proc.c: the one process (pid 1, tid 1, root). */
long sys_exit(const struct syscall_args *a);
long sys_exit_group(const struct syscall_args *a);
long sys_getpid(const struct syscall_args *a);
long sys_gettid(const struct syscall_args *a);
long sys_getppid(const struct syscall_args *a);
long sys_getuid(const struct syscall_args *a);
long sys_geteuid(const struct syscall_args *a);
long sys_getgid(const struct syscall_args *a);
long sys_getegid(const struct syscall_args *a);
long sys_set_tid_address(const struct syscall_args *a);
long sys_set_robust_list(const struct syscall_args *a);
long sys_get_robust_list(const struct syscall_args *a);
long sys_rseq(const struct syscall_args *a);
long sys_arch_prctl(const struct syscall_args *a);
long sys_prlimit64(const struct syscall_args *a);
long sys_getrlimit(const struct syscall_args *a);
long sys_setrlimit(const struct syscall_args *a);

/* sys_info.c: system identity, randomness, scheduling. */
long sys_uname(const struct syscall_args *a);
long sys_sysinfo(const struct syscall_args *a);
long sys_getrandom(const struct syscall_args *a);
long sys_sched_yield(const struct syscall_args *a);
long sys_sched_getaffinity(const struct syscall_args *a);

/* sys_signal.c: signal dispositions and mask (stored; nothing is delivered yet). */
long sys_rt_sigaction(const struct syscall_args *a);
long sys_rt_sigprocmask(const struct syscall_args *a);

/* sys_stat.c: the console fds; no file system yet. */
long sys_fstat(const struct syscall_args *a);
long sys_newfstatat(const struct syscall_args *a);

/* sys_time.c */
long sys_clock_gettime(const struct syscall_args *a);
long sys_clock_getres(const struct syscall_args *a);
long sys_gettimeofday(const struct syscall_args *a);
long sys_time(const struct syscall_args *a);
long sys_nanosleep(const struct syscall_args *a);
long sys_clock_nanosleep(const struct syscall_args *a);

#endif
