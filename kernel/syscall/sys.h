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

/* sys_io.c: data transfer on open files (fs/file.h). */
long sys_read(const struct syscall_args *a);
long sys_write(const struct syscall_args *a);
long sys_readv(const struct syscall_args *a);
long sys_writev(const struct syscall_args *a);
long sys_pread64(const struct syscall_args *a);
long sys_pwrite64(const struct syscall_args *a);
long sys_preadv(const struct syscall_args *a);
long sys_pwritev(const struct syscall_args *a);
long sys_lseek(const struct syscall_args *a);
long sys_ioctl(const struct syscall_args *a);
long sys_sendfile(const struct syscall_args *a);
long sys_copy_file_range(const struct syscall_args *a);

/* sys_pipe.c: pipes and eventfds (fs/pipe.h, fs/eventfd.h). */
long sys_pipe(const struct syscall_args *a);
long sys_pipe2(const struct syscall_args *a);
long sys_eventfd(const struct syscall_args *a);
long sys_eventfd2(const struct syscall_args *a);
/* sys_socket.c: sockets (net/socket.h). */
long sys_socket(const struct syscall_args *a);
long sys_socketpair(const struct syscall_args *a);
long sys_bind(const struct syscall_args *a);
long sys_connect(const struct syscall_args *a);
long sys_listen(const struct syscall_args *a);
long sys_accept(const struct syscall_args *a);
long sys_accept4(const struct syscall_args *a);
long sys_getsockname(const struct syscall_args *a);
long sys_getpeername(const struct syscall_args *a);
long sys_shutdown(const struct syscall_args *a);
long sys_setsockopt(const struct syscall_args *a);
long sys_getsockopt(const struct syscall_args *a);
long sys_sendto(const struct syscall_args *a);
long sys_recvfrom(const struct syscall_args *a);
long sys_sendmsg(const struct syscall_args *a);
long sys_recvmsg(const struct syscall_args *a);
long sys_sendmmsg(const struct syscall_args *a);
long sys_recvmmsg(const struct syscall_args *a);

/* sys_poll.c, sys_epoll.c: waiting for events on files (fs/poll.h, fs/epoll.h). */
long sys_poll(const struct syscall_args *a);
long sys_ppoll(const struct syscall_args *a);
long sys_select(const struct syscall_args *a);
long sys_pselect6(const struct syscall_args *a);
long sys_epoll_create(const struct syscall_args *a);
long sys_epoll_create1(const struct syscall_args *a);
long sys_epoll_ctl(const struct syscall_args *a);
long sys_epoll_wait(const struct syscall_args *a);
long sys_epoll_pwait(const struct syscall_args *a);
long sys_epoll_pwait2(const struct syscall_args *a);

/* sys_fs_open.c: opening, closing, the fd table. */
long sys_open(const struct syscall_args *a);
long sys_openat(const struct syscall_args *a);
long sys_creat(const struct syscall_args *a);
long sys_close(const struct syscall_args *a);
long sys_dup(const struct syscall_args *a);
long sys_dup2(const struct syscall_args *a);
long sys_dup3(const struct syscall_args *a);
long sys_fcntl(const struct syscall_args *a);
long sys_flock(const struct syscall_args *a);

/* sys_fs_path.c: the name space. */
long sys_mkdir(const struct syscall_args *a);
long sys_mkdirat(const struct syscall_args *a);
long sys_rmdir(const struct syscall_args *a);
long sys_unlink(const struct syscall_args *a);
long sys_unlinkat(const struct syscall_args *a);
long sys_rename(const struct syscall_args *a);
long sys_renameat(const struct syscall_args *a);
long sys_renameat2(const struct syscall_args *a);
long sys_link(const struct syscall_args *a);
long sys_linkat(const struct syscall_args *a);
long sys_symlink(const struct syscall_args *a);
long sys_symlinkat(const struct syscall_args *a);
long sys_readlink(const struct syscall_args *a);
long sys_readlinkat(const struct syscall_args *a);
long sys_access(const struct syscall_args *a);
long sys_faccessat(const struct syscall_args *a);
long sys_faccessat2(const struct syscall_args *a);

/* sys_fs_dir.c */
long sys_getdents64(const struct syscall_args *a);
long sys_chdir(const struct syscall_args *a);
long sys_fchdir(const struct syscall_args *a);
long sys_getcwd(const struct syscall_args *a);

/* sys_fs_attr.c: attributes and durability. */
long sys_umask(const struct syscall_args *a);
long sys_chmod(const struct syscall_args *a);
long sys_fchmod(const struct syscall_args *a);
long sys_fchmodat(const struct syscall_args *a);
long sys_chown(const struct syscall_args *a);
long sys_fchown(const struct syscall_args *a);
long sys_lchown(const struct syscall_args *a);
long sys_fchownat(const struct syscall_args *a);
long sys_utimensat(const struct syscall_args *a);
long sys_futimesat(const struct syscall_args *a);
long sys_truncate(const struct syscall_args *a);
long sys_ftruncate(const struct syscall_args *a);
long sys_fallocate(const struct syscall_args *a);
long sys_fsync(const struct syscall_args *a);
long sys_fdatasync(const struct syscall_args *a);
long sys_sync(const struct syscall_args *a);
long sys_syncfs(const struct syscall_args *a);

/* sys_mm.c */
long sys_brk(const struct syscall_args *a);
long sys_mmap(const struct syscall_args *a);
long sys_munmap(const struct syscall_args *a);
long sys_mprotect(const struct syscall_args *a);
long sys_mremap(const struct syscall_args *a);
long sys_madvise(const struct syscall_args *a);
long sys_msync(const struct syscall_args *a);
long sys_mincore(const struct syscall_args *a);

/* sys_proc.c: the one process (pid 1, tid 1, root). */
long sys_exit(const struct syscall_args *a);
long sys_exit_group(const struct syscall_args *a);
long sys_getpid(const struct syscall_args *a);
long sys_gettid(const struct syscall_args *a);
long sys_clone(const struct syscall_args *a);
long sys_clone3(const struct syscall_args *a);
long sys_futex(const struct syscall_args *a);
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

/* sys_signal.c: signals (kernel/signal/). */
long sys_rt_sigaction(const struct syscall_args *a);
long sys_rt_sigprocmask(const struct syscall_args *a);
long sys_rt_sigpending(const struct syscall_args *a);
long sys_rt_sigsuspend(const struct syscall_args *a);
long sys_rt_sigtimedwait(const struct syscall_args *a);
long sys_rt_sigqueueinfo(const struct syscall_args *a);
long sys_rt_tgsigqueueinfo(const struct syscall_args *a);
long sys_rt_sigreturn(const struct syscall_args *a);
long sys_sigaltstack(const struct syscall_args *a);
long sys_pause(const struct syscall_args *a);
long sys_kill(const struct syscall_args *a);
long sys_tkill(const struct syscall_args *a);
long sys_tgkill(const struct syscall_args *a);
long sys_signalfd(const struct syscall_args *a);
long sys_signalfd4(const struct syscall_args *a);

/* sys_stat.c: file status. */
long sys_stat(const struct syscall_args *a);
long sys_lstat(const struct syscall_args *a);
long sys_fstat(const struct syscall_args *a);
long sys_newfstatat(const struct syscall_args *a);
long sys_statx(const struct syscall_args *a);
long sys_statfs(const struct syscall_args *a);
long sys_fstatfs(const struct syscall_args *a);

/* sys_sched.c: scheduling (sched/sched.h). */
long sys_sched_yield(const struct syscall_args *a);
long sys_sched_getaffinity(const struct syscall_args *a);
long sys_sched_setaffinity(const struct syscall_args *a);
long sys_getcpu(const struct syscall_args *a);
long sys_sched_setscheduler(const struct syscall_args *a);
long sys_sched_getscheduler(const struct syscall_args *a);
long sys_sched_setparam(const struct syscall_args *a);
long sys_sched_getparam(const struct syscall_args *a);
long sys_sched_get_priority_max(const struct syscall_args *a);
long sys_sched_get_priority_min(const struct syscall_args *a);
long sys_sched_rr_get_interval(const struct syscall_args *a);

/* sys_prctl.c */
long sys_prctl(const struct syscall_args *a);
long sys_membarrier(const struct syscall_args *a);

/* sys_timer.c, sys_itimer.c, sys_timerfd.c: timers (ptimer.h). */
long sys_timer_create(const struct syscall_args *a);
long sys_timer_settime(const struct syscall_args *a);
long sys_timer_gettime(const struct syscall_args *a);
long sys_timer_getoverrun(const struct syscall_args *a);
long sys_timer_delete(const struct syscall_args *a);
long sys_getitimer(const struct syscall_args *a);
long sys_setitimer(const struct syscall_args *a);
long sys_alarm(const struct syscall_args *a);
long sys_timerfd_create(const struct syscall_args *a);
long sys_timerfd_settime(const struct syscall_args *a);
long sys_timerfd_gettime(const struct syscall_args *a);

/* sys_rusage.c */
long sys_getrusage(const struct syscall_args *a);
long sys_times(const struct syscall_args *a);

/* sys_time.c */
long sys_clock_gettime(const struct syscall_args *a);
long sys_clock_getres(const struct syscall_args *a);
long sys_gettimeofday(const struct syscall_args *a);
long sys_time(const struct syscall_args *a);
long sys_nanosleep(const struct syscall_args *a);
long sys_clock_nanosleep(const struct syscall_args *a);

#endif
