/* signal_glibc_abi.c: offsets of the signal ABI structures as the host C library declares
 * them (ucontext_t, mcontext_t, siginfo_t, stack_t, struct signalfd_siginfo), in a
 * translation unit of its own because those headers clash with the kernel's. test_signal.c
 * holds kernel/signal/sigframe.h to them. */
#include <signal.h>
#include <stddef.h>
#include <sys/signalfd.h>
#include <sys/ucontext.h>

#include "signal_glibc_abi.h"

void glibc_abi(struct glibc_abi *a)
{
	a->o_uc_flags = offsetof(ucontext_t, uc_flags);
	a->o_uc_stack = offsetof(ucontext_t, uc_stack);
	a->o_uc_mcontext = offsetof(ucontext_t, uc_mcontext);
	a->o_uc_sigmask = offsetof(ucontext_t, uc_sigmask);
	a->o_greg_rip = offsetof(mcontext_t, gregs) + REG_RIP * sizeof(greg_t);
	a->o_greg_efl = offsetof(mcontext_t, gregs) + REG_EFL * sizeof(greg_t);
	a->o_greg_r8 = offsetof(mcontext_t, gregs) + REG_R8 * sizeof(greg_t);
	a->o_greg_rsp = offsetof(mcontext_t, gregs) + REG_RSP * sizeof(greg_t);
	a->o_greg_err = offsetof(mcontext_t, gregs) + REG_ERR * sizeof(greg_t);
	a->o_greg_cr2 = offsetof(mcontext_t, gregs) + REG_CR2 * sizeof(greg_t);
	a->o_greg_oldmask = offsetof(mcontext_t, gregs) + REG_OLDMASK * sizeof(greg_t);
	a->o_fpregs = offsetof(mcontext_t, fpregs);
	a->o_siginfo_size = sizeof(siginfo_t);
	a->o_si_addr = offsetof(siginfo_t, si_addr);
	a->o_si_pid = offsetof(siginfo_t, si_pid);
	a->o_si_uid = offsetof(siginfo_t, si_uid);
	a->o_si_value = offsetof(siginfo_t, si_value);
	a->o_si_code = offsetof(siginfo_t, si_code);
	a->o_stack_size = sizeof(stack_t);
	a->o_ss_flags = offsetof(stack_t, ss_flags);
	a->o_ss_size = offsetof(stack_t, ss_size);
	a->o_ssi_size = sizeof(struct signalfd_siginfo);
	a->o_ssi_addr = offsetof(struct signalfd_siginfo, ssi_addr);
	a->o_ssi_ptr = offsetof(struct signalfd_siginfo, ssi_ptr);
}
