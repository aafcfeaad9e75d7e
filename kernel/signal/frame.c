/* frame.c: entering a handler and coming back from it. sigframe_push saves the
 * interrupted registers, mask, alternate-stack settings and extended state in a Linux
 * rt_sigframe (sigframe.h) on the program's stack and points the registers at the
 * handler; rt_sigreturn reads them back, trusting nothing in them: flags are merged
 * (only the arithmetic ones, DF, TF, RF, AC come from the frame), cs/ss stay the user
 * selectors, the mask loses SIGKILL/SIGSTOP, and the extended state is checked before
 * XRSTOR sees it (a bad one is SIGSEGV, as on Linux). Also sigaltstack.
 *
 * The extended state is live in the CPU while the thread runs (arch.h), so it is saved
 * with arch_fpu_save into a kernel buffer and copied out, and the handler starts with
 * the initial state. */
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "sched/task.h"
#include "signal/internal.h"
#include "signal/sigframe.h"

#define FL_TF 0x100ull
#define FL_DF 0x400ull
#define FL_RF 0x10000ull
#define XFEATURES_LEGACY 0x3ull /* x87, SSE */
#define OFF_XSTATE_BV 512

/* Bytes of the image the CPU writes: the XSAVE area, or the 512-byte FXSAVE one. */
static uint32_t image_size(void)
{
	return cpu_features.xsave ? cpu_features.xsave_size : 512;
}

/* A 64-byte aligned kernel buffer of arch_fpu_size() bytes; *raw is what to kfree. */
static uint8_t *fpu_buffer(void **raw)
{
	*raw = kzalloc(arch_fpu_size() + 64); /* XSAVE leaves header bytes 16-63 alone */
	if (!*raw)
		return NULL;
	return (uint8_t *)(((uintptr_t)*raw + 63) & ~(uintptr_t)63);
}

static int32_t altstack_flags(const struct task *t)
{
	return t->sig.altstack_size ? t->sig.altstack_flags : SS_DISABLE;
}

/* Save the extended state at user address ufp. */
static int save_fpu(uint64_t ufp)
{
	void *raw;
	uint8_t *buf = fpu_buffer(&raw);
	uint32_t size = image_size();

	if (!buf)
		return -EFAULT;
	arch_fpu_save(buf);
	struct sig_fpx_sw_bytes sw = {0};
	if (cpu_features.xsave) {
		sw.magic1 = FP_XSTATE_MAGIC1;
		sw.extended_size = size + FP_XSTATE_MAGIC2_SIZE;
		sw.xfeatures = cpu_features.xcr0;
		sw.xstate_size = size;
	}
	__builtin_memcpy(buf + FPX_SW_BYTES_OFFSET, &sw, sizeof(sw));
	int r = copy_to_user((void *)ufp, buf, size);
	uint32_t magic2 = FP_XSTATE_MAGIC2;
	if (r == 0 && cpu_features.xsave)
		r = copy_to_user((void *)(ufp + size), &magic2, sizeof(magic2));
	kfree(raw);
	return r;
}

/* The handler starts with the initial extended state. */
static void reset_fpu(void)
{
	void *raw;
	uint8_t *buf = fpu_buffer(&raw);

	if (!buf)
		return;
	arch_fpu_init(buf);
	arch_fpu_restore(buf);
	kfree(raw);
}

int sigframe_push(struct trap_frame *tf, int sig, const struct sig_action *ka,
		  const struct ksiginfo *info, uint64_t oldmask)
{
	struct task *t = current;
	uint64_t fpu_bytes = image_size() + (cpu_features.xsave ? FP_XSTATE_MAGIC2_SIZE : 0);
	uint64_t uframe, ufp;

	/* x86-64 has no kernel-provided return trampoline: without sa_restorer Linux fails
	 * the delivery and the program gets SIGSEGV. */
	if (!(ka->flags & SA_RESTORER))
		return -EFAULT;
	if (sigframe_place(tf->rsp, ka->flags & SA_ONSTACK, t->sig.altstack_sp,
			   t->sig.altstack_size, t->sig.altstack_flags & SS_AUTODISARM, fpu_bytes,
			   &uframe, &ufp) < 0)
		return -EFAULT;
	if (save_fpu(ufp) < 0)
		return -EFAULT;

	struct sig_rt_frame f;
	__builtin_memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	if (cpu_features.xsave)
		f.uc.uc_flags |= UC_FP_XSTATE;
	f.uc.uc_stack.ss_sp = t->sig.altstack_sp;
	f.uc.uc_stack.ss_flags = altstack_flags(t);
	f.uc.uc_stack.ss_size = t->sig.altstack_size;
	struct sig_context *sc = &f.uc.uc_mcontext;
	sc->r8 = tf->r8, sc->r9 = tf->r9, sc->r10 = tf->r10, sc->r11 = tf->r11;
	sc->r12 = tf->r12, sc->r13 = tf->r13, sc->r14 = tf->r14, sc->r15 = tf->r15;
	sc->rdi = tf->rdi, sc->rsi = tf->rsi, sc->rbp = tf->rbp, sc->rbx = tf->rbx;
	sc->rdx = tf->rdx, sc->rax = tf->rax, sc->rcx = tf->rcx, sc->rsp = tf->rsp;
	sc->rip = tf->rip, sc->eflags = tf->rflags;
	sc->cs = (uint16_t)tf->cs, sc->ss = (uint16_t)tf->ss;
	if (tf->vector < 32) {
		sc->trapno = tf->vector;
		sc->err = tf->error;
	}
	if ((sig == SIGSEGV || sig == SIGBUS) && info->si_code > 0)
		sc->cr2 = info->fault.addr;
	sc->oldmask = oldmask;
	sc->fpstate = ufp;
	f.uc.uc_sigmask = oldmask;
	f.info = *info;
	if (copy_to_user((void *)uframe, &f, sizeof(f)) < 0)
		return -EFAULT;

	if (t->sig.altstack_flags & SS_AUTODISARM) {
		t->sig.altstack_sp = 0;
		t->sig.altstack_size = 0;
		t->sig.altstack_flags = 0;
	}
	tf->rdi = (uint64_t)sig;
	tf->rsi = uframe + offsetof(struct sig_rt_frame, info);
	tf->rdx = uframe + offsetof(struct sig_rt_frame, uc);
	tf->rax = 0;
	tf->rsp = uframe;
	tf->rip = ka->handler;
	tf->rflags &= ~(FL_DF | FL_TF | FL_RF);
	reset_fpu();
	return 0;
}

/* Restore the extended state from the image at user address ufp (0: initial state). */
static int restore_fpu(uint64_t ufp)
{
	void *raw;
	uint8_t *buf = fpu_buffer(&raw);
	uint32_t size = image_size();
	int r = -EFAULT;

	if (!buf)
		return -EFAULT;
	if (!ufp) {
		arch_fpu_init(buf);
		arch_fpu_restore(buf);
		kfree(raw);
		return 0;
	}
	__builtin_memset(buf, 0, arch_fpu_size());
	if (copy_from_user(buf, (const void *)ufp, 512) < 0)
		goto out;
	struct sig_fpx_sw_bytes sw;
	uint32_t magic2 = 0;
	__builtin_memcpy(&sw, buf + FPX_SW_BYTES_OFFSET, sizeof(sw));
	bool full = cpu_features.xsave && sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size == size &&
		    sw.extended_size == size + FP_XSTATE_MAGIC2_SIZE &&
		    copy_from_user(&magic2, (const void *)(ufp + size), 4) == 0 &&
		    magic2 == FP_XSTATE_MAGIC2;
	if (full) {
		if (copy_from_user(buf, (const void *)ufp, size) < 0)
			goto out;
		/* Components the frame does not claim start from their initial state. */
		uint64_t bv;
		__builtin_memcpy(&bv, buf + OFF_XSTATE_BV, sizeof(bv));
		bv &= sw.xfeatures | XFEATURES_LEGACY;
		__builtin_memcpy(buf + OFF_XSTATE_BV, &bv, sizeof(bv));
	} else if (cpu_features.xsave) {
		/* Only the legacy FXSAVE part is valid (Linux's fx_only). */
		uint64_t bv = XFEATURES_LEGACY;
		__builtin_memset(buf + 512, 0, arch_fpu_size() - 512);
		__builtin_memcpy(buf + OFF_XSTATE_BV, &bv, sizeof(bv));
	}
	__builtin_memset(buf + FPX_SW_BYTES_OFFSET, 0, sizeof(sw));
	if (arch_fpu_check(buf) < 0)
		goto out;
	arch_fpu_restore(buf);
	r = 0;
out:
	kfree(raw);
	return r;
}

/* sigaltstack with the thread's rsp sp; new/old may be NULL. */
int signal_altstack(const struct sig_stack *ss, struct sig_stack *old, uint64_t sp)
{
	struct task *t = current;
	bool autodisarm = t->sig.altstack_flags & SS_AUTODISARM;
	bool on = !autodisarm && sigframe_on_stack(sp, t->sig.altstack_sp, t->sig.altstack_size);

	if (old) {
		__builtin_memset(old, 0, sizeof(*old));
		old->ss_sp = t->sig.altstack_sp;
		old->ss_size = t->sig.altstack_size;
		old->ss_flags =
			(int32_t)((t->sig.altstack_size ? (on ? SS_ONSTACK : 0) : SS_DISABLE) |
				  (t->sig.altstack_flags & SS_AUTODISARM));
	}
	if (!ss)
		return 0;
	if (on)
		return -EPERM;
	uint32_t flags = (uint32_t)ss->ss_flags;
	uint32_t mode = flags & ~SS_AUTODISARM;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	uint64_t ss_sp = ss->ss_sp, size = ss->ss_size;
	if (mode == SS_DISABLE) {
		ss_sp = 0;
		size = 0;
	} else if (size < MINSIGSTKSZ) {
		return -ENOMEM;
	}
	t->sig.altstack_sp = ss_sp;
	t->sig.altstack_size = size;
	t->sig.altstack_flags = size ? (int)flags : 0;
	return 0;
}

long signal_sigreturn(struct trap_frame *tf)
{
	struct task *t = current;
	struct sig_rt_frame f;
	uint64_t uframe = tf->rsp - 8; /* the handler's ret popped pretcode */

	t->syscall_nr = -1; /* never restart anything from here */
	if (copy_from_user(&f, (const void *)uframe, sizeof(f)) < 0)
		goto bad;
	const struct sig_context *sc = &f.uc.uc_mcontext;
	if (restore_fpu(sc->fpstate) < 0)
		goto bad;
	signal_set_blocked(t, f.uc.uc_sigmask);
	tf->r8 = sc->r8, tf->r9 = sc->r9, tf->r10 = sc->r10, tf->r11 = sc->r11;
	tf->r12 = sc->r12, tf->r13 = sc->r13, tf->r14 = sc->r14, tf->r15 = sc->r15;
	tf->rdi = sc->rdi, tf->rsi = sc->rsi, tf->rbp = sc->rbp, tf->rbx = sc->rbx;
	tf->rdx = sc->rdx, tf->rax = sc->rax, tf->rcx = sc->rcx, tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = sigframe_merge_flags(tf->rflags, sc->eflags);
	/* tf->cs and tf->ss keep the user selectors the entry put there. */
	struct sig_stack ss = f.uc.uc_stack;
	(void)signal_altstack(&ss, NULL, tf->rsp); /* errors other than EFAULT are ignored */
	return (long)tf->rax;
bad:
	signal_kill_default(SIGSEGV, "rt_sigreturn found a bad signal frame");
}
