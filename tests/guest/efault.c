/* efault.c: passes bad pointers to syscalls that take pointer arguments and checks each
 * call fails with the errno Linux gives (EFAULT, with a few recorded exceptions below),
 * never a crash. Bad pointers: NULL, 0xdead0, a kernel-half address, the isle kernel's
 * own addresses (user-range on Linux, above USER_TOP in isle), ranges that cross Linux's
 * TASK_SIZE and isle's USER_TOP, a PROT_NONE page, and (for output buffers only) a
 * read-only page. Raw syscall() everywhere: no libc or vDSO code touches the pointers.
 * Prints one line per syscall case and "checked N calls" before the PASS line. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>

#include "guest.h"

#define IN 1  /* the kernel reads through the pointer */
#define OUT 2 /* the kernel writes through it */
#define OPT 4 /* NULL is a valid "absent" value for this argument: not tried */

struct badptr {
	const char *name;
	uintptr_t addr;
	int kinds; /* IN | OUT: where this pointer is bad (a read-only page is fine to read) */
};

static struct badptr ptrs[] = {
	{"NULL", 0, IN | OUT},
	{"0xdead0", 0xdead0, IN | OUT},
	{"kernel-half", 0xffff800000000000ul, IN | OUT},
	{"isle-kernel", 0x7f0000100000ul, IN | OUT},	     /* isle's DIRECT_BASE + 1 MiB */
	{"cross-linux-top", 0x7ffffffff000ul - 8, IN | OUT}, /* TASK_SIZE - 8 */
	{"cross-isle-top", 0x7f0000000000ul - 8, IN | OUT},  /* USER_TOP - 8 */
	{"prot-none", 0, IN | OUT},			     /* set in main */
	{"read-only", 0, OUT},				     /* set in main */
};
#define NPTRS (sizeof(ptrs) / sizeof(ptrs[0]))

/* Descriptors the cases use, opened in main. */
static int zero_fd, pipe_r, pipe_w, dir_fd, udp_fd, dgram[2], epfd;

/* A recorded difference from EFAULT: what Linux gives for this case and pointer ("*":
 * every pointer), and what isle may give instead when its smaller user range (USER_TOP
 * 0x7f0000000000 against Linux's 0x7ffffffff000) legitimately makes it differ. */
struct exception {
	const char *call, *ptr;
	long linux_ret, isle_ret; /* a return value (>= 0) or -errno */
};

static const struct exception exceptions[] = {
	/* write of 0 bytes never touches the buffer: only the range check can fail. */
	{"write-0", "kernel-half", -EFAULT, -EFAULT},
	{"write-0", "isle-kernel", 0, -EFAULT}, /* user addresses on Linux, not in isle */
	{"write-0", "cross-linux-top", 0, -EFAULT},
	{"write-0", "*", 0, 0},
	/* a NULL address is "no address": an unconnected socket then has no destination */
	{"sendto-addr", "NULL", -EDESTADDRREQ, -EDESTADDRREQ},
	/* isle runs one program and has no execve at all (docs/syscalls.md) */
	{"execve-path", "*", -EFAULT, -ENOSYS},
};

static const struct exception *find_exception(const char *call, const char *ptr)
{
	for (size_t i = 0; i < sizeof(exceptions) / sizeof(exceptions[0]); i++)
		if (!strcmp(exceptions[i].call, call) &&
		    (!strcmp(exceptions[i].ptr, "*") || !strcmp(exceptions[i].ptr, ptr)))
			return &exceptions[i];
	return NULL;
}

/* The result is what Linux gives, or the isle variant recorded for it. */
static int as_expected(const char *call, const char *ptr, long got, long *want)
{
	const struct exception *e = find_exception(call, ptr);
	*want = e ? e->linux_ret : -EFAULT;
	return got == *want || (e && got == e->isle_ret);
}

static int checked, failures;

/* Run one case with every bad pointer of the right kind. */
#define CASE(call, kind, expr)                                                                     \
	do {                                                                                       \
		for (size_t i_ = 0; i_ < NPTRS; i_++) {                                            \
			if (!(ptrs[i_].kinds & (kind)) || ((kind)&OPT && !ptrs[i_].addr))          \
				continue;                                                          \
			void *p = (void *)ptrs[i_].addr;                                           \
			errno = 0;                                                                 \
			long r_ = (expr);                                                          \
			long got_ = r_ < 0 ? -errno : r_;                                          \
			long want_;                                                                \
			checked++;                                                                 \
			if (!as_expected(call, ptrs[i_].name, got_, &want_)) {                     \
				printf("MISMATCH %s(%s): got %ld (%s), want %ld\n", call,          \
				       ptrs[i_].name, got_, got_ < 0 ? strerror((int)-got_) : "-", \
				       want_);                                                     \
				failures++;                                                        \
			}                                                                          \
		}                                                                                  \
		printf("case %s\n", call);                                                         \
	} while (0)

/* Put one byte in the pipe (for reads that must find data) unless one is there. */
static void refill(void)
{
	struct pollfd pf = {pipe_r, POLLIN, 0};
	if (poll(&pf, 1, 0) == 0)
		CHECK(write(pipe_w, "x", 1) == 1);
}

static void refill_dgram(void)
{
	struct pollfd pf = {dgram[1], POLLIN, 0};
	if (poll(&pf, 1, 0) == 0)
		CHECK(send(dgram[0], "y", 1, 0) == 1);
}

static void io_cases(void)
{
	char buf[64];
	struct iovec iov_ok = {buf, sizeof(buf)};

	CASE("read", OUT, syscall(SYS_read, zero_fd, p, 16));
	CASE("read-pipe", OUT, (refill(), syscall(SYS_read, pipe_r, p, 16)));
	CASE("write", IN, syscall(SYS_write, pipe_w, p, 16));
	CASE("write-0", IN, syscall(SYS_write, pipe_w, p, 0));
	CASE("readv-iov", IN, syscall(SYS_readv, zero_fd, p, 1));
	CASE("writev-iov", IN, syscall(SYS_writev, pipe_w, p, 1));
	CASE("readv-base", OUT, ({
		     struct iovec v = {p, 16};
		     syscall(SYS_readv, zero_fd, &v, 1);
	     }));
	CASE("writev-base", IN, ({
		     struct iovec v = {p, 16};
		     syscall(SYS_writev, pipe_w, &v, 1);
	     }));
	(void)iov_ok;
	/* drain what the read cases left */
	while (1) {
		struct pollfd pf = {pipe_r, POLLIN, 0};
		if (poll(&pf, 1, 0) != 1)
			break;
		CHECK(read(pipe_r, buf, sizeof(buf)) > 0);
	}
}

static void fs_cases(void)
{
	struct stat st;
	char buf[256];

	CASE("stat-path", IN, syscall(SYS_stat, p, &st));
	CASE("stat-buf", OUT, syscall(SYS_stat, "/", p));
	CASE("lstat-path", IN, syscall(SYS_lstat, p, &st));
	CASE("lstat-buf", OUT, syscall(SYS_lstat, "/", p));
	CASE("fstat-buf", OUT, syscall(SYS_fstat, zero_fd, p));
	CASE("newfstatat-path", IN, syscall(SYS_newfstatat, AT_FDCWD, p, &st, 0));
	CASE("newfstatat-buf", OUT, syscall(SYS_newfstatat, AT_FDCWD, "/", p, 0));
	CASE("open-path", IN, syscall(SYS_open, p, O_RDONLY));
	CASE("openat-path", IN, syscall(SYS_openat, AT_FDCWD, p, O_RDONLY));
	CASE("getcwd", OUT, syscall(SYS_getcwd, p, 256));
	CASE("readlink-path", IN, syscall(SYS_readlink, p, buf, sizeof(buf)));
	CASE("readlink-buf", OUT, syscall(SYS_readlink, "/proc/self/exe", p, 64));
	CASE("getdents64", OUT, ({
		     lseek(dir_fd, 0, SEEK_SET);
		     syscall(SYS_getdents64, dir_fd, p, 4096);
	     }));
	CASE("statfs-path", IN, syscall(SYS_statfs, p, buf));
	CASE("statfs-buf", OUT, syscall(SYS_statfs, "/", p));
	CASE("execve-path", IN, ({
		     char *argv[] = {"x", NULL};
		     syscall(SYS_execve, p, argv, argv + 1);
	     }));
}

static void misc_cases(void)
{
	struct timespec ts = {0, 0};

	CASE("uname", OUT, syscall(SYS_uname, p));
	CASE("clock_gettime", OUT, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p));
	CASE("gettimeofday", OUT | OPT, syscall(SYS_gettimeofday, p, NULL));
	CASE("nanosleep-req", IN, syscall(SYS_nanosleep, p, NULL));
	CASE("pipe", OUT, syscall(SYS_pipe, p));
	CASE("pipe2", OUT, syscall(SYS_pipe2, p, O_CLOEXEC));
	CASE("socketpair", OUT, syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, p));
	CASE("getrandom", OUT, syscall(SYS_getrandom, p, 16, 0));
	CASE("rt_sigaction-act", IN | OPT, syscall(SYS_rt_sigaction, SIGUSR1, p, NULL, 8));
	CASE("rt_sigaction-old", OUT | OPT, syscall(SYS_rt_sigaction, SIGUSR1, NULL, p, 8));
	CASE("rt_sigprocmask-set", IN | OPT, syscall(SYS_rt_sigprocmask, SIG_BLOCK, p, NULL, 8));
	CASE("rt_sigprocmask-old", OUT | OPT, syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, p, 8));
	CASE("sigaltstack-new", IN | OPT, syscall(SYS_sigaltstack, p, NULL));
	CASE("sigaltstack-old", OUT | OPT, syscall(SYS_sigaltstack, NULL, p));
	CASE("sched_getaffinity", OUT, syscall(SYS_sched_getaffinity, 0, 128, p));
	CASE("getrlimit", OUT, syscall(SYS_getrlimit, RLIMIT_NOFILE, p));
	CASE("prlimit64-new", IN | OPT, syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, p, NULL));
	CASE("prlimit64-old", OUT | OPT, syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, p));
	CASE("sysinfo", OUT, syscall(SYS_sysinfo, p));
	CASE("times", OUT | OPT, syscall(SYS_times, p));
	CASE("futex-wait", IN, syscall(SYS_futex, p, FUTEX_WAIT, 0, &ts, NULL, 0));
}

static void poll_cases(void)
{
	struct timespec zero = {0, 0};
	(void)zero;

	CASE("poll", IN, syscall(SYS_poll, p, 1, 0));
	CASE("select-set", IN | OPT, ({
		     struct timeval tv = {0, 0};
		     syscall(SYS_select, pipe_w + 1, p, NULL, NULL, &tv);
	     }));
	CASE("select-timeout", IN | OPT, syscall(SYS_select, 0, NULL, NULL, NULL, p));
	CASE("epoll_wait", OUT, syscall(SYS_epoll_wait, epfd, p, 1, 0));
	CASE("epoll_ctl-event", IN, syscall(SYS_epoll_ctl, epfd, EPOLL_CTL_MOD, pipe_w, p));
}

static void socket_cases(void)
{
	char buf[16];
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(9)};
	socklen_t len = sizeof(int);
	int val;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CASE("bind-addr", IN, syscall(SYS_bind, udp_fd, p, sizeof(sin)));
	CASE("connect-addr", IN, syscall(SYS_connect, udp_fd, p, sizeof(sin)));
	CASE("sendto-addr", IN, syscall(SYS_sendto, udp_fd, "z", 1, 0, p, sizeof(sin)));
	CASE("sendto-buf", IN, syscall(SYS_sendto, dgram[0], p, 16, 0, NULL, 0));
	CASE("recvfrom-buf", OUT,
	     (refill_dgram(), syscall(SYS_recvfrom, dgram[1], p, 16, MSG_DONTWAIT, NULL, NULL)));
	CASE("recvfrom-addrlen", IN | OUT, ({
		     struct sockaddr_in from;
		     refill_dgram();
		     syscall(SYS_recvfrom, dgram[1], buf, sizeof(buf), MSG_DONTWAIT, &from, p);
	     }));
	CASE("getsockopt-optlen", IN | OUT,
	     syscall(SYS_getsockopt, udp_fd, SOL_SOCKET, SO_TYPE, &val, p));
	CASE("getsockopt-optval", OUT, ({
		     len = sizeof(int);
		     syscall(SYS_getsockopt, udp_fd, SOL_SOCKET, SO_TYPE, p, &len);
	     }));
	CASE("setsockopt-optval", IN,
	     syscall(SYS_setsockopt, udp_fd, SOL_SOCKET, SO_REUSEADDR, p, sizeof(int)));
	CASE("getsockname-addr", OUT, ({
		     len = sizeof(sin);
		     syscall(SYS_getsockname, udp_fd, p, &len);
	     }));
	(void)sin;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(none != MAP_FAILED && ro != MAP_FAILED);
	for (size_t i = 0; i < NPTRS; i++) {
		if (!strcmp(ptrs[i].name, "prot-none"))
			ptrs[i].addr = (uintptr_t)none;
		if (!strcmp(ptrs[i].name, "read-only"))
			ptrs[i].addr = (uintptr_t)ro;
	}
	int fds[2];
	CHECK((zero_fd = open("/dev/zero", O_RDONLY)) >= 0, "/dev/zero: %s", strerror(errno));
	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	pipe_r = fds[0];
	pipe_w = fds[1];
	CHECK((dir_fd = open("/", O_RDONLY | O_DIRECTORY)) >= 0);
	CHECK((udp_fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0, "udp: %s", strerror(errno));
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dgram) == 0);
	CHECK((epfd = epoll_create1(0)) >= 0);
	struct epoll_event ev = {.events = EPOLLOUT, .data.fd = pipe_w};
	CHECK(epoll_ctl(epfd, EPOLL_CTL_ADD, pipe_w, &ev) == 0); /* always ready */

	io_cases();
	fs_cases();
	misc_cases();
	poll_cases();
	socket_cases();
	printf("checked %d calls\n", checked);
	CHECK(failures == 0, "%d calls did not give the expected errno", failures);
	guest_pass("efault");
	return 0;
}
