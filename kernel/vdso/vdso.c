/* vdso.c: the virtual dynamic shared object, built as its own tiny ELF shared library
 * (not part of the kernel: the Makefile compiles it -fPIC for user mode and embeds the
 * result with kernel/vdso/image.S). It answers clock_gettime, gettimeofday, time and
 * getcpu without entering the kernel, from the TSC and the vvar page (vvar.h) the kernel
 * maps read-only just below it; anything it cannot answer (CPU-time clocks, unknown
 * clocks, a TSC rate or wall clock not yet known) goes to the real system call, whose
 * result (0 or -errno) it returns unchanged, as Linux's vDSO does.
 *
 * Exported with version LINUX_2.6 under both the __vdso_ names and the plain ones
 * (vdso.ver): glibc, musl and Go look the symbols up by name and version. */
#include <stddef.h>
#include <stdint.h>

#include "vdso/vvar.h"

#define SYS_gettimeofday 96
#define SYS_time 201
#define SYS_clock_gettime 228
#define SYS_clock_getres 229
#define SYS_getcpu 309
#define NS_PER_SEC 1000000000ull

struct vdso_timespec {
	int64_t sec, nsec;
};
struct vdso_timeval {
	int64_t sec, usec;
};
struct vdso_timezone {
	int32_t minuteswest, dsttime;
};

/* Placed by vdso.lds one page below the first byte of the vDSO, so the reference is
 * RIP-relative and needs no relocation. Not const: the kernel changes it, and the
 * compiler must re-read it after each barrier. */
extern struct vdso_vvar vvar __attribute__((visibility("hidden")));

#define barrier() __asm__ volatile("" ::: "memory")

static long sys2(long nr, long a, long b)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return r;
}

static long sys3(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

static uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;
	/* lfence: the TSC is read after earlier loads complete, so two reads in program order
	 * never go backwards on one CPU. */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Monotonic (and, with wall, real) nanoseconds; 0 when the vvar cannot answer. */
static int read_ns(int wall, uint64_t *ns)
{
	uint32_t seq, flags;
	uint64_t boot, mult, off, tsc;

	do {
		while ((seq = vvar.seq) & 1)
			__builtin_ia32_pause();
		barrier();
		flags = vvar.flags;
		boot = vvar.boot_tsc;
		mult = vvar.mult;
		off = vvar.wall_offset_ns;
		tsc = rdtsc_ordered();
		barrier();
	} while (vvar.seq != seq);
	if (!(flags & VVAR_TSC_OK) || (wall && !(flags & VVAR_WALL_OK)))
		return 0;
	tsc = tsc > boot ? tsc - boot : 0;
	*ns = (uint64_t)(((unsigned __int128)tsc * mult) >> 32) + (wall ? off : 0);
	return 1;
}

/* 1: monotonic clocks, 2: wall clocks, 0: ask the kernel. */
static int clock_kind(int clock)
{
	switch (clock) {
	case 1: /* CLOCK_MONOTONIC */
	case 4: /* CLOCK_MONOTONIC_RAW */
	case 6: /* CLOCK_MONOTONIC_COARSE */
	case 7: /* CLOCK_BOOTTIME */
		return 1;
	case 0:	 /* CLOCK_REALTIME */
	case 5:	 /* CLOCK_REALTIME_COARSE */
	case 11: /* CLOCK_TAI */
		return 2;
	default:
		return 0;
	}
}

int __vdso_clock_gettime(int clock, struct vdso_timespec *ts);
int __vdso_clock_gettime(int clock, struct vdso_timespec *ts)
{
	int kind = clock_kind(clock);
	uint64_t ns;

	if (kind && read_ns(kind == 2, &ns)) {
		ts->sec = (int64_t)(ns / NS_PER_SEC);
		ts->nsec = (int64_t)(ns % NS_PER_SEC);
		return 0;
	}
	return (int)sys2(SYS_clock_gettime, clock, (long)ts);
}

int __vdso_clock_getres(int clock, struct vdso_timespec *res);
int __vdso_clock_getres(int clock, struct vdso_timespec *res)
{
	return (int)sys2(SYS_clock_getres, clock, (long)res);
}

int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz);
int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
{
	uint64_t ns;

	if (!read_ns(1, &ns))
		return (int)sys2(SYS_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->sec = (int64_t)(ns / NS_PER_SEC);
		tv->usec = (int64_t)(ns % NS_PER_SEC / 1000);
	}
	if (tz) {
		tz->minuteswest = 0;
		tz->dsttime = 0;
	}
	return 0;
}

long __vdso_time(long *t);
long __vdso_time(long *t)
{
	uint64_t ns;
	long s;

	if (!read_ns(1, &ns))
		return sys2(SYS_time, (long)t, 0);
	s = (long)(ns / NS_PER_SEC);
	if (t)
		*t = s;
	return s;
}

int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused);
int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	uint32_t flags = vvar.flags, aux;

	if (!(flags & VVAR_CPU_AUX))
		return (int)sys3(SYS_getcpu, (long)cpu, (long)node, (long)unused);
	if (flags & VVAR_RDPID) {
		uint64_t v;
		__asm__ volatile("rdpid %0" : "=r"(v));
		aux = (uint32_t)v;
	} else {
		uint32_t lo, hi;
		__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	}
	if (cpu)
		*cpu = aux & 0xfff;
	if (node)
		*node = aux >> 12;
	return 0;
}

int clock_gettime(int clock, struct vdso_timespec *ts)
	__attribute__((weak, alias("__vdso_clock_gettime")));
int clock_getres(int clock, struct vdso_timespec *res)
	__attribute__((weak, alias("__vdso_clock_getres")));
int gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
	__attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *t) __attribute__((weak, alias("__vdso_time")));
int getcpu(unsigned *cpu, unsigned *node, void *unused)
	__attribute__((weak, alias("__vdso_getcpu")));
