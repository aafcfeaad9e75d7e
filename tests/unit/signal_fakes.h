/* signal_fakes.h: the state of the host stand-ins of signal_fakes.c, for test_signal.c. */
#ifndef ISLE_TEST_SIGNAL_FAKES_H
#define ISLE_TEST_SIGNAL_FAKES_H

#include <setjmp.h>
#include <stdint.h>

#include "sched/task.h"

#define SF_UBASE 0x10000UL
#define SF_XSAVE_SIZE 832 /* legacy + header + AVX */
#define SF_FPU_SIZE 832

struct sf_state {
	_Alignas(64) uint8_t umem[65536];
	_Alignas(64) uint8_t fpu[SF_FPU_SIZE]; /* the "live" extended registers */
	struct task tasks[2];
	struct trap_frame frames[2]; /* their user frames (task_user_frame) */
	struct task *cur;
	struct task *kicked;
	int kicks, sleeps, waitq_wakes, fpu_restores;
	int arrive_sig; /* sent to current at the next sleep */
	uint64_t now_ns;
	char log[4096];
	int exit_status;
	char exit_reason[64];
	jmp_buf exit_jmp;
};

extern struct sf_state sf;

/* Two threads, current = tid 1, empty memory, XSAVE with 832 bytes. */
void sf_reset(void);

#endif
