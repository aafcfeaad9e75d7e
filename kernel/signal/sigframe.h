/* sigframe.h: the signal frame as a Linux x86-64 program sees it on its stack when a
 * handler runs (arch/x86/include/uapi/asm/{sigcontext,ucontext}.h): the return address
 * (sa_restorer), struct ucontext (whose uc_mcontext is struct sigcontext) and siginfo;
 * the XSAVE image sits below the frame, 64-byte aligned, pointed to by
 * uc_mcontext.fpstate, with the fpx_sw_bytes describing it in bytes 464..511 of its
 * legacy area and FP_XSTATE_MAGIC2 right after it. Sizes and offsets are ABI: the static
 * asserts below and tests/unit/test_signal.c hold them to Linux's. */
#ifndef ISLE_SIGNAL_SIGFRAME_H
#define ISLE_SIGNAL_SIGFRAME_H

#include <stddef.h>
#include <stdint.h>

#include "signal/signal.h"

#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define FP_XSTATE_MAGIC2_SIZE 4
#define FPX_SW_BYTES_OFFSET 464

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

/* stack_t */
struct sig_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t _pad;
	uint64_t ss_size;
};

/* struct sigcontext (64-bit). */
struct sig_context {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user address of the XSAVE/FXSAVE image, 0 = none */
	uint64_t reserved1[8];
};

/* struct ucontext as the kernel writes it (the C library's ucontext_t is larger: only
 * this prefix is the kernel's). */
struct sig_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct sig_stack uc_stack;
	struct sig_context uc_mcontext;
	uint64_t uc_sigmask;
};

/* struct rt_sigframe: what rsp points to when the handler starts. */
struct sig_rt_frame {
	uint64_t pretcode;
	struct sig_ucontext uc;
	struct ksiginfo info;
};

/* struct _fpx_sw_bytes, in the software-reserved bytes of the FXSAVE legacy area. */
struct sig_fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size; /* xstate_size + FP_XSTATE_MAGIC2_SIZE */
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

_Static_assert(sizeof(struct sig_stack) == 24, "stack_t");
_Static_assert(offsetof(struct sig_context, rip) == 128, "sigcontext.rip");
_Static_assert(offsetof(struct sig_context, eflags) == 136, "sigcontext.eflags");
_Static_assert(offsetof(struct sig_context, cs) == 144, "sigcontext.cs");
_Static_assert(offsetof(struct sig_context, err) == 152, "sigcontext.err");
_Static_assert(offsetof(struct sig_context, cr2) == 176, "sigcontext.cr2");
_Static_assert(offsetof(struct sig_context, fpstate) == 184, "sigcontext.fpstate");
_Static_assert(sizeof(struct sig_context) == 256, "sigcontext size");
_Static_assert(offsetof(struct sig_ucontext, uc_stack) == 16, "uc_stack");
_Static_assert(offsetof(struct sig_ucontext, uc_mcontext) == 40, "uc_mcontext");
_Static_assert(offsetof(struct sig_ucontext, uc_sigmask) == 296, "uc_sigmask");
_Static_assert(sizeof(struct sig_ucontext) == 304, "ucontext size");
_Static_assert(offsetof(struct sig_rt_frame, uc) == 8, "rt_sigframe.uc");
_Static_assert(offsetof(struct sig_rt_frame, info) == 312, "rt_sigframe.info");
_Static_assert(sizeof(struct sig_rt_frame) == 440, "rt_sigframe size");
_Static_assert(sizeof(struct sig_fpx_sw_bytes) == 48, "fpx_sw_bytes");

/* Pure helpers of frame.c (host-tested). */

/* Where the frame goes: given the interrupted rsp, whether to switch to the alternate
 * stack (ss_sp, ss_size; size 0 = none) and the FPU image size, the frame address (rsp
 * for the handler: (frame + 8) % 16 == 0) and the 64-byte aligned image address. Returns
 * 0, or -EFAULT when the frame would overflow the alternate stack. */
int sigframe_place(uint64_t rsp, bool onstack, uint64_t ss_sp, uint64_t ss_size, bool autodisarm,
		   uint64_t fpu_bytes, uint64_t *frame, uint64_t *fpstate);
/* Is sp on the alternate stack (Linux's on_sig_stack, ignoring SS_AUTODISARM)? */
bool sigframe_on_stack(uint64_t sp, uint64_t ss_sp, uint64_t ss_size);
/* The rflags rt_sigreturn keeps from the frame: the arithmetic flags, DF, TF, RF, AC;
 * everything else comes from cur. */
uint64_t sigframe_merge_flags(uint64_t cur, uint64_t from_frame);

#endif
