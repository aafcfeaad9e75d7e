/* test_sys.c: unit tests of the syscall handlers (kernel/syscall/sys_*.c) against Linux's
 * documented behaviour, over fakes of what they call: program memory (a byte array at
 * UBASE; everything else faults), the console, the clocks, randomness and program_exit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "mm/layout.h"
#include "fs/fs_init.h"
#include "syscall/sys.h"

/* ---- fakes ---- */

#define UBASE 0x10000UL
static _Alignas(16) unsigned char umem[65536];
static size_t umem_mapped = sizeof(umem); /* bytes of umem that do not fault */

static bool user_ok(uint64_t a, size_t n)
{
	return a >= UBASE && a - UBASE <= umem_mapped && n <= umem_mapped - (a - UBASE);
}

int user_range_ok(uintptr_t uaddr, size_t n)
{
	return uaddr + n >= uaddr && uaddr + n <= USER_TOP;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_ok((uintptr_t)usrc, n))
		return -EFAULT;
	memcpy(dst, umem + ((uintptr_t)usrc - UBASE), n);
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_ok((uintptr_t)udst, n))
		return -EFAULT;
	memcpy(umem + ((uintptr_t)udst - UBASE), src, n);
	return 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (!user_ok((uintptr_t)usrc + i, 1))
			return -EFAULT;
		dst[i] = (char)umem[(uintptr_t)usrc + i - UBASE];
		if (!dst[i])
			return (long)i;
	}
	return -ENAMETOOLONG;
}

static char out[2][8192]; /* console output by stream - 1 */
static size_t out_len[2];
static const char *in_data;
static size_t in_len, in_pos;

size_t console_write(int stream, const char *buf, size_t n)
{
	assert_true(stream == 1 || stream == 2);
	assert_true(out_len[stream - 1] + n <= sizeof(out[0]));
	memcpy(out[stream - 1] + out_len[stream - 1], buf, n);
	out_len[stream - 1] += n;
	return n;
}

/* The fake input delivers at most 4 bytes per call, like bytes trickling in. */
long console_read(char *buf, size_t n)
{
	size_t k = in_len - in_pos;

	if (k > 4)
		k = 4;
	if (k > n)
		k = n;
	memcpy(buf, in_data + in_pos, k);
	in_pos += k;
	return (long)k;
}

size_t console_readable(void)
{
	return in_len - in_pos;
}

static uint64_t mono_ns, real_ns;
extern uint64_t fake_sleep_deadline; /* sched_fakes.c */
extern int fake_sleeps;
#define slept_until fake_sleep_deadline
#define sleeps fake_sleeps

uint64_t time_monotonic_ns(void)
{
	return mono_ns;
}

uint64_t time_realtime_ns(void)
{
	return real_ns;
}

void random_bytes(void *buf, size_t n)
{
	memset(buf, 0xa5, n);
}

uint64_t pmm_total_pages(void)
{
	return 1000;
}

uint64_t pmm_free_pages(void)
{
	return 600;
}

static uint64_t fs_base;

void arch_set_fs_base(uint64_t base)
{
	fs_base = base;
}

uint64_t arch_get_fs_base(void)
{
	return fs_base;
}

static jmp_buf exit_jmp;
static int exit_status;

_Noreturn void program_exit(int status, const char *reason)
{
	assert_string_equal(reason, "exited");
	exit_status = status;
	longjmp(exit_jmp, 1);
}

bool printk_verbose;

/* Not in the host C library (glibc < 2.38); the kernel's contract (lib/string.h). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t k = n < size - 1 ? n : size - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

void printk(const char *fmt, ...)
{
	(void)fmt;
}

/* The file system runs for real (fs_init: tmpfs root, devfs, console on fds 0-2) over
 * host memory (tests/unit/host_mem_fakes.c). */
static int setup_fs(void **state)
{
	fs_init();
	return 0;
}

/* ---- helpers ---- */

static int reset(void **state)
{
	memset(umem, 0, sizeof(umem));
	umem_mapped = sizeof(umem);
	out_len[0] = out_len[1] = 0;
	in_data = "";
	in_len = in_pos = 0;
	mono_ns = real_ns = slept_until = 0;
	sleeps = 0;
	proc_exe_path = NULL;
	return 0;
}

static long call(long (*fn)(const struct syscall_args *), uint64_t a0, uint64_t a1, uint64_t a2,
		 uint64_t a3)
{
	struct syscall_args a = {{a0, a1, a2, a3, 0, 0}};
	return fn(&a);
}

static uint64_t at(size_t off)
{
	return UBASE + off;
}

static void *mem(size_t off)
{
	return umem + off;
}

/* ---- sys_io.c ---- */

static void test_write(void **state)
{
	memcpy(mem(0), "hello", 5);
	assert_int_equal(call(sys_write, 1, at(0), 5, 0), 5);
	assert_int_equal(call(sys_write, 2, at(0), 4, 0), 4);
	assert_int_equal(call(sys_write, 0, at(0), 1, 0), 1);
	assert_int_equal(out_len[0], 6);
	assert_memory_equal(out[0], "helloh", 6);
	assert_memory_equal(out[1], "hell", 4);
	assert_int_equal(call(sys_write, 3, at(0), 5, 0), -EBADF);
	assert_int_equal(call(sys_write, (uint64_t)-1, at(0), 5, 0), -EBADF);
	assert_int_equal(call(sys_write, 1, at(0), 0, 0), 0);
	assert_int_equal(call(sys_write, 1, 0x10, 5, 0), -EFAULT);
	assert_int_equal(call(sys_write, 1, USER_TOP - 2, 5, 0), -EFAULT);
}

/* A fault part way returns what was written before it (Linux). */
static void test_write_partial_fault(void **state)
{
	memset(mem(0), 'x', 2000);
	umem_mapped = 1300;
	assert_int_equal(call(sys_write, 1, at(0), 2000, 0), 1300);
	assert_int_equal(out_len[0], 1300);
	assert_int_equal(call(sys_write, 1, at(1300), 10, 0), -EFAULT);
}

static void test_read(void **state)
{
	in_data = "hello world";
	in_len = strlen(in_data);
	assert_int_equal(call(sys_read, 0, at(0), 100, 0), 11);
	assert_memory_equal(mem(0), "hello world", 11);
	assert_int_equal(call(sys_read, 0, at(0), 100, 0), 0); /* end of input */
	in_pos = 0;
	assert_int_equal(call(sys_read, 0, at(0), 3, 0), 3);
	assert_int_equal(call(sys_read, 0, at(0), 0, 0), 0);
	assert_int_equal(call(sys_read, 5, at(0), 3, 0), -EBADF);
	assert_int_equal(call(sys_read, 0, 0, 3, 0), -EFAULT);
}

static void test_writev_readv(void **state)
{
	uint64_t *iov = mem(0);

	memcpy(mem(100), "ab", 2);
	memcpy(mem(200), "cde", 3);
	iov[0] = at(100);
	iov[1] = 2;
	iov[2] = at(200);
	iov[3] = 3;
	assert_int_equal(call(sys_writev, 1, at(0), 2, 0), 5);
	assert_memory_equal(out[0], "abcde", 5);
	assert_int_equal(call(sys_writev, 1, at(0), 0, 0), 0);
	assert_int_equal(call(sys_writev, 1, at(0), 1025, 0), -EINVAL);
	assert_int_equal(call(sys_writev, 9, at(0), 2, 0), -EBADF);
	assert_int_equal(call(sys_writev, 1, 0x8, 1, 0), -EFAULT);
	iov[3] = (uint64_t)-1;
	assert_int_equal(call(sys_writev, 1, at(0), 2, 0), -EINVAL);
	assert_int_equal(out_len[0], 5); /* nothing written when the vector is bad */
	iov[3] = 3;
	iov[0] = 0x8; /* inside user space but unmapped: found when copying */
	assert_int_equal(call(sys_writev, 1, at(0), 2, 0), -EFAULT);
	iov[0] = at(100);
	iov[2] = 0x8; /* a later segment faults: the bytes before it count */
	assert_int_equal(call(sys_writev, 1, at(0), 2, 0), 2);

	in_data = "123456";
	in_len = 6;
	iov[0] = at(100);
	iov[2] = at(200);
	assert_int_equal(call(sys_readv, 0, at(0), 2, 0), 5);
	assert_memory_equal(mem(100), "12", 2);
	assert_memory_equal(mem(200), "345", 3);
}

static void test_positioned(void **state)
{
	assert_int_equal(call(sys_pread64, 0, at(0), 1, 0), -ESPIPE);
	assert_int_equal(call(sys_pwrite64, 1, at(0), 1, 5), -ESPIPE);
	assert_int_equal(call(sys_pwrite64, 7, at(0), 1, 5), -EBADF);
	assert_int_equal(call(sys_pread64, 0, at(0), 1, (uint64_t)-1), -EINVAL);
}

static void test_ioctl(void **state)
{
	uint32_t *tio = mem(0);
	uint16_t *ws = mem(64);
	int32_t *v = mem(128);

	assert_int_equal(call(sys_ioctl, 1, 0x5401, at(0), 0), 0);
	assert_int_equal(tio[0], 0x500);  /* ICRNL|IXON */
	assert_int_equal(tio[1], 0x5);	  /* OPOST|ONLCR */
	assert_int_equal(tio[2], 0x1cb2); /* B115200|CS8|CREAD|HUPCL|CLOCAL */
	assert_int_equal(tio[3], 0x8a3b); /* ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN */
	assert_int_equal(((uint8_t *)mem(0))[17 + 0], 3); /* VINTR ^C */
	assert_int_equal(((uint8_t *)mem(0))[17 + 4], 4); /* VEOF ^D */
	assert_int_equal(((uint8_t *)mem(0))[17 + 6], 1); /* VMIN */
	assert_int_equal(((uint8_t *)mem(0))[36], 0);	  /* 36 bytes, no more */
	tio[3] = 0;
	assert_int_equal(call(sys_ioctl, 0, 0x5402, at(0), 0), 0);
	memset(mem(0), 0xff, 16);
	assert_int_equal(call(sys_ioctl, 2, 0x5401, at(0), 0), 0);
	assert_int_equal(tio[3], 0);
	assert_int_equal(call(sys_ioctl, 1, 0x5413, at(64), 0), 0);
	assert_int_equal(ws[0], 0);
	assert_int_equal(ws[1], 0);
	in_data = "xyz";
	in_len = 3;
	assert_int_equal(call(sys_ioctl, 0, 0x541b, at(128), 0), 0);
	assert_int_equal(*v, 3);
	assert_int_equal(call(sys_ioctl, 0, 0x540f, at(128), 0), 0);
	assert_int_equal(*v, 1);
	assert_int_equal(call(sys_ioctl, 0, 0x5410, at(128), 0), 0);
	*v = 7;
	assert_int_equal(call(sys_ioctl, 0, 0x5410, at(128), 0), -ESRCH);
	assert_int_equal(call(sys_ioctl, 0, 0x1234, 0, 0), -ENOTTY);
	assert_int_equal(call(sys_ioctl, 0, 0x5401, 0x8, 0), -EFAULT);
	assert_int_equal(call(sys_ioctl, 3, 0x5401, at(0), 0), -EBADF);
	assert_int_equal(call(sys_ioctl, 1, 0x5451, 0, 0), 0);
}

static void test_readlink(void **state)
{
	strcpy(mem(0), "/proc/self/exe");
	strcpy(mem(32), "proc/self/exe");
	strcpy(mem(64), "/etc/passwd");
	assert_int_equal(call(sys_readlink, at(0), at(100), 64, 0), -ENOENT); /* no path yet */
	proc_exe_path = "/prog";
	assert_int_equal(call(sys_readlink, at(0), at(100), 64, 0), 5);
	assert_memory_equal(mem(100), "/prog", 5);
	assert_int_equal(((char *)mem(100))[5], 0); /* no NUL written */
	memset(mem(100), 'z', 8);
	assert_int_equal(call(sys_readlink, at(0), at(100), 3, 0), 3);
	assert_memory_equal(mem(100), "/prz", 4);
	assert_int_equal(call(sys_readlink, at(0), at(100), 0, 0), -EINVAL);
	assert_int_equal(call(sys_readlink, at(0), at(100), (uint64_t)-1, 0), -EINVAL);
	assert_int_equal(call(sys_readlink, at(64), at(100), 64, 0), -ENOENT);
	assert_int_equal(call(sys_readlink, 0x8, at(100), 64, 0), -EFAULT);
	assert_int_equal(call(sys_readlink, at(0), 0x8, 64, 0), -EFAULT);
	assert_int_equal(call(sys_readlinkat, (uint64_t)-100, at(32), at(100), 64), 5);
	assert_int_equal(call(sys_readlinkat, 1, at(32), at(100), 64), -ENOTDIR);
	assert_int_equal(call(sys_readlinkat, 9, at(32), at(100), 64), -EBADF);
	assert_int_equal(call(sys_readlinkat, 9, at(0), at(100), 64), 5);
}

static void test_getcwd(void **state)
{
	assert_int_equal(call(sys_getcwd, at(0), 1, 0, 0), -ERANGE);
	assert_int_equal(call(sys_getcwd, at(0), 2, 0, 0), 2);
	assert_string_equal(mem(0), "/");
	assert_int_equal(call(sys_getcwd, 0, 100, 0, 0), -EFAULT);
}

/* ---- sys_fs_*.c: the handlers over the real VFS (tmpfs root) ---- */

static void test_fs_calls(void **state)
{
	long fd, fd2;

	strcpy(mem(0), "/tmp/x");
	strcpy(mem(16), "data");
	strcpy(mem(32), "/tmp");
	fd = call(sys_open, at(0), 0102 /* O_RDWR|O_CREAT */, 0666, 0);
	assert_true(fd >= 3);
	assert_int_equal(call(sys_write, fd, at(16), 4, 0), 4);
	assert_int_equal(call(sys_lseek, fd, 1, 0, 0), 1);
	assert_int_equal(call(sys_read, fd, at(100), 10, 0), 3);
	assert_memory_equal(mem(100), "ata", 3);
	assert_int_equal(call(sys_pread64, fd, at(100), 2, 2), 2);
	assert_memory_equal(mem(100), "ta", 2);
	assert_int_equal(call(sys_fstat, fd, at(200), 0, 0), 0);
	assert_int_equal(*(int64_t *)mem(200 + 48), 4);	       /* st_size */
	assert_int_equal(*(uint32_t *)mem(200 + 24), 0100644); /* mode & ~022 */
	fd2 = call(sys_dup, fd, 0, 0, 0);
	assert_int_equal(fd2, fd + 1);
	assert_int_equal(call(sys_close, fd, 0, 0, 0), 0);
	assert_int_equal(call(sys_close, fd, 0, 0, 0), -EBADF);
	assert_int_equal(call(sys_lseek, fd2, 0, 1, 0), 4); /* the shared position */
	assert_int_equal(call(sys_close, fd2, 0, 0, 0), 0);
	assert_int_equal(call(sys_chdir, at(32), 0, 0, 0), 0);
	assert_int_equal(call(sys_getcwd, at(300), 64, 0, 0), 5);
	assert_string_equal(mem(300), "/tmp");
	strcpy(mem(48), "x");
	assert_int_equal(call(sys_newfstatat, (uint64_t)-100, at(48), at(200), 0), 0);
	assert_int_equal(call(sys_unlinkat, (uint64_t)-100, at(48), 0, 0), 0);
	assert_int_equal(call(sys_unlink, at(0), 0, 0, 0), -ENOENT);
	strcpy(mem(48), "/");
	assert_int_equal(call(sys_chdir, at(48), 0, 0, 0), 0);
	assert_int_equal(call(sys_fstat, 1, at(200), 0, 0), 0);
	assert_int_equal(*(uint32_t *)mem(200 + 24), 020620); /* crw--w---- ttyS0 */
	assert_int_equal(*(uint64_t *)mem(200 + 40), (4 << 8) | 64);
}

/* ---- sys_rlimit.c ---- */

static void test_rlimits(void **state)
{
	uint64_t *rl = mem(0), *old = mem(16);

	assert_int_equal(call(sys_prlimit64, 0, 3, 0, at(16)), 0);
	assert_int_equal(old[0], 8 << 20);
	assert_int_equal(old[1], UINT64_MAX);
	assert_int_equal(call(sys_prlimit64, 2, 3, 0, at(16)), -ESRCH);
	assert_int_equal(call(sys_prlimit64, 1, 16, 0, at(16)), -EINVAL);
	rl[0] = 10;
	rl[1] = 5;
	assert_int_equal(call(sys_prlimit64, 0, 7, at(0), 0), -EINVAL);
	rl[0] = 4096;
	rl[1] = 2 << 20;
	assert_int_equal(call(sys_prlimit64, 0, 7, at(0), 0), -EPERM);
	rl[1] = 8192;
	assert_int_equal(call(sys_prlimit64, 0, 7, at(0), at(16)), 0);
	assert_int_equal(old[0], 1024);
	assert_int_equal(old[1], 4096);
	assert_int_equal(call(sys_getrlimit, 7, at(16), 0, 0), 0);
	assert_int_equal(old[0], 4096);
	assert_int_equal(old[1], 8192);
	assert_int_equal(call(sys_getrlimit, 16, at(16), 0, 0), -EINVAL);
	assert_int_equal(call(sys_getrlimit, 7, 0x8, 0, 0), -EFAULT);
	assert_int_equal(call(sys_setrlimit, 4, 0x8, 0, 0), -EFAULT);
	assert_int_equal(call(sys_prlimit64, 0, 7, 0x8, 0), -EFAULT);
}

/* ---- sys_info.c ---- */

static void test_uname_sysinfo(void **state)
{
	char *u = mem(0);
	uint64_t *si = mem(512);

	assert_int_equal(call(sys_uname, at(0), 0, 0, 0), 0);
	assert_string_equal(u, "Linux");
	assert_string_equal(u + 65, "isle");
	assert_string_equal(u + 130, "6.1.0-isle");
	assert_string_equal(u + 195, "#1 SMP isle");
	assert_string_equal(u + 260, "x86_64");
	assert_string_equal(u + 325, "(none)");
	assert_int_equal(call(sys_uname, 0x8, 0, 0, 0), -EFAULT);
	mono_ns = 2000000001;
	assert_int_equal(call(sys_sysinfo, at(512), 0, 0, 0), 0);
	assert_int_equal(si[0], 3); /* uptime rounds up */
	assert_int_equal(si[4], 1000 * 4096);
	assert_int_equal(si[5], 600 * 4096);
	assert_int_equal(si[10] & 0xffff, 1);
	assert_int_equal((uint32_t)si[13], 1);
}

static void test_getrandom(void **state)
{
	assert_int_equal(call(sys_getrandom, at(0), 1000, 0, 0), 1000);
	assert_int_equal(((uint8_t *)mem(0))[999], 0xa5);
	assert_int_equal(((uint8_t *)mem(0))[1000], 0);
	assert_int_equal(call(sys_getrandom, at(0), 8, 1 | 2, 0), 8);
	assert_int_equal(call(sys_getrandom, at(0), 8, 4, 0), 8);
	assert_int_equal(call(sys_getrandom, at(0), 8, 2 | 4, 0), -EINVAL);
	assert_int_equal(call(sys_getrandom, at(0), 8, 8, 0), -EINVAL);
	assert_int_equal(call(sys_getrandom, at(0), 0, 0, 0), 0);
	assert_int_equal(call(sys_getrandom, 0x8, 16, 0, 0), -EFAULT);
	umem_mapped = 300;
	assert_int_equal(call(sys_getrandom, at(0), 1000, 0, 0), 256); /* whole chunks */
}

static void test_affinity(void **state)
{
	uint64_t *mask = mem(0);

	mask[1] = 0xdead;
	assert_int_equal(call(sys_sched_getaffinity, 0, 128, at(0), 0), 8);
	assert_int_equal(mask[0], 1);
	assert_int_equal(mask[1], 0xdead);
	assert_int_equal(call(sys_sched_getaffinity, 1, 8, at(0), 0), 8);
	assert_int_equal(call(sys_sched_getaffinity, 0, 4, at(0), 0), -EINVAL);
	assert_int_equal(call(sys_sched_getaffinity, 0, 0, at(0), 0), -EINVAL);
	assert_int_equal(call(sys_sched_getaffinity, 7, 8, at(0), 0), -ESRCH);
	assert_int_equal(call(sys_sched_getaffinity, 0, 8, 0, 0), -EFAULT);
	assert_int_equal(call(sys_sched_yield, 0, 0, 0, 0), 0);
	mask[0] = 3; /* CPU 1 is not online: dropped */
	assert_int_equal(call(sys_sched_setaffinity, 0, 8, at(0), 0), 0);
	mask[0] = 2;
	assert_int_equal(call(sys_sched_setaffinity, 0, 8, at(0), 0), -EINVAL);
	assert_int_equal(call(sys_sched_setaffinity, 7, 8, at(0), 0), -ESRCH);
	assert_int_equal(call(sys_getcpu, at(0), at(8), 0, 0), 0);
	assert_int_equal(((uint32_t *)mask)[0], 0);

	int *prio = mem(64);
	*prio = 5;
	assert_int_equal(call(sys_sched_setscheduler, 0, 2, at(64), 0), 0); /* RR 5 */
	assert_int_equal(call(sys_sched_getscheduler, 0, 0, 0, 0), 2);
	*prio = 0;
	assert_int_equal(call(sys_sched_setparam, 0, at(64), 0, 0), -EINVAL); /* RR needs 1-99 */
	assert_int_equal(call(sys_sched_setscheduler, 0, 6, at(64), 0), -EINVAL); /* DEADLINE */
	assert_int_equal(call(sys_sched_setscheduler, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(call(sys_sched_setscheduler, 0, 0, at(64), 0), 0);
	assert_int_equal(call(sys_sched_getscheduler, 0, 0, 0, 0), 0);
	assert_int_equal(call(sys_sched_get_priority_max, 1, 0, 0, 0), 99);
	assert_int_equal(call(sys_sched_get_priority_min, 3, 0, 0, 0), 0);
	assert_int_equal(call(sys_sched_get_priority_min, 4, 0, 0, 0), -EINVAL);

	char *name = mem(128);
	memcpy(name, "0123456789abcdefXYZ", 20);
	assert_int_equal(call(sys_prctl, 15, at(128), 0, 0), 0); /* PR_SET_NAME, cut */
	memset(name, 0, 32);
	assert_int_equal(call(sys_prctl, 16, at(128), 0, 0), 0);
	assert_string_equal(name, "0123456789abcde");
	assert_int_equal(call(sys_prctl, 4, 2, 0, 0), -EINVAL); /* PR_SET_DUMPABLE */
	assert_int_equal(call(sys_prctl, 39, 0, 0, 0), 0);	/* PR_GET_NO_NEW_PRIVS */
	assert_int_equal(call(sys_prctl, 9999, 0, 0, 0), -EINVAL);
	assert_int_equal(call(sys_membarrier, 8, 0, 0, 0), -EPERM);
	assert_int_equal(call(sys_membarrier, 16, 0, 0, 0), 0);
	assert_int_equal(call(sys_membarrier, 8, 0, 0, 0), 0);
	assert_int_equal(call(sys_membarrier, 0, 1, 0, 0), -EINVAL);
}

/* ---- sys_proc.c ---- */

static void test_proc(void **state)
{
	uint64_t *v = mem(0);

	assert_int_equal(call(sys_getpid, 0, 0, 0, 0), 1);
	assert_int_equal(call(sys_gettid, 0, 0, 0, 0), 1);
	assert_int_equal(call(sys_getppid, 0, 0, 0, 0), 0);
	assert_int_equal(call(sys_geteuid, 0, 0, 0, 0), 0);
	assert_int_equal(call(sys_set_tid_address, at(0), 0, 0, 0), 1);
	assert_int_equal(call(sys_set_robust_list, at(0), 23, 0, 0), -EINVAL);
	assert_int_equal(call(sys_set_robust_list, at(64), 24, 0, 0), 0);
	assert_int_equal(call(sys_get_robust_list, 0, at(0), at(8), 0), 0);
	assert_int_equal(v[0], at(64));
	assert_int_equal(v[1], 24);
	assert_int_equal(call(sys_get_robust_list, 5, at(0), at(8), 0), -ESRCH);
	assert_int_equal(call(sys_rseq, at(0), 32, 0, 0x53053053), -ENOSYS);
}

static void test_arch_prctl(void **state)
{
	uint64_t *v = mem(0);

	assert_int_equal(call(sys_arch_prctl, 0x1002, 0x7f1234, 0, 0), 0);
	assert_int_equal(fs_base, 0x7f1234);
	assert_int_equal(call(sys_arch_prctl, 0x1003, at(0), 0, 0), 0);
	assert_int_equal(*v, 0x7f1234);
	assert_int_equal(call(sys_arch_prctl, 0x1002, USER_TOP, 0, 0), -EPERM);
	assert_int_equal(fs_base, 0x7f1234);
	assert_int_equal(call(sys_arch_prctl, 0x1003, 0x8, 0, 0), -EFAULT);
	assert_int_equal(call(sys_arch_prctl, 0x1011, 0, 0, 0), 1);
	assert_int_equal(call(sys_arch_prctl, 0x1012, 0, 0, 0), -ENODEV);
	assert_int_equal(call(sys_arch_prctl, 0x9999, 0, 0, 0), -EINVAL);
	*v = 5;
	assert_int_equal(call(sys_arch_prctl, 0x1004, at(0), 0, 0), 0);
	assert_int_equal(*v, 0);
}

static void test_exit(void **state)
{
	exit_status = -1;
	if (!setjmp(exit_jmp))
		call(sys_exit_group, 300, 0, 0, 0);
	assert_int_equal(exit_status, 44);
	if (!setjmp(exit_jmp))
		call(sys_exit, 7, 0, 0, 0);
	assert_int_equal(exit_status, 7);
}

/* ---- sys_time.c ---- */

static void test_clocks(void **state)
{
	int64_t *ts = mem(0);

	mono_ns = 5 * 1000000000ULL + 7;
	real_ns = 1700000000ULL * 1000000000ULL + 123456789;
	assert_int_equal(call(sys_clock_gettime, 1, at(0), 0, 0), 0);
	assert_int_equal(ts[0], 5);
	assert_int_equal(ts[1], 7);
	assert_int_equal(call(sys_clock_gettime, 0, at(0), 0, 0), 0);
	assert_int_equal(ts[0], 1700000000);
	assert_int_equal(ts[1], 123456789);
	for (int c = 0; c <= 7; c++)
		assert_int_equal(call(sys_clock_gettime, c, at(0), 0, 0), 0);
	assert_int_equal(call(sys_clock_gettime, 11, at(0), 0, 0), 0);
	assert_int_equal(call(sys_clock_gettime, 8, at(0), 0, 0), -EINVAL);
	assert_int_equal(call(sys_clock_gettime, 12, at(0), 0, 0), -EINVAL);
	/* Dynamic CPU clocks: ~tid << 3 | per-thread 4 | type (3 is invalid), as Linux. */
	assert_int_equal(call(sys_clock_gettime, (uint64_t)-2, at(0), 0, 0), 0);
	assert_int_equal(call(sys_clock_gettime, (uint64_t)-1, at(0), 0, 0), -EINVAL);
	assert_int_equal(
		call(sys_clock_gettime, (uint64_t)(int64_t)((int)(~7u << 3) | 6), at(0), 0, 0),
		-EINVAL);
	assert_int_equal(call(sys_clock_gettime, 1, 0x8, 0, 0), -EFAULT);
	assert_int_equal(call(sys_clock_getres, 1, at(0), 0, 0), 0);
	assert_int_equal(ts[0], 0);
	assert_int_equal(ts[1], 1);
	assert_int_equal(call(sys_clock_getres, 6, at(0), 0, 0), 0);
	assert_int_equal(ts[1], 4000000);
	assert_int_equal(call(sys_clock_getres, 1, 0, 0, 0), 0);
	assert_int_equal(call(sys_clock_getres, 9, 0, 0, 0), -EINVAL);
	assert_int_equal(call(sys_gettimeofday, at(0), at(16), 0, 0), 0);
	assert_int_equal(ts[0], 1700000000);
	assert_int_equal(ts[1], 123456);
	assert_int_equal(call(sys_gettimeofday, 0, 0, 0, 0), 0);
	assert_int_equal(call(sys_time, 0, 0, 0, 0), 1700000000);
	assert_int_equal(call(sys_time, at(32), 0, 0, 0), 1700000000);
	assert_int_equal(ts[4], 1700000000);
	assert_int_equal(call(sys_time, 0x8, 0, 0, 0), -EFAULT);
}

static void test_sleeps(void **state)
{
	int64_t *ts = mem(0);

	mono_ns = 1000;
	real_ns = 100 * 1000000000ULL;
	ts[0] = 2;
	ts[1] = 500;
	assert_int_equal(call(sys_nanosleep, at(0), 0, 0, 0), 0);
	assert_int_equal(slept_until, 1000 + 2000000500);
	ts[1] = 1000000000;
	assert_int_equal(call(sys_nanosleep, at(0), 0, 0, 0), -EINVAL);
	ts[1] = -1;
	assert_int_equal(call(sys_nanosleep, at(0), 0, 0, 0), -EINVAL);
	ts[0] = -1;
	ts[1] = 0;
	assert_int_equal(call(sys_nanosleep, at(0), 0, 0, 0), -EINVAL);
	assert_int_equal(call(sys_nanosleep, 0x8, 0, 0, 0), -EFAULT);
	ts[0] = INT64_MAX;
	ts[1] = 999999999;
	assert_int_equal(call(sys_nanosleep, at(0), 0, 0, 0), 0);
	assert_true(slept_until == UINT64_MAX);

	ts[0] = 3;
	ts[1] = 0;
	assert_int_equal(call(sys_clock_nanosleep, 1, 1, at(0), 0), 0);
	assert_int_equal(slept_until, 3000000000ULL);
	assert_int_equal(call(sys_clock_nanosleep, 1, 0, at(0), 0), 0);
	assert_int_equal(slept_until, 1000 + 3000000000ULL);
	sleeps = 0;
	assert_int_equal(call(sys_clock_nanosleep, 0, 1, at(0), 0), 0); /* long past */
	assert_int_equal(sleeps, 0);
	ts[0] = 101;
	assert_int_equal(call(sys_clock_nanosleep, 0, 1, at(0), 0), 0);
	assert_int_equal(slept_until, 1000 + 1000000000ULL);
	assert_int_equal(call(sys_clock_nanosleep, 4, 0, at(0), 0), -EOPNOTSUPP);
	assert_int_equal(call(sys_clock_nanosleep, 2, 0, at(0), 0), -EOPNOTSUPP);
	assert_int_equal(call(sys_clock_nanosleep, 3, 0, at(0), 0), -EINVAL); /* as Linux */
	assert_int_equal(call(sys_clock_nanosleep, 8, 0, at(0), 0), -EOPNOTSUPP);
	assert_int_equal(call(sys_clock_nanosleep, 12, 0, at(0), 0), -EINVAL);
	assert_int_equal(call(sys_clock_nanosleep, 1, 0, 0x8, 0), -EFAULT);
	ts[0] = -1;
	assert_int_equal(call(sys_clock_nanosleep, 1, 1, at(0), 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_write, reset),
		cmocka_unit_test_setup(test_write_partial_fault, reset),
		cmocka_unit_test_setup(test_read, reset),
		cmocka_unit_test_setup(test_writev_readv, reset),
		cmocka_unit_test_setup(test_positioned, reset),
		cmocka_unit_test_setup(test_ioctl, reset),
		cmocka_unit_test_setup(test_readlink, reset),
		cmocka_unit_test_setup(test_getcwd, reset),
		cmocka_unit_test_setup(test_fs_calls, reset),
		cmocka_unit_test_setup(test_rlimits, reset),
		cmocka_unit_test_setup(test_uname_sysinfo, reset),
		cmocka_unit_test_setup(test_getrandom, reset),
		cmocka_unit_test_setup(test_affinity, reset),
		cmocka_unit_test_setup(test_proc, reset),
		cmocka_unit_test_setup(test_arch_prctl, reset),
		cmocka_unit_test_setup(test_exit, reset),
		cmocka_unit_test_setup(test_clocks, reset),
		cmocka_unit_test_setup(test_sleeps, reset),
	};

	return cmocka_run_group_tests(tests, setup_fs, NULL);
}
