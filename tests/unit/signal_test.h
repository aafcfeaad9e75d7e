/* signal_test.h: helpers shared by test_signal.c and test_signal_sys.c: syscall calls
 * with raw arguments, program-memory addresses of the fakes (signal_fakes.h), a reset of
 * the process-wide signal state, handlers and user frames. */
#ifndef ISLE_TEST_SIGNAL_TEST_H
#define ISLE_TEST_SIGNAL_TEST_H

#include <string.h>

#include "signal/internal.h"
#include "syscall/sys.h"
#include "signal_fakes.h"

#define SIGUSR1_BIT SIG_BIT(SIGUSR1)
#define HANDLER 0x401000ULL
#define RESTORER 0x402000ULL

static inline long call(long (*fn)(const struct syscall_args *), uint64_t a0, uint64_t a1,
			uint64_t a2, uint64_t a3)
{
	struct syscall_args a = {{a0, a1, a2, a3, 0, 0}};
	return fn(&a);
}

static inline uint64_t at(size_t off)
{
	return SF_UBASE + off;
}

static inline void *mem(size_t off)
{
	return sf.umem + off;
}

static inline int reset(void **state)
{
	for (int i = 0; i < 2; i++)
		sigq_flush(&sf.tasks[i].sig.pending, &sf.tasks[i].sig.queue, ~0ULL);
	sf_reset();
	struct sig_action dfl = {0};
	for (int sig = 1; sig <= SIG_NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal_set_action(sig, &dfl, NULL);
	sigq_flush(signal_proc_set(), signal_proc_queue(), ~0ULL);
	return 0;
}

static inline void set_handler(int sig, uint64_t flags, uint64_t mask)
{
	struct sig_action a = {HANDLER, flags | SA_RESTORER, RESTORER, mask};
	assert_int_equal(signal_set_action(sig, &a, NULL), 0);
}

/* A user frame for a thread in a syscall or trap with distinct register values. */
static inline void make_tf(struct trap_frame *tf, uint64_t rsp)
{
	uint64_t *r = (uint64_t *)tf;
	for (size_t i = 0; i < sizeof(*tf) / 8; i++)
		r[i] = 0x1000 + i;
	tf->vector = TRAP_SYSCALL;
	tf->error = 0;
	tf->rip = 0x400100;
	tf->cs = 0x23;
	tf->ss = 0x1b;
	tf->rflags = 0x246 | 0x400; /* DF set: the handler must start with it clear */
	tf->rsp = rsp;
}

#define STACK_TOP (SF_UBASE + 0xf000)

static inline void info_of(struct ksiginfo *i, int sig, int code, uint64_t value)
{
	memset(i, 0, sizeof(*i));
	i->si_signo = sig;
	i->si_code = code;
	i->rt.value = value;
}

#endif
