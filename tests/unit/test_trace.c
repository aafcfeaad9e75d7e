/* test_trace.c: unit tests of the syscall trace (kernel/syscall/trace*.c). The expected
 * lines are what `strace -a0` 6.1 printed on the host for the same calls and memory. The
 * program's memory is a fake: a byte array at FAKE_BASE, read through fake_read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "syscall/nr.h"
#include "syscall/trace.h"

#define FAKE_BASE 0x4a0000UL

static unsigned char fake_mem[65536];
static size_t fake_used;

static int fake_read(void *dst, const void *usrc, size_t n)
{
	uintptr_t a = (uintptr_t)usrc;

	if (a < FAKE_BASE || a - FAKE_BASE > fake_used || n > fake_used - (a - FAKE_BASE))
		return -14;
	memcpy(dst, fake_mem + (a - FAKE_BASE), n);
	return 0;
}

/* Places n bytes in fake memory; returns their program address. */
static uint64_t put(const void *data, size_t n)
{
	uint64_t a = FAKE_BASE + fake_used;

	assert_true(fake_used + n <= sizeof(fake_mem));
	memcpy(fake_mem + fake_used, data, n);
	fake_used += (n + 7) & ~7UL;
	return a;
}

static uint64_t put_str(const char *s)
{
	return put(s, strlen(s) + 1);
}

static int reset(void **state)
{
	(void)state;
	fake_used = 0;
	memset(fake_mem, 0, sizeof(fake_mem));
	return 0;
}

static struct trace_line line;

static const char *trace6(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			  uint64_t a5, long ret)
{
	uint64_t args[6] = {a0, a1, a2, a3, a4, a5};

	if (!trace_enter(&line, nr, args, fake_read))
		trace_exit(&line, ret);
	assert_true(strlen(line.buf) < TRACE_LINE_MAX);
	return line.buf;
}

#define T(nr, a0, a1, a2, a3, ret) trace6(nr, a0, a1, a2, a3, 0, 0, ret)

static void test_write_strings(void **state)
{
	uint64_t hello = put_str("hello\n");
	uint64_t esc = put("a\0b\001\0012\377\033[0m\t\r\v\f\"\\x\0\0", 20);
	uint64_t digits = put_str("0123456789012345678901234567890123456789");
	uint64_t z = put("\0"
			 "1234567890123456789012345678901234",
			 35);

	assert_string_equal(T(SYS_write, 1, hello, 6, 0, 6), "write(1, \"hello\\n\", 6) = 6");
	assert_string_equal(
		T(SYS_write, 1, esc, 20, 0, 20),
		"write(1, \"a\\0b\\1\\0012\\377\\33[0m\\t\\r\\v\\f\\\"\\\\x\\0\\0\", 20) = 20");
	assert_string_equal(T(SYS_write, 1, digits, 40, 0, 40),
			    "write(1, \"01234567890123456789012345678901\"..., 40) = 40");
	assert_string_equal(T(SYS_write, 1, digits, 32, 0, 32),
			    "write(1, \"01234567890123456789012345678901\", 32) = 32");
	assert_string_equal(T(SYS_write, 1, digits, 33, 0, 33),
			    "write(1, \"01234567890123456789012345678901\"..., 33) = 33");
	assert_string_equal(T(SYS_write, 1, z, 35, 0, 35),
			    "write(1, \"\\0001234567890123456789012345678901\"..., 35) = 35");
	assert_string_equal(T(SYS_write, 1, 0x10, 5, 0, 5), "write(1, 0x10, 5) = 5");
	assert_string_equal(T(SYS_write, 1, 0, 5, 0, 5), "write(1, NULL, 5) = 5");
	assert_string_equal(T(SYS_write, 99, hello, 1, 0, -9),
			    "write(99, \"h\", 1) = -1 EBADF (Bad file descriptor)");
	assert_string_equal(T(SYS_write, -1, hello, 0, 0, -9),
			    "write(-1, \"\", 0) = -1 EBADF (Bad file descriptor)");
}

static void test_write_high_bytes(void **state)
{
	uint64_t b = put("\200\377\177 ~", 5);

	assert_string_equal(T(SYS_write, 1, b, 5, 0, 5), "write(1, \"\\200\\377\\177 ~\", 5) = 5");
}

static void test_read_output(void **state)
{
	uint64_t buf = put("abc\0\0\0\0\0\0\0", 10);

	assert_string_equal(T(SYS_read, 0, buf, 10, 0, 3), "read(0, \"abc\", 10) = 3");
	assert_string_equal(T(SYS_read, 0, buf, 10, 0, 0), "read(0, \"\", 10) = 0");
	assert_string_equal(T(SYS_read, 99, 0x7ffd868c7bd0, 10, 0, -9),
			    "read(99, 0x7ffd868c7bd0, 10) = -1 EBADF (Bad file descriptor)");
}

static void test_openat(void **state)
{
	uint64_t p = put_str("/nonexistent");
	uint64_t longp = put_str("/0123456789012345678901234567890123456789");
	uint64_t x = put_str("/x");

	assert_string_equal(T(SYS_openat, (uint64_t)-100, p, 0, 0, -2),
			    "openat(AT_FDCWD, \"/nonexistent\", O_RDONLY) = -1 ENOENT (No such "
			    "file or directory)");
	assert_string_equal(
		T(SYS_openat, (uint64_t)-100, p, 02000000, 0, -2),
		"openat(AT_FDCWD, \"/nonexistent\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No "
		"such file or directory)");
	assert_string_equal(T(SYS_openat, (uint64_t)-100, longp, 01101, 0644, 3),
			    "openat(AT_FDCWD, \"/0123456789012345678901234567890123456789\", "
			    "O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3");
	assert_string_equal(
		T(SYS_openat, (uint64_t)-100, x, 03677702, 0755, -22),
		"openat(AT_FDCWD, \"/x\", O_RDWR|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|"
		"O_NONBLOCK|O_DSYNC|O_DIRECT|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_DIRECTORY|"
		"FASYNC, 0755) = -1 EINVAL (Invalid argument)");
	assert_string_equal(
		T(SYS_openat, 5, x, 04010001, 0, -2),
		"openat(5, \"/x\", O_WRONLY|O_SYNC) = -1 ENOENT (No such file or directory)");
	assert_string_equal(
		T(SYS_openat, (uint64_t)-100, x, 020200002, 0600, -2),
		"openat(AT_FDCWD, \"/x\", O_RDWR|O_TMPFILE, 0600) = -1 ENOENT (No such file "
		"or directory)");
	assert_string_equal(
		T(SYS_openat, (uint64_t)-100, x, 0x40000003, 0, -2),
		"openat(AT_FDCWD, \"/x\", O_ACCMODE|0x40000000) = -1 ENOENT (No such file or "
		"directory)");
	assert_string_equal(T(SYS_openat, (uint64_t)-100, 0, 0, 0, -14),
			    "openat(AT_FDCWD, NULL, O_RDONLY) = -1 EFAULT (Bad address)");
	assert_string_equal(T(SYS_openat, (uint64_t)-100, 0x10, 0, 0, -14),
			    "openat(AT_FDCWD, 0x10, O_RDONLY) = -1 EFAULT (Bad address)");
}

static void test_mmap_family(void **state)
{
	assert_string_equal(
		trace6(SYS_mmap, 0, 8192, 3, 0x22, (uint64_t)-1, 0, 0x7f3ae590a000),
		"mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = "
		"0x7f3ae590a000");
	assert_string_equal(
		trace6(SYS_mmap, 0x10000000, 4096, 1, 0x24031, (uint64_t)-1, 0, 0x10000000),
		"mmap(0x10000000, 4096, PROT_READ, "
		"MAP_SHARED|MAP_FIXED|MAP_ANONYMOUS|MAP_NORESERVE|"
		"MAP_STACK, -1, 0) = 0x10000000");
	assert_string_equal(
		trace6(SYS_mmap, 0, 4096, 1, 0x8000022, (uint64_t)-1, 4096, 0x1000),
		"mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|2<<MAP_HUGE_SHIFT, "
		"-1, 0x1000) = 0x1000");
	assert_string_equal(trace6(SYS_mmap, 0, 4096, 0x1000107, 0x41db942, 3, 0, -22),
			    "mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_GROWSDOWN|0x100, "
			    "MAP_PRIVATE|MAP_32BIT|MAP_POPULATE|MAP_NONBLOCK|MAP_GROWSDOWN|"
			    "MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|MAP_HUGETLB|MAP_SYNC|"
			    "MAP_FIXED_NOREPLACE|1<<MAP_HUGE_SHIFT, 3, 0) = -1 EINVAL (Invalid "
			    "argument)");
	assert_string_equal(trace6(SYS_mmap, 0, 4096, 0, 0, (uint64_t)-1, 0, -9),
			    "mmap(NULL, 4096, PROT_NONE, MAP_FILE, -1, 0) = -1 EBADF (Bad file "
			    "descriptor)");
	assert_string_equal(
		trace6(SYS_mmap, 0, 4096, 0, 0xf, (uint64_t)-1, 0, -9),
		"mmap(NULL, 4096, PROT_NONE, 0xf /* MAP_??? */, -1, 0) = -1 EBADF (Bad file "
		"descriptor)");
	assert_string_equal(T(SYS_munmap, 0x7f3ae590a000, 16384, 0, 0, 0),
			    "munmap(0x7f3ae590a000, 16384) = 0");
	assert_string_equal(T(SYS_mprotect, 0x4a2000, 16384, 1, 0, 0),
			    "mprotect(0x4a2000, 16384, PROT_READ) = 0");
	assert_string_equal(T(SYS_mprotect, 0x7f3ae590a000, 4096, 0, 0, 0),
			    "mprotect(0x7f3ae590a000, 4096, PROT_NONE) = 0");
	assert_string_equal(T(SYS_brk, 0, 0, 0, 0, 0x6ae000), "brk(NULL) = 0x6ae000");
	assert_string_equal(T(SYS_brk, 0x6aed00, 0, 0, 0, 0x6aed00), "brk(0x6aed00) = 0x6aed00");
	assert_string_equal(
		trace6(SYS_mremap, 0x1000, 4096, 8192, 3, 0x200000, 0, -14),
		"mremap(0x1000, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x200000) = -1 "
		"EFAULT (Bad address)");
	assert_string_equal(trace6(SYS_mremap, 0x1000, 4096, 8192, 0, 0, 0, -14),
			    "mremap(0x1000, 4096, 8192, 0) = -1 EFAULT (Bad address)");
	assert_string_equal(trace6(SYS_mremap, 0x1000, 4096, 8192, 12, 0, 0, -22),
			    "mremap(0x1000, 4096, 8192, MREMAP_DONTUNMAP|0x8) = -1 EINVAL (Invalid "
			    "argument)");
	assert_string_equal(T(SYS_madvise, 0, 0, 4, 0, 0), "madvise(NULL, 0, MADV_DONTNEED) = 0");
	assert_string_equal(T(SYS_madvise, 0, 0, 5, 0, -22),
			    "madvise(NULL, 0, 0x5 /* MADV_??? */) = -1 EINVAL (Invalid argument)");
}

static void test_exit_group_does_not_return(void **state)
{
	uint64_t args[6] = {0};

	assert_true(trace_enter(&line, SYS_exit_group, args, fake_read));
	assert_string_equal(line.buf, "exit_group(0) = ?");
	args[0] = 300;
	assert_true(trace_enter(&line, SYS_exit, args, fake_read));
	assert_string_equal(line.buf, "exit(300) = ?");
	assert_false(trace_enter(&line, SYS_getpid, args, fake_read));
}

static void test_startup_calls(void **state)
{
	uint64_t fs = 0x6ae380, fsp = put(&fs, 8);
	uint64_t rl[2] = {8 << 20, UINT64_MAX}, rlp = put(rl, sizeof(rl));
	uint64_t exe = put("/tmp/st/t", 9);
	uint64_t rnd = put("\xb4\xdf\x00\xe1\xb7\xc5\x5b\xd1", 8);

	assert_string_equal(T(SYS_arch_prctl, 0x1002, 0x6ae380, 0, 0, 0),
			    "arch_prctl(ARCH_SET_FS, 0x6ae380) = 0");
	assert_string_equal(T(SYS_arch_prctl, 0x1003, fsp, 0, 0, 0),
			    "arch_prctl(ARCH_GET_FS, [0x6ae380]) = 0");
	assert_string_equal(T(SYS_arch_prctl, 0x1011, 0, 0, 0, 1),
			    "arch_prctl(ARCH_GET_CPUID) = 1");
	assert_string_equal(T(SYS_arch_prctl, 0x1012, 1, 0, 0, -19),
			    "arch_prctl(ARCH_SET_CPUID, 0x1) = -1 ENODEV (No such device)");
	assert_string_equal(T(SYS_arch_prctl, 0x9999, 0, 0, 0, -22),
			    "arch_prctl(0x9999 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)");
	assert_string_equal(T(SYS_arch_prctl, 0x1004, 0, 0, 0, -14),
			    "arch_prctl(ARCH_GET_GS, NULL) = -1 EFAULT (Bad address)");
	assert_string_equal(T(SYS_set_tid_address, 0x6ae650, 0, 0, 0, 1),
			    "set_tid_address(0x6ae650) = 1");
	assert_string_equal(T(SYS_set_robust_list, 0x6ae660, 24, 0, 0, 0),
			    "set_robust_list(0x6ae660, 24) = 0");
	assert_string_equal(
		T(SYS_rseq, 0x6aeca0, 0x20, 0, 0x53053053, -38),
		"rseq(0x6aeca0, 0x20, 0, 0x53053053) = -1 ENOSYS (Function not implemented)");
	assert_string_equal(T(SYS_prlimit64, 0, 3, 0, rlp, 0),
			    "prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, "
			    "rlim_max=RLIM64_INFINITY}) = 0");
	assert_string_equal(
		T(SYS_prlimit64, 99999, 7, 0, 0, -3),
		"prlimit64(99999, RLIMIT_NOFILE, NULL, NULL) = -1 ESRCH (No such process)");
	assert_string_equal(T(SYS_prlimit64, 5, 99, 0, 0, -22),
			    "prlimit64(5, 0x63 /* RLIMIT_??? */, NULL, NULL) = -1 EINVAL (Invalid "
			    "argument)");
	assert_string_equal(T(SYS_readlink, put_str("/proc/self/exe"), exe, 4096, 0, 9),
			    "readlink(\"/proc/self/exe\", \"/tmp/st/t\", 4096) = 9");
	assert_string_equal(T(SYS_readlink, put_str("/proc/self/exe"), exe, 3, 0, 3),
			    "readlink(\"/proc/self/exe\", \"/tm\", 3) = 3");
	assert_string_equal(
		T(SYS_getrandom, rnd, 8, 1, 0, 8),
		"getrandom(\"\\xb4\\xdf\\x00\\xe1\\xb7\\xc5\\x5b\\xd1\", 8, GRND_NONBLOCK) = 8");
	assert_string_equal(
		T(SYS_getrandom, 0, 0, 0x10, 0, -22),
		"getrandom(NULL, 0, 0x10 /* GRND_??? */) = -1 EINVAL (Invalid argument)");
	assert_string_equal(
		T(SYS_getrandom, 0, 0, 7, 0, -22),
		"getrandom(NULL, 0, GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE) = -1 EINVAL "
		"(Invalid argument)");
	assert_string_equal(T(SYS_getpid, 0, 0, 0, 0, 1), "getpid() = 1");
}

static void test_rlimits(void **state)
{
	uint64_t a[2] = {1024, 1025}, b[2] = {2048, 0}, c[2] = {20000, 20000};
	uint64_t pa = put(a, 16), pb = put(b, 16), pc = put(c, 16);

	assert_string_equal(T(SYS_prlimit64, 0, 4, pa, 0, 0),
			    "prlimit64(0, RLIMIT_CORE, {rlim_cur=1024, rlim_max=1025}, NULL) = 0");
	assert_string_equal(T(SYS_prlimit64, 0, 2, pb, 0, -22),
			    "prlimit64(0, RLIMIT_DATA, {rlim_cur=2*1024, rlim_max=0}, NULL) = -1 "
			    "EINVAL (Invalid argument)");
	assert_string_equal(
		T(SYS_prlimit64, 0, 7, 0, pc, 0),
		"prlimit64(0, RLIMIT_NOFILE, NULL, {rlim_cur=20000, rlim_max=20000}) = 0");
	assert_string_equal(T(SYS_getrlimit, 3, 8, 0, 0, -14),
			    "getrlimit(RLIMIT_STACK, 0x8) = -1 EFAULT (Bad address)");
}

static void test_signals(void **state)
{
	uint64_t sa[4] = {0x401615, 0x14000000, 0x409150, 1UL << 14};
	uint64_t old[4] = {0, 0, 0, 0};
	uint64_t all[4] = {0x401000, 0xdc000c07, 0x402000, 1};
	uint64_t odd[4] = {1, 0x200, 0, 1};
	uint64_t full = ~0ULL & ~(3ULL << 31), empty = 0, chld = (1UL << 16) | (1UL << 39);
	uint64_t psa = put(sa, 32), pold = put(old, 32), pall = put(all, 32), podd = put(odd, 32);
	uint64_t pfull = put(&full, 8), pempty = put(&empty, 8), pchld = put(&chld, 8);

	assert_string_equal(T(SYS_rt_sigaction, 2, psa, 0, 8, 0),
			    "rt_sigaction(SIGINT, {sa_handler=0x401615, sa_mask=[TERM], "
			    "sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x409150}, NULL, 8) = 0");
	assert_string_equal(T(SYS_rt_sigaction, 13, psa, pold, 8, 0),
			    "rt_sigaction(SIGPIPE, {sa_handler=0x401615, sa_mask=[TERM], "
			    "sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x409150}, "
			    "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0");
	assert_string_equal(
		T(SYS_rt_sigaction, 10, pall, 0, 8, 0),
		"rt_sigaction(SIGUSR1, {sa_handler=0x401000, sa_mask=[HUP], "
		"sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_NODEFER|SA_RESETHAND|"
		"SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0xc00, sa_restorer=0x402000}, NULL, "
		"8) = 0");
	assert_string_equal(
		T(SYS_rt_sigaction, 40, podd, 0, 8, 0),
		"rt_sigaction(SIGRT_8, {sa_handler=SIG_IGN, sa_mask=[HUP], sa_flags=0x200 "
		"/* SA_??? */}, NULL, 8) = 0");
	assert_string_equal(T(SYS_rt_sigaction, 65, 0, 0, 8, -22),
			    "rt_sigaction(65, NULL, NULL, 8) = -1 EINVAL (Invalid argument)");
	assert_string_equal(T(SYS_rt_sigaction, 17, 8, 16, 8, -14),
			    "rt_sigaction(SIGCHLD, 0x8, 0x10, 8) = -1 EFAULT (Bad address)");
	assert_string_equal(T(SYS_rt_sigprocmask, 0, pfull, pempty, 8, 0),
			    "rt_sigprocmask(SIG_BLOCK, ~[RTMIN RT_1], [], 8) = 0");
	assert_string_equal(T(SYS_rt_sigprocmask, 2, pchld, 0, 8, 0),
			    "rt_sigprocmask(SIG_SETMASK, [CHLD RT_8], NULL, 8) = 0");
	assert_string_equal(T(SYS_rt_sigprocmask, 1, 0, pchld, 8, 0),
			    "rt_sigprocmask(SIG_UNBLOCK, NULL, [CHLD RT_8], 8) = 0");
	assert_string_equal(T(SYS_rt_sigprocmask, 7, pchld, 0, 8, -22),
			    "rt_sigprocmask(0x7 /* SIG_??? */, [CHLD RT_8], NULL, 8) = -1 EINVAL "
			    "(Invalid argument)");
	assert_string_equal(
		T(SYS_rt_sigprocmask, 0, 0x7ffd0448a590, 0, 4, -22),
		"rt_sigprocmask(SIG_BLOCK, 0x7ffd0448a590, NULL, 4) = -1 EINVAL (Invalid "
		"argument)");
}

static void test_sigmask_threshold(void **state)
{
	uint64_t m41 = (1ULL << 41) - 1, m42 = (1ULL << 42) - 1, allbut1 = ~1ULL;
	uint64_t p41 = put(&m41, 8), p42 = put(&m42, 8), pab = put(&allbut1, 8);

	assert_string_equal(
		T(SYS_rt_sigprocmask, 2, p41, 0, 8, 0),
		"rt_sigprocmask(SIG_SETMASK, [HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 "
		"SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU "
		"XFSZ VTALRM PROF WINCH IO PWR SYS RTMIN RT_1 RT_2 RT_3 RT_4 RT_5 RT_6 RT_7 "
		"RT_8 RT_9], NULL, 8) = 0");
	assert_string_equal(
		T(SYS_rt_sigprocmask, 2, p42, 0, 8, 0),
		"rt_sigprocmask(SIG_SETMASK, ~[RT_11 RT_12 RT_13 RT_14 RT_15 RT_16 RT_17 "
		"RT_18 RT_19 RT_20 RT_21 RT_22 RT_23 RT_24 RT_25 RT_26 RT_27 RT_28 RT_29 "
		"RT_30 RT_31 RT_32], NULL, 8) = 0");
	assert_string_equal(T(SYS_rt_sigprocmask, 2, pab, 0, 8, 0),
			    "rt_sigprocmask(SIG_SETMASK, ~[HUP], NULL, 8) = 0");
}

static void test_time_calls(void **state)
{
	int64_t ts[2] = {1234, 5678}, bad[2] = {0, 2000000000}, tv[2] = {1795389068, 328048};
	int64_t abs[2] = {631, 0}, t = 1795389068;
	uint64_t pts = put(ts, 16), pbad = put(bad, 16), ptv = put(tv, 16), pabs = put(abs, 16);
	uint64_t pt = put(&t, 8);

	assert_string_equal(T(SYS_clock_gettime, 1, pts, 0, 0, 0),
			    "clock_gettime(CLOCK_MONOTONIC, {tv_sec=1234, tv_nsec=5678}) = 0");
	assert_string_equal(
		T(SYS_clock_gettime, 99, 0x7ffd868c7930, 0, 0, -22),
		"clock_gettime(0x63 /* CLOCK_??? */, 0x7ffd868c7930) = -1 EINVAL (Invalid "
		"argument)");
	assert_string_equal(
		T(SYS_clock_gettime, (uint64_t)-2, 0, 0, 0, -14),
		"clock_gettime(0xfffffffe /* CLOCK_??? */, NULL) = -1 EFAULT (Bad address)");
	assert_string_equal(T(SYS_clock_getres, 6, 0, 0, 0, 0),
			    "clock_getres(CLOCK_MONOTONIC_COARSE, NULL) = 0");
	assert_string_equal(T(SYS_gettimeofday, ptv, 0, 0, 0, 0),
			    "gettimeofday({tv_sec=1795389068, tv_usec=328048}, NULL) = 0");
	assert_string_equal(T(SYS_time, 0, 0, 0, 0, 1795389068),
			    "time(NULL) = 1795389068 (2026-11-22T23:11:08+0000)");
	assert_string_equal(T(SYS_time, pt, 0, 0, 0, 1795389068),
			    "time([1795389068 /* 2026-11-22T23:11:08+0000 */]) = 1795389068 "
			    "(2026-11-22T23:11:08+0000)");
	assert_string_equal(T(SYS_nanosleep, pbad, 0, 0, 0, -22),
			    "nanosleep({tv_sec=0, tv_nsec=2000000000}, NULL) = -1 EINVAL (Invalid "
			    "argument)");
	assert_string_equal(
		T(SYS_clock_nanosleep, 1, 1, pabs, 0, 0),
		"clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, {tv_sec=631, tv_nsec=0}, "
		"NULL) = 0");
	assert_string_equal(T(SYS_clock_nanosleep, 0, 0, pts, 0x7ffd868c7930, 0),
			    "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=1234, tv_nsec=5678}, "
			    "0x7ffd868c7930) = 0");
	assert_string_equal(
		T(SYS_clock_nanosleep, 0, 3, 8, 0, -14),
		"clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME|0x2, 0x8, NULL) = -1 EFAULT "
		"(Bad address)");
	assert_string_equal(T(SYS_clock_nanosleep, 1, 0, pts, pts, -4),
			    "clock_nanosleep(CLOCK_MONOTONIC, 0, {tv_sec=1234, tv_nsec=5678}, "
			    "{tv_sec=1234, tv_nsec=5678}) = -1 EINTR (Interrupted system call)");
}

static void test_dates(void **state)
{
	assert_string_equal(T(SYS_time, 0, 0, 0, 0, 0),
			    "time(NULL) = 0 (1970-01-01T00:00:00+0000)");
	assert_string_equal(T(SYS_time, 0, 0, 0, 0, 951782400),
			    "time(NULL) = 951782400 (2000-02-29T00:00:00+0000)");
	assert_string_equal(T(SYS_time, 0, 0, 0, 0, 4107542399),
			    "time(NULL) = 4107542399 (2100-02-28T23:59:59+0000)");
}

static void test_info_structs(void **state)
{
	char uts[6][65] = {"Linux", "isle", "6.1.0-isle", "#1 SMP isle", "x86_64", "(none)"};
	uint64_t si[14] = {633,	    12736, 9760, 3744, 25276502016, 24978882560, 9084928,
			   2658304, 0,	   0,	 95,   0,	    0,		 1};
	uint64_t mask[16] = {1};
	uint64_t puts_ = put(uts, sizeof(uts)), psi = put(si, sizeof(si));
	uint64_t pmask = put(mask, sizeof(mask));

	assert_string_equal(T(SYS_uname, puts_, 0, 0, 0, 0),
			    "uname({sysname=\"Linux\", nodename=\"isle\", ...}) = 0");
	assert_string_equal(
		T(SYS_sysinfo, psi, 0, 0, 0, 0),
		"sysinfo({uptime=633, loads=[12736, 9760, 3744], totalram=25276502016, "
		"freeram=24978882560, sharedram=9084928, bufferram=2658304, totalswap=0, "
		"freeswap=0, procs=95, totalhigh=0, freehigh=0, mem_unit=1}) = 0");
	assert_string_equal(T(SYS_sched_getaffinity, 0, 128, pmask, 0, 8),
			    "sched_getaffinity(0, 128, [0]) = 8");
	assert_string_equal(
		T(SYS_sched_getaffinity, 0, (uint64_t)-1, 0, 0, -22),
		"sched_getaffinity(0, 4294967295, NULL) = -1 EINVAL (Invalid argument)");
	assert_string_equal(T(SYS_getcwd, put_str("/tmp/st"), 256, 0, 0, 8),
			    "getcwd(\"/tmp/st\", 256) = 8");
	assert_string_equal(
		T(SYS_getcwd, 0x7ffd868c7bd0, 2, 0, 0, -34),
		"getcwd(0x7ffd868c7bd0, 2) = -1 ERANGE (Numerical result out of range)");
}

static void test_iovecs(void **state)
{
	static const char zeros[10];
	uint64_t ab = put("ab", 2), cd = put("cd\n", 3), rbuf = put(zeros, sizeof(zeros));
	uint64_t iov[4] = {ab, 2, cd, 3}, riov[2] = {rbuf, 10};
	uint64_t piov = put(iov, sizeof(iov)), priov = put(riov, sizeof(riov));

	assert_string_equal(
		T(SYS_writev, 1, piov, 2, 0, 5),
		"writev(1, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"cd\\n\", iov_len=3}], "
		"2) = 5");
	assert_string_equal(T(SYS_readv, 0, priov, 1, 0, 0),
			    "readv(0, [{iov_base=\"\", iov_len=10}], 1) = 0");
	assert_string_equal(T(SYS_writev, 1, 8, 1025, 0, -22),
			    "writev(1, 0x8, 1025) = -1 EINVAL (Invalid argument)");
	assert_string_equal(T(SYS_writev, 1, 0, 0, 0, 0), "writev(1, NULL, 0) = 0");
	assert_string_equal(T(SYS_readv, 0, 0, 5, 0, -14),
			    "readv(0, NULL, 5) = -1 EFAULT (Bad address)");
}

static void test_ioctls(void **state)
{
	uint32_t tio[9] = {02400, 05, 016262, 0105073};
	uint32_t ones[9] = {~0u, ~0u, ~0u, ~0u};
	uint16_t ws[4] = {0, 0, 0, 0};
	int32_t three = 3;
	uint64_t ptio = put(tio, 36), pones = put(ones, 36), pws = put(ws, 8), p3 = put(&three, 4);

	assert_string_equal(
		T(SYS_ioctl, 1, 0x5401, ptio, 0, 0),
		"ioctl(1, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|"
		"OPOST|ONLCR, c_cflag=B115200|CS8|CREAD|HUPCL|CLOCAL, c_lflag=ISIG|ICANON|"
		"ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}) = 0");
	assert_string_equal(
		T(SYS_ioctl, 0, 0x5402, pones, 0, -25),
		"ioctl(0, SNDCTL_TMR_START or TCSETS, {c_iflag=IGNBRK|BRKINT|IGNPAR|PARMRK|INPCK|"
		"ISTRIP|INLCR|IGNCR|ICRNL|IUCLC|IXON|IXANY|IXOFF|IMAXBEL|IUTF8|0xffff8000, "
		"c_oflag=NL1|CR3|XTABS|BS1|VT1|FF1|OPOST|OLCUC|ONLCR|OCRNL|ONOCR|ONLRET|OFILL|"
		"OFDEL|"
		"0xffff0000, "
		"c_cflag=B4000000|B4000000<<IBSHIFT|CS8|CSTOPB|CREAD|PARENB|PARODD|HUPCL|"
		"CLOCAL|CMSPAR|CRTSCTS|0x2ff0e000, "
		"c_lflag=ISIG|ICANON|XCASE|ECHO|ECHOE|ECHOK|ECHONL|"
		"NOFLSH|IEXTEN|ECHOCTL|ECHOPRT|ECHOKE|FLUSHO|PENDIN|TOSTOP|EXTPROC|0xfffe2000, "
		"...}) "
		"= -1 ENOTTY (Inappropriate ioctl for device)");
	assert_string_equal(T(SYS_ioctl, 1, 0x5401, 0x7ffd868c7950, 0, -25),
			    "ioctl(1, TCGETS, 0x7ffd868c7950) = -1 ENOTTY (Inappropriate ioctl for "
			    "device)");
	assert_string_equal(
		T(SYS_ioctl, 1, 0x5413, pws, 0, 0),
		"ioctl(1, TIOCGWINSZ, {ws_row=0, ws_col=0, ws_xpixel=0, ws_ypixel=0}) = 0");
	assert_string_equal(T(SYS_ioctl, 0, 0x541b, p3, 0, 0), "ioctl(0, FIONREAD, [3]) = 0");
	assert_string_equal(
		T(SYS_ioctl, 0, 0x1234, 0, 0, -25),
		"ioctl(0, _IOC(_IOC_NONE, 0x12, 0x34, 0), 0) = -1 ENOTTY (Inappropriate "
		"ioctl for device)");
	assert_string_equal(T(SYS_ioctl, 1, 0x5451, 0, 0, 0), "ioctl(1, FIOCLEX) = 0");
	assert_string_equal(
		T(SYS_ioctl, 1, 0x540b, 0, 0, -25),
		"ioctl(1, TCFLSH, TCIFLUSH) = -1 ENOTTY (Inappropriate ioctl for device)");
	assert_string_equal(
		T(SYS_ioctl, 1, 0x5410, 0, 0, -25),
		"ioctl(1, TIOCSPGRP, NULL) = -1 ENOTTY (Inappropriate ioctl for device)");
}

static void test_stat(void **state)
{
	uint64_t chr[7] = {0, 0, 1, 020666, 0, 0x103, 0};
	uint64_t reg[7] = {0, 0, 1, 0100644, 0, 0, 1221};
	uint64_t dir[7] = {0, 0, 1, 041777, 0, 0, 4096};
	uint64_t pchr = put(chr, sizeof(chr)), preg = put(reg, sizeof(reg));
	uint64_t pdir = put(dir, sizeof(dir));
	uint64_t empty = put_str(""), passwd = put_str("/etc/passwd"), tmp = put_str("/tmp");

	assert_string_equal(trace6(SYS_newfstatat, 1, empty, pchr, 0x1000, 0, 0, 0),
			    "newfstatat(1, \"\", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), "
			    "...}, AT_EMPTY_PATH) = 0");
	assert_string_equal(trace6(SYS_newfstatat, (uint64_t)-100, passwd, preg, 0, 0, 0, 0),
			    "newfstatat(AT_FDCWD, \"/etc/passwd\", {st_mode=S_IFREG|0644, "
			    "st_size=1221, ...}, 0) = 0");
	assert_string_equal(trace6(SYS_newfstatat, (uint64_t)-100, tmp, pdir, 0, 0, 0, 0),
			    "newfstatat(AT_FDCWD, \"/tmp\", {st_mode=S_IFDIR|S_ISVTX|0777, "
			    "st_size=4096, ...}, 0) = 0");
}

static void test_futex(void **state)
{
	int64_t ts[2] = {0, 1000};
	uint64_t pts = put(ts, 16);

	assert_string_equal(
		T(SYS_futex, 0x7ffd4e75721c, 128, 1, 0, -11),
		"futex(0x7ffd4e75721c, FUTEX_WAIT_PRIVATE, 1, NULL) = -1 EAGAIN (Resource "
		"temporarily unavailable)");
	assert_string_equal(T(SYS_futex, 0x7ffd4e75721c, 129, 1, 0, 0),
			    "futex(0x7ffd4e75721c, FUTEX_WAKE_PRIVATE, 1) = 0");
	assert_string_equal(
		trace6(SYS_futex, 0x7ffd4e75721c, 128 + 256 + 9, 1, 0, 0, 0xffffffff, -11),
		"futex(0x7ffd4e75721c, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 1, "
		"NULL, FUTEX_BITSET_MATCH_ANY) = -1 EAGAIN (Resource temporarily "
		"unavailable)");
	assert_string_equal(T(SYS_futex, 0x7ffd4e75721c, 0, 0, pts, -110),
			    "futex(0x7ffd4e75721c, FUTEX_WAIT, 0, {tv_sec=0, tv_nsec=1000}) = -1 "
			    "ETIMEDOUT (Connection timed out)");
}

static void test_unknown_and_errors(void **state)
{
	assert_string_equal(
		trace6(500, 1, 2, (uint64_t)-72, 0x7ffd868c7bd0, 0x7ffd868c7bd0, 0x7ffd868c7bd0,
		       -38),
		"syscall_0x1f4(0x1, 0x2, 0xffffffffffffffb8, 0x7ffd868c7bd0, "
		"0x7ffd868c7bd0, 0x7ffd868c7bd0) = -1 ENOSYS (Function not implemented)");
	assert_string_equal(T(SYS_close, 99, 0, 0, 0, -9),
			    "close(99) = -1 EBADF (Bad file descriptor)");
	assert_string_equal(T(SYS_close, 3, 0, 0, 0, -4095),
			    "close(3) = -1 ERRNO_4095 (Unknown error 4095)");
	assert_string_equal(T(SYS_close, 3, 0, 0, 0, -4096), "close(3) = -4096");
	assert_string_equal(T(SYS_umask, 022, 0, 0, 0, 022), "umask(022) = 022");
	assert_string_equal(T(SYS_lseek, 0, 5, 2, 0, 0), "lseek(0, 5, SEEK_END) = 0");
	assert_string_equal(T(SYS_pwrite64, 1, put("xy", 2), 2, 7, 2),
			    "pwrite64(1, \"xy\", 2, 7) = 2");
	assert_string_equal(T(SYS_pread64, 0, 0x7ffd868c7bd0, 10, 5, -29),
			    "pread64(0, 0x7ffd868c7bd0, 10, 5) = -1 ESPIPE (Illegal seek)");
}

/* A line longer than the buffer is cut, says so, and still ends with the result. */
static void test_long_line_is_cut(void **state)
{
	uint64_t data = put("0123456789012345678901234567890123456789", 40);
	uint64_t iov[2 * 40];

	for (int i = 0; i < 40; i++) {
		iov[2 * i] = data;
		iov[2 * i + 1] = 40;
	}
	uint64_t piov = put(iov, sizeof(iov));
	const char *s = T(SYS_writev, 1, piov, 40, 0, 1600);
	size_t n = strlen(s);

	assert_true(n < TRACE_LINE_MAX);
	assert_true(n > TRACE_LINE_MAX - 200);
	assert_string_equal(s + n - strlen("...) = 1600"), "...) = 1600");

	s = T(SYS_writev, 1, piov, 40, 0, -14);
	n = strlen(s);
	assert_string_equal(s + n - strlen("...) = -1 EFAULT (Bad address)"),
			    "...) = -1 EFAULT (Bad address)");
}

/* Strings that end at the edge of readable memory, or do not end, print as strace does. */
static void test_string_edges(void **state)
{
	char big[300];

	memset(big, 'a', sizeof(big));
	uint64_t p = put(big, sizeof(big)); /* no NUL before the end of fake memory */
	fake_used = p - FAKE_BASE + sizeof(big);
	const char *s = T(SYS_chdir, p, 0, 0, 0, -2);
	assert_non_null(strstr(s, "aaaa\"...) = -1 ENOENT"));
	assert_string_equal(T(SYS_chdir, p + 290, 0, 0, 0, -14),
			    "chdir(0x4a0122) = -1 EFAULT (Bad address)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_write_strings, reset),
		cmocka_unit_test_setup(test_write_high_bytes, reset),
		cmocka_unit_test_setup(test_read_output, reset),
		cmocka_unit_test_setup(test_openat, reset),
		cmocka_unit_test_setup(test_mmap_family, reset),
		cmocka_unit_test_setup(test_exit_group_does_not_return, reset),
		cmocka_unit_test_setup(test_startup_calls, reset),
		cmocka_unit_test_setup(test_rlimits, reset),
		cmocka_unit_test_setup(test_signals, reset),
		cmocka_unit_test_setup(test_sigmask_threshold, reset),
		cmocka_unit_test_setup(test_time_calls, reset),
		cmocka_unit_test_setup(test_dates, reset),
		cmocka_unit_test_setup(test_info_structs, reset),
		cmocka_unit_test_setup(test_iovecs, reset),
		cmocka_unit_test_setup(test_ioctls, reset),
		cmocka_unit_test_setup(test_stat, reset),
		cmocka_unit_test_setup(test_futex, reset),
		cmocka_unit_test_setup(test_unknown_and_errors, reset),
		cmocka_unit_test_setup(test_long_line_is_cut, reset),
		cmocka_unit_test_setup(test_string_edges, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
