/* frame_calc.c: the arithmetic of signal frames that must match Linux bit for bit: where
 * the frame and the FPU image go (get_sigframe: skip the 128-byte red zone, switch to the
 * alternate stack, 64-byte aligned image, then the frame so that the handler starts with
 * rsp + 8 a multiple of 16, never overflowing the alternate stack), and which rflags a
 * program may set through rt_sigreturn. Pure code, unit-tested on the host. */
#include <stdbool.h>

#include "core/errno.h"
#include "signal/sigframe.h"

#define RED_ZONE 128

/* rflags bits rt_sigreturn takes from the frame (Linux's FIX_EFLAGS). */
#define FL_CF 0x1ull
#define FL_PF 0x4ull
#define FL_AF 0x10ull
#define FL_ZF 0x40ull
#define FL_SF 0x80ull
#define FL_TF 0x100ull
#define FL_DF 0x400ull
#define FL_OF 0x800ull
#define FL_RF 0x10000ull
#define FL_AC 0x40000ull
#define FIX_FLAGS (FL_AC | FL_OF | FL_DF | FL_TF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF | FL_RF)

bool sigframe_on_stack(uint64_t sp, uint64_t ss_sp, uint64_t ss_size)
{
	return ss_size && sp > ss_sp && sp - ss_sp <= ss_size;
}

int sigframe_place(uint64_t rsp, bool onstack, uint64_t ss_sp, uint64_t ss_size, bool autodisarm,
		   uint64_t fpu_bytes, uint64_t *frame, uint64_t *fpstate)
{
	uint64_t sp = rsp - RED_ZONE;
	bool nested = !autodisarm && sigframe_on_stack(sp, ss_sp, ss_size);
	bool entering = false;

	if (onstack && ss_size && !nested) {
		sp = ss_sp + ss_size;
		entering = true;
	}
	if (sp < fpu_bytes + sizeof(struct sig_rt_frame) + 64)
		return -EFAULT;
	sp = (sp - fpu_bytes) & ~63ull;
	*fpstate = sp;
	sp = ((sp - sizeof(struct sig_rt_frame)) & ~15ull) - 8;
	if ((nested || entering) && !sigframe_on_stack(sp, ss_sp, ss_size))
		return -EFAULT;
	*frame = sp;
	return 0;
}

uint64_t sigframe_merge_flags(uint64_t cur, uint64_t from_frame)
{
	return (cur & ~FIX_FLAGS) | (from_frame & FIX_FLAGS);
}
