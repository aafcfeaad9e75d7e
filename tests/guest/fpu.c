/* fpu.c: the program's floating-point and vector state survives system calls and the
 * interrupts that arrive while it sleeps. All of xmm0-15 (ymm0-15 with AVX, zmm0-31 and
 * k0-7 with AVX-512) are loaded with distinct values, a system call runs with them live,
 * and they are compared afterwards, all inside one asm statement so the compiler cannot
 * move them. Also the rounding mode (MXCSR and the x87 control word) and a double
 * computation interleaved with output. Prints which register sets were checked. */
#define _GNU_SOURCE
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define ROUNDS 40

static const char dot[] = ".";

/* Syscall numbers cycled through: write a dot, getpid, a 1 ms nanosleep, an unknown one. */
static long call_args(int round, long *a1, long *a2, long *a3)
{
	static const struct timespec ms = {0, 1000000};

	switch (round % 4) {
	case 0:
		*a1 = 1, *a2 = (long)dot, *a3 = 1;
		return SYS_write;
	case 1:
		*a1 = *a2 = *a3 = 0;
		return SYS_getpid;
	case 2:
		*a1 = (long)&ms, *a2 = 0, *a3 = 0;
		return SYS_nanosleep;
	default:
		*a1 = *a2 = *a3 = 0;
		return 999;
	}
}

static void fill(unsigned char *buf, size_t n, int round)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 13 + round * 101 + 7);
}

static void sse_round(int round)
{
	_Alignas(64) unsigned char in[16 * 16], out[16 * 16];
	long a1, a2, a3, nr = call_args(round, &a1, &a2, &a3), ret;

	fill(in, sizeof(in), round);
	memset(out, 0, sizeof(out));
	register long r10 __asm__("r10") = 0;
	__asm__ volatile("movdqu 0(%[in]), %%xmm0\n\t"
			 "movdqu 16(%[in]), %%xmm1\n\t"
			 "movdqu 32(%[in]), %%xmm2\n\t"
			 "movdqu 48(%[in]), %%xmm3\n\t"
			 "movdqu 64(%[in]), %%xmm4\n\t"
			 "movdqu 80(%[in]), %%xmm5\n\t"
			 "movdqu 96(%[in]), %%xmm6\n\t"
			 "movdqu 112(%[in]), %%xmm7\n\t"
			 "movdqu 128(%[in]), %%xmm8\n\t"
			 "movdqu 144(%[in]), %%xmm9\n\t"
			 "movdqu 160(%[in]), %%xmm10\n\t"
			 "movdqu 176(%[in]), %%xmm11\n\t"
			 "movdqu 192(%[in]), %%xmm12\n\t"
			 "movdqu 208(%[in]), %%xmm13\n\t"
			 "movdqu 224(%[in]), %%xmm14\n\t"
			 "movdqu 240(%[in]), %%xmm15\n\t"
			 "syscall\n\t"
			 "movdqu %%xmm0, 0(%[out])\n\t"
			 "movdqu %%xmm1, 16(%[out])\n\t"
			 "movdqu %%xmm2, 32(%[out])\n\t"
			 "movdqu %%xmm3, 48(%[out])\n\t"
			 "movdqu %%xmm4, 64(%[out])\n\t"
			 "movdqu %%xmm5, 80(%[out])\n\t"
			 "movdqu %%xmm6, 96(%[out])\n\t"
			 "movdqu %%xmm7, 112(%[out])\n\t"
			 "movdqu %%xmm8, 128(%[out])\n\t"
			 "movdqu %%xmm9, 144(%[out])\n\t"
			 "movdqu %%xmm10, 160(%[out])\n\t"
			 "movdqu %%xmm11, 176(%[out])\n\t"
			 "movdqu %%xmm12, 192(%[out])\n\t"
			 "movdqu %%xmm13, 208(%[out])\n\t"
			 "movdqu %%xmm14, 224(%[out])\n\t"
			 "movdqu %%xmm15, 240(%[out])\n\t"
			 : "=a"(ret), "+r"(r10)
			 : [in] "r"(in), [out] "r"(out), "a"(nr), "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			   "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
			   "xmm14", "xmm15");
	(void)ret;
	for (size_t i = 0; i < sizeof(in); i++)
		CHECK(in[i] == out[i], "xmm%zu byte %zu changed across syscall %ld", i / 16, i % 16,
		      nr);
}

static void avx_round(int round)
{
	_Alignas(64) unsigned char in[16 * 32], out[16 * 32];
	long a1, a2, a3, nr = call_args(round, &a1, &a2, &a3), ret;

	fill(in, sizeof(in), round);
	memset(out, 0, sizeof(out));
	register long r10 __asm__("r10") = 0;
	__asm__ volatile("vmovdqu 0(%[in]), %%ymm0\n\t"
			 "vmovdqu 32(%[in]), %%ymm1\n\t"
			 "vmovdqu 64(%[in]), %%ymm2\n\t"
			 "vmovdqu 96(%[in]), %%ymm3\n\t"
			 "vmovdqu 128(%[in]), %%ymm4\n\t"
			 "vmovdqu 160(%[in]), %%ymm5\n\t"
			 "vmovdqu 192(%[in]), %%ymm6\n\t"
			 "vmovdqu 224(%[in]), %%ymm7\n\t"
			 "vmovdqu 256(%[in]), %%ymm8\n\t"
			 "vmovdqu 288(%[in]), %%ymm9\n\t"
			 "vmovdqu 320(%[in]), %%ymm10\n\t"
			 "vmovdqu 352(%[in]), %%ymm11\n\t"
			 "vmovdqu 384(%[in]), %%ymm12\n\t"
			 "vmovdqu 416(%[in]), %%ymm13\n\t"
			 "vmovdqu 448(%[in]), %%ymm14\n\t"
			 "vmovdqu 480(%[in]), %%ymm15\n\t"
			 "syscall\n\t"
			 "vmovdqu %%ymm0, 0(%[out])\n\t"
			 "vmovdqu %%ymm1, 32(%[out])\n\t"
			 "vmovdqu %%ymm2, 64(%[out])\n\t"
			 "vmovdqu %%ymm3, 96(%[out])\n\t"
			 "vmovdqu %%ymm4, 128(%[out])\n\t"
			 "vmovdqu %%ymm5, 160(%[out])\n\t"
			 "vmovdqu %%ymm6, 192(%[out])\n\t"
			 "vmovdqu %%ymm7, 224(%[out])\n\t"
			 "vmovdqu %%ymm8, 256(%[out])\n\t"
			 "vmovdqu %%ymm9, 288(%[out])\n\t"
			 "vmovdqu %%ymm10, 320(%[out])\n\t"
			 "vmovdqu %%ymm11, 352(%[out])\n\t"
			 "vmovdqu %%ymm12, 384(%[out])\n\t"
			 "vmovdqu %%ymm13, 416(%[out])\n\t"
			 "vmovdqu %%ymm14, 448(%[out])\n\t"
			 "vmovdqu %%ymm15, 480(%[out])\n\t"
			 "vzeroupper\n\t"
			 : "=a"(ret), "+r"(r10)
			 : [in] "r"(in), [out] "r"(out), "a"(nr), "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			   "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
			   "xmm14", "xmm15");
	(void)ret;
	for (size_t i = 0; i < sizeof(in); i++)
		CHECK(in[i] == out[i], "ymm%zu byte %zu changed across syscall %ld", i / 32, i % 32,
		      nr);
}

/* zmm16-31 (no SSE/AVX alias) and the mask registers k1-7. */
__attribute__((target("avx512f"))) static void avx512_round(int round)
{
	_Alignas(64) unsigned char in[16 * 64], out[16 * 64];
	uint64_t kin[7], kout[7];
	long a1, a2, a3, nr = call_args(round, &a1, &a2, &a3), ret;

	fill(in, sizeof(in), round);
	memset(out, 0, sizeof(out));
	for (int i = 0; i < 7; i++)
		kin[i] = 0x0123456789abcdefull * (uint64_t)(i + 1) + (uint64_t)round, kout[i] = 0;
	register long r10 __asm__("r10") = 0;
	__asm__ volatile(".irp n,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
			 "vmovdqu64 (\\n-16)*64(%[in]), %%zmm\\n\n\t"
			 ".endr\n\t"
			 ".irp n,1,2,3,4,5,6,7\n\t"
			 "kmovq (\\n-1)*8(%[kin]), %%k\\n\n\t"
			 ".endr\n\t"
			 "syscall\n\t"
			 ".irp n,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
			 "vmovdqu64 %%zmm\\n, (\\n-16)*64(%[out])\n\t"
			 ".endr\n\t"
			 ".irp n,1,2,3,4,5,6,7\n\t"
			 "kmovq %%k\\n, (\\n-1)*8(%[kout])\n\t"
			 ".endr\n\t"
			 "vzeroupper\n\t"
			 : "=a"(ret), "+r"(r10)
			 : [in] "r"(in), [out] "r"(out), [kin] "r"(kin), [kout] "r"(kout), "a"(nr),
			   "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "memory", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20",
			   "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28",
			   "xmm29", "xmm30", "xmm31", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
	(void)ret;
	for (size_t i = 0; i < sizeof(in); i++)
		CHECK(in[i] == out[i], "zmm%zu byte %zu changed across syscall %ld", 16 + i / 64,
		      i % 64, nr);
	for (int i = 0; i < 7; i++)
		CHECK(kin[i] == kout[i], "k%d changed across syscall %ld", i + 1, nr);
}

/* A computation whose every step is printed (a write per step) must give the same bits as
 * the same computation done without any system call. */
static double series(int n, int print)
{
	volatile double x = 0.0;

	for (int i = 1; i <= n; i++) {
		x = x + sqrt((double)i) / (double)(i * i + 1);
		if (print)
			printf("%d %.17g\n", i, (double)x);
	}
	return x;
}

int main(void)
{
	int avx = __builtin_cpu_supports("avx");
	int avx512 = __builtin_cpu_supports("avx512f");

	CHECK(fesetround(FE_UPWARD) == 0);
	for (int r = 0; r < ROUNDS; r++) {
		sse_round(r);
		if (avx)
			avx_round(r);
		if (avx512)
			avx512_round(r);
	}
	printf("\n");
	CHECK(fegetround() == FE_UPWARD, "the rounding mode changed across system calls");
	/* fegetround reads MXCSR; check the x87 control word too. */
	unsigned short cw;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	CHECK((cw & 0x0c00) == 0x0800, "x87 rounding control %#x", cw & 0x0c00);
	CHECK(fesetround(FE_TONEAREST) == 0);

	double quiet = series(200, 0);
	double loud = series(200, 1);
	CHECK(memcmp(&quiet, &loud, sizeof(double)) == 0, "%.17g != %.17g", quiet, loud);

	printf("fpu: sse checked\n");
	if (avx)
		printf("fpu: avx checked\n");
	if (avx512)
		printf("fpu: avx512 checked\n");
	guest_pass("fpu");
	return 0;
}
