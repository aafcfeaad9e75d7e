/* sysfuzz.h: sysfuzz.c's machinery around the calls: the raw system call, the PRNG, the
 * tables of argument values and paths, its state and report, its signal handlers, the
 * record of its own mappings and the sweep of the calls' leftovers; and its native half
 * (used only with its "native" argument): the isolation that lets random system calls run on
 * the host safely, as root. New network, IPC, UTS, mount and PID namespaces; a fork so that the
 * fuzzer is pid 1 of its own PID namespace (no other process to signal or trace), its parent
 * waiting and passing on its status; then, once the fuzzer has read its maps, chroot into the
 * working directory and uid/gid 65534 with no capabilities, no_new_privs and hard limits on address
 * space, file size and descriptors. Without root it takes a user namespace first and stays its root
 * there. Included once, by sysfuzz.c. */
#ifndef ISLE_SYSFUZZ_H
#define ISLE_SYSFUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Raw system call: no errno, no vDSO, nothing that depends on TLS. */
static long raw(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static __thread uint64_t rng; /* each thread its own stream */

/* xorshift64*: small, fast, and the same sequence for a seed on every machine. */
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static uint64_t below(uint64_t n)
{
	return next() % n;
}

/* Paths the calls get, NUL-separated: the image's /fz tree (staged the same natively),
 * names that do not exist, dots, the empty string, procfs and device files. */
static const char paths[] = "/\0/fz\0/fz/a\0/fz/b\0/fz/dir\0/fz/dir/c\0/fz/new\0/fz/dir/new\0"
			    "/fz/link\0/tmp\0/tmp/x\0/nonexistent\0.\0..\0\0/dev/null\0"
			    "/proc/self/maps\0/proc/self/status\0/sysfuzz\0/fz/a/notdir\0"
			    "/fz//a/../b\0/fz/dir/../../fz/a\0";
#define NPATHS 22

static void put_string(uint8_t *at, size_t room)
{
	unsigned k = below(NPATHS + 2);

	if (k < NPATHS) {
		const char *p = paths;
		while (k--)
			p += strlen(p) + 1;
		size_t n = strlen(p);
		if (n + 1 <= room)
			memcpy(at, p, n + 1);
	} else {
		/* A long name (over NAME_MAX) or a path over PATH_MAX, possibly unterminated. */
		size_t n = k == NPATHS ? 300 : 5000;
		if (n > room)
			n = room;
		memset(at, 'a', n);
		if (n < room && below(2))
			at[n] = 0;
	}
}

/* Integers: small, boundary, sign and width edges. */
static const uint64_t small[] = {
	0,
	1,
	2,
	3,
	4,
	7,
	8,
	16,
	64,
	255,
	256,
	4095,
	4096,
	4097,
	65535,
	65536,
	1 << 20,
	INT_MAX,
	0x80000000,
	0xffffffff,
	1ULL << 32,
	LONG_MAX,
	-1ULL,
	-2ULL,
	-4095ULL,
	-4096ULL,
	(uint64_t)LONG_MIN,
	1ULL << 47,
	(1ULL << 47) - 1,
};

/* Pointers nothing valid is at: NULL, low, unmapped, isle's user limit (0x7f0000000000)
 * and kernel above it, non-canonical, Linux's kernel half and vsyscall page. */
static const uint64_t bad_ptrs[] = {
	0,
	1,
	0x1000,
	0xdead0000,
	0x10000,
	0x7e0000000000,
	0x7f0000000000 - 8,
	0x7f0000000000,
	0x7f8000000000,
	0x7ffffffff000,
	0x7ffffffffff8,
	0x800000000000,
	0xffff800000000000,
	0xffffffff81000000,
	0xffffffffff600000,
	0xfffffffffffff000,
};

static int native; /* the "native" argument: on the host, in the sandbox below */

/* The descriptors the calls get: a file and a directory of /fz, /dev/null (natively opened
 * before the chroot and added by the caller), a pipe, a socket pair, UDP and TCP sockets,
 * an eventfd, an epoll fd. */
static int pool[16];
static int npool;

#define REPORT_FD 900
#define MAPS_FD 901
#define SCRATCH_SIZE (64 * 1024)
#define ARENA_SIZE (1024 * 1024)
#define PAGE 4096UL
#define NR_LIMIT 463 /* 0..462: every x86-64 number up to mseal */
#define ALARM_USEC 50000
#define POPULATE_MAX (16UL << 20)
#define NSMALL (sizeof(small) / sizeof(small[0]))
#define NBAD (sizeof(bad_ptrs) / sizeof(bad_ptrs[0]))
#define SLOW_NS 2000000000L
#define MAX_RANGES 128

static int verbose;
static uint8_t *scratch, *arena;
static uintptr_t brk_start;
static struct {
	uintptr_t lo, hi;
} ranges[MAX_RANGES];
static int nranges;
static unsigned long calls, errors, enosys, signals; /* all threads', atomically */
#define COUNT(x) __atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)
static __thread unsigned long my_calls, faults_in_row;
static __thread volatile sig_atomic_t jump_ok;
static __thread sigjmp_buf loop_env;
/* With threads=N: N threads make calls; a watchdog sends SIGALRM to one whose call has
 * lasted over 100 ms (ITIMER_REAL's signal goes to any one thread). */
#define MAX_THREADS 4
static int nthreads = 1;
static volatile int go, tids[MAX_THREADS];
static volatile long call_start[MAX_THREADS]; /* ms of monotonic time, 0: not in a call */
static unsigned long seed;

/* The report: unaffected by whatever the calls did to the descriptor's flags. */
static void report(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	raw(SYS_fcntl, REPORT_FD, F_SETFL, 0, 0, 0, 0);
	for (int off = 0, tries = 0; off < n && tries < 100; tries++) {
		long w = raw(SYS_write, REPORT_FD, (long)(buf + off), n - off, 0, 0, 0);
		if (w > 0)
			off += w;
	}
}

static void progress(void)
{
	report("sysfuzz: seed %lu calls %lu errors %lu enosys %lu signals %lu\n", seed, calls,
	       errors, enosys, signals);
}

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	COUNT(signals);
	/* A fault the kernel raised for an instruction (not one sent with kill): resuming
	 * would fault again, so go back to the loop. */
	bool sync = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
		    sig == SIGTRAP || sig == SIGSYS;
	if (sync && si->si_code > 0 && jump_ok) {
		siglongjmp(loop_env, 1);
	}
}

void sysfuzz_restorer(void);
__asm__(".text\n.globl sysfuzz_restorer\nsysfuzz_restorer:\n\tmov $15, %eax\n\tsyscall\n");

struct kaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

#define KSA_FLAGS (SA_SIGINFO | 0x04000000 /* SA_RESTORER */)

static void install_handlers(void)
{
	struct kaction ka = {(void *)handler, KSA_FLAGS, sysfuzz_restorer, 0};

	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			raw(SYS_rt_sigaction, sig, (long)&ka, 0, 8, 0, 0);
}

static bool is_protected(uintptr_t lo, uintptr_t len)
{
	uintptr_t hi = len > UINTPTR_MAX - lo ? UINTPTR_MAX : lo + len;

	lo &= ~(PAGE - 1);
	if (hi == lo)
		hi = lo + 1;
	for (int i = 0; i < nranges; i++)
		if (lo < ranges[i].hi && hi > ranges[i].lo)
			return true;
	return false;
}

static void add_range(uintptr_t lo, uintptr_t hi)
{
	if (nranges < MAX_RANGES) {
		ranges[nranges].lo = lo;
		ranges[nranges].hi = hi;
		nranges++;
	}
}

/* Call fn for every mapping in /proc/self/maps (read through MAPS_FD, opened before a
 * native chroot): at start to learn the harness's own, later to sweep the calls' away. */
static void for_each_map(void (*fn)(uintptr_t lo, uintptr_t hi))
{
	static char buf[65536];
	size_t len = 0;
	long n;

	while (len < sizeof(buf) - 1 && (n = raw(SYS_pread64, MAPS_FD, (long)(buf + len),
						 sizeof(buf) - 1 - len, len, 0, 0)) > 0)
		len += n;
	buf[len] = 0;
	for (char *line = buf; *line;) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 &&
		    !(lo >= (uintptr_t)arena && hi <= (uintptr_t)arena + ARENA_SIZE))
			fn(lo, hi);
		char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
}

/* The calls' mappings, descriptors and the files they may grow in RAM (/tmp is a tmpfs)
 * go, so that memory they took cannot accumulate: what stays in use is the kernel's. */
static void sweep_map(uintptr_t lo, uintptr_t hi)
{
	if (!is_protected(lo, hi - lo))
		raw(SYS_munmap, lo, hi - lo, 0, 0, 0, 0);
}

/* The tables' addresses (0x80000000, powers of two, the unmapped ones) must stay unmapped: a
 * mapping made over one (a hint, MAP_FIXED, a grown brk) loses that page at once, or a
 * later call given it with a huge length fills the guest's memory (an OOM kill, as Linux
 * would do, of the harness rather than a finding). */
static void keep_invalid(void)
{
	unsigned char vec;

	for (size_t i = 0; i < NSMALL + NBAD + 64; i++) {
		uint64_t v = i < NSMALL		 ? small[i]
			     : i < NSMALL + NBAD ? bad_ptrs[i - NSMALL]
						 : 1ULL << (i - NSMALL - NBAD);
		uint64_t page = v & ~(PAGE - 1);
		if (page < 0x10000 || page >= 0x800000000000 || is_protected(page, PAGE))
			continue;
		if (raw(SYS_mincore, page, PAGE, (long)&vec, 0, 0, 0) == 0)
			raw(SYS_munmap, page, PAGE, 0, 0, 0, 0);
	}
}

static void sweep(void)
{
	static const char *const made[] = {"/tmp/x", "/fz/new", "/fz/dir/new", "/fz/link"};
	char buf[4096];
	int fd;

	for_each_map(sweep_map);
	for (int fd = 3; fd < REPORT_FD; fd++) {
		bool keep = false;
		for (int i = 0; i < npool; i++)
			keep = keep || pool[i] == fd;
		if (!keep)
			raw(SYS_close, fd, 0, 0, 0, 0, 0);
	}
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		raw(SYS_unlink, (long)made[i], 0, 0, 0, 0, 0);
		raw(SYS_rmdir, (long)made[i], 0, 0, 0, 0, 0);
	}
	fd = (int)raw(SYS_open, (long)"/proc/meminfo", O_RDONLY, 0, 0, 0, 0);
	if (fd >= 0) {
		long n = raw(SYS_read, fd, (long)buf, sizeof(buf) - 1, 0, 0, 0);
		raw(SYS_close, fd, 0, 0, 0, 0, 0);
		buf[n > 0 ? n : 0] = 0;
		char *free = strstr(buf, "MemFree:");
		if (free)
			report("sysfuzz: calls %lu memfree %ld kB\n", calls, atol(free + 8));
	}
}

static void open_pool(void)
{
	int fds[2];

	npool = 0;
	pool[npool++] = open("/fz/a", O_RDWR);
	pool[npool++] = open("/fz/dir", O_RDONLY | O_DIRECTORY);
	if (!native)
		pool[npool++] = open("/dev/null", O_RDWR);
	if (pipe(fds) == 0) {
		pool[npool++] = fds[0];
		pool[npool++] = fds[1];
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0) {
		pool[npool++] = fds[0];
		pool[npool++] = fds[1];
	}
	pool[npool++] = socket(AF_INET, SOCK_DGRAM, 0);
	pool[npool++] = socket(AF_INET, SOCK_STREAM, 0);
	pool[npool++] = eventfd(0, 0);
	pool[npool++] = epoll_create1(0);
	int n = 0;
	for (int i = 0; i < npool; i++)
		if (pool[i] >= 0)
			pool[n++] = pool[i];
	npool = n;
}

static void die(const char *what)
{
	fprintf(stderr, "sysfuzz: native sandbox: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

/* Natively: namespaces, pid 1 of its own PID namespace, chroot, no privileges. Returns
 * in the child; the parent waits and exits with the child's status. */
static void sandbox_enter(void)
{
	bool root = geteuid() == 0;

	if (!root) {
		uid_t uid = getuid();
		gid_t gid = getgid();
		char map[64];
		if (unshare(CLONE_NEWUSER) != 0)
			die("unshare(CLONE_NEWUSER)");
		write_file("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %u 1", uid);
		write_file("/proc/self/uid_map", map);
		snprintf(map, sizeof(map), "0 %u 1", gid);
		write_file("/proc/self/gid_map", map);
	}
	if (unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWPID) != 0)
		die("unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		die("mount --make-rprivate /");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid > 0) {
		int st;
		/* The child may make itself traced (PTRACE_TRACEME): its signal stops are
		 * reported here and continued with the signal. */
		for (;;) {
			if (waitpid(pid, &st, 0) < 0) {
				if (errno == EINTR)
					continue;
				die("waitpid");
			}
			if (!WIFSTOPPED(st))
				break;
			if (ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(st)) != 0)
				kill(pid, SIGCONT);
		}
		exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* Natively, once the maps are read: chroot and no privileges. */
static void sandbox_drop(void)
{
	bool root = geteuid() == 0;

	if (chroot(".") != 0 || chdir("/") != 0)
		die("chroot");
	if (root && (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
		     setresuid(65534, 65534, 65534) != 0))
		die("setuid(65534)");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die("no_new_privs");
	struct rlimit as = {1UL << 30, 1UL << 30}, fsz = {8 << 20, 8 << 20}, nof = {256, 256};
	if (setrlimit(RLIMIT_AS, &as) || setrlimit(RLIMIT_FSIZE, &fsz) ||
	    setrlimit(RLIMIT_NOFILE, &nof))
		die("setrlimit");
}

#endif
