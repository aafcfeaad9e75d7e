/* test_signal.c: kernel/signal/ and sys_signal.c on the host: the frame layout against
 * the C library's and Linux's documented offsets, the pending-set choice and queueing
 * rules, frame placement, delivery and rt_sigreturn round trips (registers, mask, the
 * XSAVE image and its magic numbers), the restart rules, default actions, and the
 * syscalls' errors. Fakes: signal_fakes.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "core/errno.h"
#include "signal/internal.h"
#include "signal/sigframe.h"
#include "syscall/sys.h"
#include "signal_fakes.h"
#include "signal_glibc_abi.h"

#include "signal_test.h"

/* ---- layout ---- */

static void test_layout_matches_glibc(void **state)
{
	struct glibc_abi g;
	glibc_abi(&g);
	assert_int_equal(g.o_uc_mcontext, offsetof(struct sig_ucontext, uc_mcontext));
	assert_int_equal(g.o_uc_mcontext, 40);
	assert_int_equal(g.o_uc_stack, offsetof(struct sig_ucontext, uc_stack));
	assert_int_equal(g.o_uc_sigmask, offsetof(struct sig_ucontext, uc_sigmask));
	assert_int_equal(g.o_greg_r8, offsetof(struct sig_context, r8));
	assert_int_equal(g.o_greg_rsp, offsetof(struct sig_context, rsp));
	assert_int_equal(g.o_greg_rip, offsetof(struct sig_context, rip));
	assert_int_equal(g.o_greg_efl, offsetof(struct sig_context, eflags));
	assert_int_equal(g.o_greg_err, offsetof(struct sig_context, err));
	assert_int_equal(g.o_greg_oldmask, offsetof(struct sig_context, oldmask));
	assert_int_equal(g.o_greg_cr2, offsetof(struct sig_context, cr2));
	assert_int_equal(g.o_fpregs, offsetof(struct sig_context, fpstate));
	assert_int_equal(g.o_siginfo_size, sizeof(struct ksiginfo));
	assert_int_equal(g.o_si_code, offsetof(struct ksiginfo, si_code));
	assert_int_equal(g.o_si_addr, offsetof(struct ksiginfo, fault.addr));
	assert_int_equal(g.o_si_pid, offsetof(struct ksiginfo, kill.pid));
	assert_int_equal(g.o_si_uid, offsetof(struct ksiginfo, kill.uid));
	assert_int_equal(g.o_si_value, offsetof(struct ksiginfo, rt.value));
	assert_int_equal(g.o_stack_size, sizeof(struct sig_stack));
	assert_int_equal(g.o_ss_flags, offsetof(struct sig_stack, ss_flags));
	assert_int_equal(g.o_ss_size, offsetof(struct sig_stack, ss_size));
	assert_int_equal(g.o_ssi_size, 128); /* signalfd.c asserts its copy */
	assert_int_equal(g.o_ssi_addr, 72);
}

/* ---- pending sets ---- */

static void test_pick_order(void **state)
{
	assert_int_equal(sigq_pick(0, 0), 0);
	assert_int_equal(sigq_pick(SIG_BIT(SIGUSR1) | SIG_BIT(SIGUSR2), 0), SIGUSR1);
	assert_int_equal(sigq_pick(SIG_BIT(SIGUSR1) | SIG_BIT(SIGUSR2), SIG_BIT(SIGUSR1)), SIGUSR2);
	assert_int_equal(sigq_pick(SIG_BIT(SIGINT) | SIG_BIT(SIGSEGV), 0), SIGSEGV);
	assert_int_equal(sigq_pick(SIG_BIT(SIGSEGV) | SIG_BIT(SIGKILL), 0), SIGKILL);
	assert_int_equal(sigq_pick(SIG_BIT(64) | SIG_BIT(40), 0), 40);
	assert_int_equal(sigq_pick(SIG_BIT(64), ~0ULL), 0);
}

static void test_queue_rules(void **state)
{
	uint64_t set = 0;
	struct sigqueue *q = NULL;
	struct ksiginfo in, out;
	int base = sigq_count();

	info_of(&in, SIGUSR1, SI_QUEUE, 1);
	assert_int_equal(sigq_add(&set, &q, SIGUSR1, &in, true), 0);
	info_of(&in, SIGUSR1, SI_QUEUE, 2);
	assert_int_equal(sigq_add(&set, &q, SIGUSR1, &in, true), 0); /* coalesced */
	for (int v = 1; v <= 3; v++) {
		info_of(&in, 40, SI_QUEUE, v);
		assert_int_equal(sigq_add(&set, &q, 40, &in, v != 2), 0);
	}
	assert_int_equal(sigq_count() - base, 4);
	assert_true(set == (SIG_BIT(SIGUSR1) | SIG_BIT(40)));
	sigq_take(&set, &q, SIGUSR1, &out);
	assert_int_equal(out.rt.value, 1);
	assert_false(set & SIG_BIT(SIGUSR1));
	for (int v = 1; v <= 3; v++) {
		assert_true(set & SIG_BIT(40));
		sigq_take(&set, &q, 40, &out);
		assert_int_equal(out.si_signo, 40);
		assert_int_equal(out.rt.value, v); /* in order, even from the reserve */
	}
	assert_int_equal(set, 0);
	assert_int_equal(sigq_count(), base);

	/* Over the limit: sigqueue's real-time signal fails, kill's pends without info. */
	for (int i = 0; sigq_count() < SIGQUEUE_MAX; i++) {
		info_of(&in, 41, SI_QUEUE, i);
		assert_int_equal(sigq_add(&set, &q, 41, &in, true), 0);
	}
	info_of(&in, 42, SI_QUEUE, 0);
	assert_int_equal(sigq_add(&set, &q, 42, &in, true), -EAGAIN);
	assert_false(set & SIG_BIT(42));
	info_of(&in, 42, SI_USER, 0);
	assert_int_equal(sigq_add(&set, &q, 42, &in, true), 0);
	assert_true(set & SIG_BIT(42));
	sigq_take(&set, &q, 42, &out);
	assert_int_equal(out.si_signo, 42);
	assert_int_equal(out.si_code, SI_USER);
	sigq_flush(&set, &q, SIG_BIT(41));
	assert_int_equal(set, 0);
	assert_null(q);
	assert_int_equal(sigq_count(), base);
}

static void test_thread_before_process(void **state)
{
	struct ksiginfo info;
	struct task *t = sf.cur;

	assert_int_equal(signal_send_process(SIGUSR1, NULL), 0);
	assert_int_equal(signal_send_thread(t, SIGUSR2, NULL), 0);
	assert_ptr_equal(sf.kicked, t);
	assert_true(signal_pending(t));
	assert_int_equal(signal_take(t, 0, &info), SIGUSR2);
	assert_int_equal(info.si_code, SI_KERNEL);
	assert_int_equal(signal_take(t, 0, &info), SIGUSR1);
	assert_int_equal(signal_take(t, 0, &info), 0);
	assert_false(signal_pending(t));

	/* A process-directed signal goes to a thread that does not block it. */
	t->sig.blocked = SIGUSR1_BIT;
	sf.kicked = NULL;
	assert_int_equal(signal_send_process(SIGUSR1, NULL), 0);
	assert_ptr_equal(sf.kicked, &sf.tasks[1]);
	assert_false(signal_pending(t));
	assert_true(signal_pending(&sf.tasks[1]));
}

static void test_ignore_discards(void **state)
{
	struct sig_action ign = {SIG_IGN, 0, 0, 0};

	sf.cur->sig.blocked = SIGUSR1_BIT | SIG_BIT(SIGCHLD);
	signal_send_process(SIGUSR1, NULL);
	signal_send_thread(sf.cur, SIGUSR1, NULL);
	signal_send_thread(sf.cur, SIGCHLD, NULL); /* blocked: kept for sigwait */
	assert_true(signal_pending_blocked() & SIG_BIT(SIGCHLD));
	assert_int_equal(signal_set_action(SIGUSR1, &ign, NULL), 0);
	assert_int_equal(signal_pending_blocked(), SIG_BIT(SIGCHLD));
	sf.cur->sig.blocked = 0;
	signal_send_thread(sf.cur, SIGUSR1, NULL); /* ignored: dropped at once */
	signal_send_thread(sf.cur, SIGURG, NULL);
	assert_int_equal(sf.cur->sig.pending, SIG_BIT(SIGCHLD));
}

/* ---- frame placement ---- */

static void test_place(void **state)
{
	uint64_t frame, fp;
	const uint64_t fpu = SF_XSAVE_SIZE + 4;

	for (uint64_t rsp = 0x7fff0000; rsp < 0x7fff0040; rsp += 8) {
		assert_int_equal(sigframe_place(rsp, false, 0, 0, false, fpu, &frame, &fp), 0);
		assert_int_equal((frame + 8) % 16, 0);
		assert_int_equal(fp % 64, 0);
		assert_true(fp + fpu <= rsp - 128); /* red zone kept */
		assert_true(frame + sizeof(struct sig_rt_frame) <= fp);
		assert_true(fp - (frame + sizeof(struct sig_rt_frame)) < 32);
	}
	/* SA_ONSTACK: to the top of the alternate stack, unless already on it. */
	assert_int_equal(
		sigframe_place(0x7fff0000, true, 0x100000, 0x4000, false, fpu, &frame, &fp), 0);
	assert_true(fp + fpu <= 0x104000 && fp > 0x104000 - fpu - 64);
	assert_int_equal(sigframe_place(0x102000, true, 0x100000, 0x4000, false, fpu, &frame, &fp),
			 0);
	assert_true(fp + fpu <= 0x102000 - 128);
	/* Overflowing it is a failure (SIGSEGV), not a write below it. */
	assert_int_equal(sigframe_place(0x100400, true, 0x100000, 0x4000, false, fpu, &frame, &fp),
			 -EFAULT);
	assert_int_equal(sigframe_place(0x7fff0000, true, 0x100000, 0x400, false, fpu, &frame, &fp),
			 -EFAULT);
	/* Without SA_ONSTACK the alternate stack is not used. */
	assert_int_equal(
		sigframe_place(0x7fff0000, false, 0x100000, 0x4000, false, fpu, &frame, &fp), 0);
	assert_true(frame > 0x7ffe0000);
	assert_true(sigframe_merge_flags(0x202, 0xffffffff) == (0x202 | 0x50dd5));
	assert_true(sigframe_merge_flags(0x3247, 0) == 0x3202);
}

/* ---- delivery and rt_sigreturn ---- */

static void test_deliver_and_return(void **state)
{
	struct trap_frame tf, orig;
	struct task *t = sf.cur;

	for (int i = 0; i < SF_FPU_SIZE; i++)
		sf.fpu[i] = (uint8_t)(i * 7);
	memset(sf.fpu + 24, 0, 4);   /* MXCSR the check accepts */
	memset(sf.fpu + 512, 0, 64); /* XSAVE header: x87, SSE, AVX in use */
	sf.fpu[512] = 7;
	uint8_t fpu_before[SF_FPU_SIZE];
	memcpy(fpu_before, sf.fpu, sizeof(fpu_before));

	set_handler(SIGUSR1, SA_SIGINFO, SIG_BIT(SIGUSR2));
	t->sig.blocked = SIG_BIT(SIGINT);
	struct ksiginfo in;
	info_of(&in, SIGUSR1, SI_QUEUE, 0xabc);
	in.rt.pid = 1;
	assert_int_equal(signal_send_thread(t, SIGUSR1, &in), 0);
	make_tf(&tf, STACK_TOP);
	tf.rax = 5; /* a syscall's result: not restarted */
	t->syscall_nr = 1;
	orig = tf;
	signal_deliver(&tf);

	uint64_t frame = tf.rsp;
	assert_int_equal(tf.rip, HANDLER);
	assert_int_equal(tf.rdi, SIGUSR1);
	assert_int_equal(tf.rsi, frame + 312);
	assert_int_equal(tf.rdx, frame + 8);
	assert_int_equal(tf.rax, 0);
	assert_int_equal((tf.rsp + 8) % 16, 0);
	assert_false(tf.rflags & 0x400);
	assert_int_equal(t->sig.blocked, SIG_BIT(SIGINT) | SIG_BIT(SIGUSR2) | SIGUSR1_BIT);
	assert_int_equal(t->syscall_nr, -1);

	struct sig_rt_frame f;
	memcpy(&f, mem(frame - SF_UBASE), sizeof(f));
	assert_int_equal(f.pretcode, RESTORER);
	assert_int_equal(f.uc.uc_flags, UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
	assert_int_equal(f.uc.uc_mcontext.rip, orig.rip);
	assert_int_equal(f.uc.uc_mcontext.rsp, orig.rsp);
	assert_int_equal(f.uc.uc_mcontext.rax, 5);
	assert_int_equal(f.uc.uc_mcontext.r15, orig.r15);
	assert_int_equal(f.uc.uc_mcontext.rcx, orig.rcx);
	assert_int_equal(f.uc.uc_mcontext.cs, 0x23);
	assert_int_equal(f.uc.uc_mcontext.ss, 0x1b);
	assert_int_equal(f.uc.uc_sigmask, SIG_BIT(SIGINT));
	assert_int_equal(f.uc.uc_stack.ss_flags, SS_DISABLE);
	assert_int_equal(f.info.si_signo, SIGUSR1);
	assert_int_equal(f.info.si_code, SI_QUEUE);
	assert_int_equal(f.info.rt.value, 0xabc);
	uint64_t fp = f.uc.uc_mcontext.fpstate;
	assert_int_equal(fp % 64, 0);
	assert_true(fp >= frame + sizeof(f) && fp + SF_XSAVE_SIZE + 4 <= STACK_TOP - 128);
	struct sig_fpx_sw_bytes sw;
	memcpy(&sw, mem(fp - SF_UBASE + 464), sizeof(sw));
	assert_int_equal(sw.magic1, FP_XSTATE_MAGIC1);
	assert_int_equal(sw.xstate_size, SF_XSAVE_SIZE);
	assert_int_equal(sw.extended_size, SF_XSAVE_SIZE + 4);
	assert_int_equal(sw.xfeatures, 7);
	uint32_t magic2;
	memcpy(&magic2, mem(fp - SF_UBASE + SF_XSAVE_SIZE), 4);
	assert_int_equal(magic2, FP_XSTATE_MAGIC2);
	assert_memory_equal(mem(fp - SF_UBASE), fpu_before, 464);
	assert_int_not_equal(sf.fpu[100], fpu_before[100]); /* handler starts from init */

	/* The handler changes rax and rip in the frame, then returns through the
	 * restorer: rt_sigreturn with rsp just above pretcode. */
	uint64_t newrax = 77, newrip = 0x400200, badflags = 0x3247 | 0x200;
	memcpy(mem(frame - SF_UBASE + 8 + 40 + 13 * 8), &newrax, 8);
	memcpy(mem(frame - SF_UBASE + 8 + 40 + 16 * 8), &newrip, 8);
	memcpy(mem(frame - SF_UBASE + 8 + 40 + 17 * 8), &badflags, 8);
	struct trap_frame rt;
	make_tf(&rt, frame + 8);
	t->syscall_nr = 15;
	long r = signal_sigreturn(&rt);
	assert_int_equal(r, 77);
	assert_int_equal(rt.rip, newrip);
	assert_int_equal(rt.rsp, orig.rsp);
	assert_int_equal(rt.rcx, orig.rcx);
	assert_int_equal(rt.r11, orig.r11);
	assert_int_equal(rt.rflags & 0x3000, 0); /* IOPL is not the program's */
	assert_int_equal(rt.cs, 0x23);
	assert_int_equal(t->sig.blocked, SIG_BIT(SIGINT));
	assert_int_equal(t->syscall_nr, -1);
	assert_memory_equal(sf.fpu, fpu_before, 464);
	assert_memory_equal(sf.fpu + 512, fpu_before + 512, SF_FPU_SIZE - 512);
}

static void test_sigreturn_bad_fpu(void **state)
{
	struct trap_frame tf;

	set_handler(SIGUSR1, 0, 0);
	signal_send_thread(sf.cur, SIGUSR1, NULL);
	make_tf(&tf, STACK_TOP);
	signal_deliver(&tf);
	struct sig_rt_frame f;
	memcpy(&f, mem(tf.rsp - SF_UBASE), sizeof(f));
	uint32_t mxcsr = 0xffffffff;
	memcpy(mem(f.uc.uc_mcontext.fpstate - SF_UBASE + 24), &mxcsr, 4);
	struct trap_frame rt;
	make_tf(&rt, tf.rsp + 8);
	if (setjmp(sf.exit_jmp) == 0) {
		signal_sigreturn(&rt);
		fail_msg("rt_sigreturn accepted a bad MXCSR");
	}
	assert_int_equal(sf.exit_status, 128 + SIGSEGV);
}

static void restart_case(long err, uint64_t flags, bool handler, uint64_t want_rax, bool want_back)
{
	struct trap_frame tf;

	reset(NULL);
	if (handler) {
		set_handler(SIGUSR1, flags, 0);
		signal_send_thread(sf.cur, SIGUSR1, NULL);
	}
	make_tf(&tf, STACK_TOP);
	tf.rax = (uint64_t)-err;
	sf.cur->syscall_nr = 0;
	signal_deliver(&tf);
	uint64_t rip = tf.rip, rax = tf.rax;
	if (handler) {
		struct sig_rt_frame f;
		memcpy(&f, mem(tf.rsp - SF_UBASE), sizeof(f));
		rip = f.uc.uc_mcontext.rip;
		rax = f.uc.uc_mcontext.rax;
	}
	assert_int_equal(rax, want_rax);
	assert_int_equal(rip, want_back ? 0x400100 - 2 : 0x400100);
}

static void test_restart_rules(void **state)
{
	const uint64_t eintr = (uint64_t)-EINTR;
	restart_case(ERESTARTSYS, 0, false, 0, true);
	restart_case(ERESTARTSYS, 0, true, eintr, false);
	restart_case(ERESTARTSYS, SA_RESTART, true, 0, true);
	restart_case(ERESTARTNOINTR, 0, true, 0, true);
	restart_case(ERESTARTNOHAND, SA_RESTART, true, eintr, false);
	restart_case(ERESTARTNOHAND, 0, false, 0, true);
	restart_case(ERESTART_RESTARTBLOCK, 0, true, eintr, false);
}

static void test_default_actions(void **state)
{
	struct trap_frame tf;

	make_tf(&tf, STACK_TOP);
	signal_send_thread(sf.cur, SIGCHLD, NULL);
	signal_send_thread(sf.cur, 28 /* SIGWINCH */, NULL);
	signal_deliver(&tf);
	assert_int_equal(tf.rip, 0x400100);
	signal_send_process(SIGTERM, NULL);
	if (setjmp(sf.exit_jmp) == 0) {
		signal_deliver(&tf);
		fail_msg("SIGTERM did not end the program");
	}
	assert_int_equal(sf.exit_status, 143);
	assert_string_equal(sf.exit_reason, "signal SIGTERM");
	assert_non_null(strstr(sf.log, "isle: program killed by signal SIGTERM"));
	/* A handler without SA_RESTORER cannot return: Linux's SIGSEGV. */
	struct sig_action a = {HANDLER, 0, 0, 0};
	signal_set_action(SIGUSR2, &a, NULL);
	signal_send_thread(sf.cur, SIGUSR2, NULL);
	if (setjmp(sf.exit_jmp) == 0) {
		signal_deliver(&tf);
		fail_msg("no SA_RESTORER and yet delivered");
	}
	assert_int_equal(sf.exit_status, 139);
}

static void test_resethand_nodefer(void **state)
{
	struct trap_frame tf;

	set_handler(SIGUSR1, SA_RESETHAND | SA_NODEFER, 0);
	signal_send_thread(sf.cur, SIGUSR1, NULL);
	make_tf(&tf, STACK_TOP);
	signal_deliver(&tf);
	assert_int_equal(tf.rip, HANDLER);
	assert_int_equal(sf.cur->sig.blocked, 0);
	assert_int_equal(signal_action(SIGUSR1)->handler, SIG_DFL);
}

static void test_fault_handler(void **state)
{
	struct trap_frame tf;

	assert_true(signal_fault_is_fatal(SIGSEGV));
	set_handler(SIGSEGV, SA_SIGINFO | SA_ONSTACK, 0);
	assert_false(signal_fault_is_fatal(SIGSEGV));
	sf.cur->sig.altstack_sp = SF_UBASE + 0x1000;
	sf.cur->sig.altstack_size = 0x2000;
	make_tf(&tf, STACK_TOP);
	tf.vector = 14;
	tf.error = 6;
	signal_fault(&tf, SIGSEGV, SEGV_MAPERR, 0x10);
	signal_deliver(&tf);
	assert_true(tf.rsp > SF_UBASE + 0x1000 && tf.rsp < SF_UBASE + 0x3000);
	struct sig_rt_frame f;
	memcpy(&f, mem(tf.rsp - SF_UBASE), sizeof(f));
	assert_int_equal(f.info.si_code, SEGV_MAPERR);
	assert_int_equal(f.info.fault.addr, 0x10);
	assert_int_equal(f.uc.uc_mcontext.cr2, 0x10);
	assert_int_equal(f.uc.uc_mcontext.trapno, 14);
	assert_int_equal(f.uc.uc_mcontext.err, 6);
	assert_int_equal(f.uc.uc_stack.ss_flags, 0);
	sf.cur->sig.blocked |= SIG_BIT(SIGSEGV);
	assert_true(signal_fault_is_fatal(SIGSEGV));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_matches_glibc),
		cmocka_unit_test(test_pick_order),
		cmocka_unit_test_setup(test_queue_rules, reset),
		cmocka_unit_test_setup(test_thread_before_process, reset),
		cmocka_unit_test_setup(test_ignore_discards, reset),
		cmocka_unit_test(test_place),
		cmocka_unit_test_setup(test_deliver_and_return, reset),
		cmocka_unit_test_setup(test_sigreturn_bad_fpu, reset),
		cmocka_unit_test_setup(test_restart_rules, reset),
		cmocka_unit_test_setup(test_default_actions, reset),
		cmocka_unit_test_setup(test_resethand_nodefer, reset),
		cmocka_unit_test_setup(test_fault_handler, reset),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	reset(NULL);
	return r;
}
