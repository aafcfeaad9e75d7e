/* signal_glibc_abi.h: the host C library's signal ABI offsets (signal_glibc_abi.c). */
#ifndef ISLE_TEST_SIGNAL_GLIBC_ABI_H
#define ISLE_TEST_SIGNAL_GLIBC_ABI_H

#include <stddef.h>

struct glibc_abi {
	size_t o_uc_flags, o_uc_stack, o_uc_mcontext, o_uc_sigmask;
	size_t o_greg_rip, o_greg_efl, o_greg_r8, o_greg_rsp, o_greg_err, o_greg_cr2,
		o_greg_oldmask, o_fpregs;
	size_t o_siginfo_size, o_si_addr, o_si_pid, o_si_uid, o_si_value, o_si_code;
	size_t o_stack_size, o_ss_flags, o_ss_size;
	size_t o_ssi_size, o_ssi_addr, o_ssi_ptr;
};

void glibc_abi(struct glibc_abi *a);

#endif
