/* sigfault.c: synchronous faults caught by handlers, as Go and JITs rely on, checked
 * against Linux: SIGSEGV for a NULL read on an alternate stack (SA_ONSTACK; si_addr,
 * SEGV_MAPERR, the page-fault trap number and error code, SS_ONSTACK and EPERM from
 * sigaltstack while on it) and a write to a read-only page (SEGV_ACCERR), recovering with
 * siglongjmp; SIGFPE for an integer division by zero (FPE_INTDIV); SIGILL for ud2
 * (ILL_ILLOPN, si_addr = the instruction) resumed by moving rip in the ucontext, with
 * every other register, rcx and r11 included, as they were; SIGTRAP for int3; and the
 * extended state: xmm0-15 and the rounding mode survive a handler that clobbers them,
 * and the handler starts with the default MXCSR.
 *
 * With an argument: "blocked" faults with SIGSEGV blocked (the program dies: 139). */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "guest.h"

static sigjmp_buf env;
static volatile int got_sig, got_code;
static volatile uintptr_t got_addr, got_trapno, got_err, got_local;
static volatile int got_ss_flags, got_eperm;
static char altstack[64 * 1024] __attribute__((aligned(16)));

static void fault_handler(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;
	volatile int local;
	stack_t cur, next = {.ss_sp = altstack, .ss_size = sizeof(altstack)};

	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	got_trapno = (uintptr_t)uc->uc_mcontext.gregs[REG_TRAPNO];
	got_err = (uintptr_t)uc->uc_mcontext.gregs[REG_ERR];
	got_local = (uintptr_t)&local;
	sigaltstack(NULL, &cur);
	got_ss_flags = cur.ss_flags;
	got_eperm = sigaltstack(&next, NULL) == -1 && errno == EPERM;
	siglongjmp(env, 1);
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void test_segv(void)
{
	stack_t ss = {.ss_sp = altstack, .ss_size = 1024}, old;

	CHECK(sigaltstack(&ss, NULL) == -1 && errno == ENOMEM);
	ss.ss_size = sizeof(altstack);
	CHECK(sigaltstack(&ss, NULL) == 0);
	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == 0 && old.ss_sp == altstack);
	install(SIGSEGV, fault_handler, SA_ONSTACK);
	if (sigsetjmp(env, 1) == 0) {
		volatile int v = *(volatile int *)0;
		(void)v;
		CHECK(0, "the NULL read did not fault");
	}
	CHECK(got_sig == SIGSEGV && got_code == SEGV_MAPERR && got_addr == 0, "sig %d code %d",
	      got_sig, got_code);
	CHECK(got_trapno == 14 && (got_err & 4), "trapno %lu err %#lx", (unsigned long)got_trapno,
	      (unsigned long)got_err);
	CHECK(got_local >= (uintptr_t)altstack &&
		      got_local < (uintptr_t)altstack + sizeof(altstack),
	      "handler not on the alternate stack");
	CHECK(got_ss_flags == SS_ONSTACK && got_eperm, "on the alternate stack: flags %d",
	      got_ss_flags);

	long pg = sysconf(_SC_PAGESIZE);
	char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	if (sigsetjmp(env, 1) == 0) {
		*(volatile char *)(ro + 8) = 1;
		CHECK(0, "the write to a read-only page did not fault");
	}
	CHECK(got_sig == SIGSEGV && got_code == SEGV_ACCERR && got_addr == (uintptr_t)ro + 8,
	      "code %d addr %#lx", got_code, (unsigned long)got_addr);
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0);
	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE);
	printf("segv ok\n");
}

static void test_fpe(void)
{
	volatile int zero = 0, num = 7;

	install(SIGFPE, fault_handler, 0);
	if (sigsetjmp(env, 1) == 0) {
		volatile int r = num / zero;
		(void)r;
		CHECK(0, "division by zero did not fault");
	}
	CHECK(got_sig == SIGFPE && got_code == FPE_INTDIV && got_addr != 0, "code %d", got_code);
	printf("fpe ok\n");
}

/* SIGILL at ud2: the handler skips it; registers must be intact afterwards. */
extern char ud2_insn[];
static void skip_handler(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	if (sig == SIGILL)
		uc->uc_mcontext.gregs[REG_RIP] += 2;
}

static void test_ill_and_regs(void)
{
	uint64_t in[6] = {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666}, out[6];

	install(SIGILL, skip_handler, 0);
	__asm__ volatile("movq 0(%0), %%rcx\n movq 8(%0), %%r11\n movq 16(%0), %%r8\n"
			 "movq 24(%0), %%r10\n movq 32(%0), %%rdx\n movq 40(%0), %%rsi\n"
			 ".globl ud2_insn\nud2_insn: ud2\n"
			 "movq %%rcx, 0(%1)\n movq %%r11, 8(%1)\n movq %%r8, 16(%1)\n"
			 "movq %%r10, 24(%1)\n movq %%rdx, 32(%1)\n movq %%rsi, 40(%1)\n"
			 :
			 : "D"(in), "a"(out)
			 : "rcx", "r11", "r8", "r10", "rdx", "rsi", "memory");
	CHECK(got_sig == SIGILL && got_code == ILL_ILLOPN && got_addr == (uintptr_t)ud2_insn,
	      "code %d addr %#lx", got_code, (unsigned long)got_addr);
	for (int i = 0; i < 6; i++)
		CHECK(out[i] == in[i], "register %d: %#lx after the handler", i,
		      (unsigned long)out[i]);

	install(SIGTRAP, skip_handler, 0);
	got_sig = 0;
	__asm__ volatile("int3");
	CHECK(got_sig == SIGTRAP && got_code == SI_KERNEL, "int3: sig %d code %d", got_sig,
	      got_code);
	printf("ill trap regs ok\n");
}

static volatile unsigned handler_mxcsr;

static void clobber_handler(int sig)
{
	(void)sig;
	unsigned m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	handler_mxcsr = m;
	__asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n movdqa %%xmm0, %%xmm1\n movdqa %%xmm0, %%xmm7\n"
			 "movdqa %%xmm0, %%xmm8\n movdqa %%xmm0, %%xmm15\n" ::
				 : "xmm0", "xmm1", "xmm7", "xmm8", "xmm15");
}

static void test_fpu(void)
{
	uint64_t in[32], out[32];
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = clobber_handler;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	for (int i = 0; i < 32; i++)
		in[i] = 0x0101010101010101ULL * (uint64_t)(i + 1);
	CHECK(fesetround(FE_UPWARD) == 0);
	long pid = getpid();
	/* kill(getpid(), SIGUSR1) with xmm0-15 live across the syscall and the handler. */
	__asm__ volatile(
		"movdqu 0(%0), %%xmm0\n movdqu 16(%0), %%xmm1\n movdqu 32(%0), %%xmm2\n"
		"movdqu 48(%0), %%xmm3\n movdqu 64(%0), %%xmm4\n movdqu 80(%0), %%xmm5\n"
		"movdqu 96(%0), %%xmm6\n movdqu 112(%0), %%xmm7\n movdqu 128(%0), %%xmm8\n"
		"movdqu 144(%0), %%xmm9\n movdqu 160(%0), %%xmm10\n movdqu 176(%0), %%xmm11\n"
		"movdqu 192(%0), %%xmm12\n movdqu 208(%0), %%xmm13\n movdqu 224(%0), %%xmm14\n"
		"movdqu 240(%0), %%xmm15\n"
		"movl $62, %%eax\n movq %2, %%rdi\n movl $10, %%esi\n syscall\n"
		"movdqu %%xmm0, 0(%1)\n movdqu %%xmm1, 16(%1)\n movdqu %%xmm2, 32(%1)\n"
		"movdqu %%xmm3, 48(%1)\n movdqu %%xmm4, 64(%1)\n movdqu %%xmm5, 80(%1)\n"
		"movdqu %%xmm6, 96(%1)\n movdqu %%xmm7, 112(%1)\n movdqu %%xmm8, 128(%1)\n"
		"movdqu %%xmm9, 144(%1)\n movdqu %%xmm10, 160(%1)\n movdqu %%xmm11, 176(%1)\n"
		"movdqu %%xmm12, 192(%1)\n movdqu %%xmm13, 208(%1)\n movdqu %%xmm14, 224(%1)\n"
		"movdqu %%xmm15, 240(%1)\n"
		:
		: "r"(in), "r"(out), "r"(pid)
		: "rax", "rdi", "rsi", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3",
		  "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		  "xmm13", "xmm14", "xmm15");
	CHECK(fegetround() == FE_UPWARD, "rounding mode lost");
	fesetround(FE_TONEAREST);
	CHECK((handler_mxcsr & 0xffbf) == 0x1f80, "handler MXCSR %#x", handler_mxcsr);
	for (int i = 0; i < 32; i++)
		CHECK(out[i] == in[i], "xmm%d half %d: %#llx", i / 2, i % 2,
		      (unsigned long long)out[i]);
	printf("fpu ok\n");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "blocked")) {
		sigset_t s;
		install(SIGSEGV, fault_handler, 0);
		sigemptyset(&s);
		sigaddset(&s, SIGSEGV);
		sigprocmask(SIG_BLOCK, &s, NULL);
		printf("faulting with SIGSEGV blocked\n");
		*(volatile int *)0 = 1;
		printf("FAIL sigfault: survived a blocked SIGSEGV\n");
		return 1;
	}
	test_segv();
	test_fpe();
	test_ill_and_regs();
	test_fpu();
	guest_pass("sigfault");
	return 0;
}
