/* test_signal_sys.c: the signal syscalls (sys_signal.c over kernel/signal/) on the host:
 * Linux's errors and their order, kill/tkill/tgkill/sigqueueinfo targets and EPERM rules,
 * rt_sigpending, rt_sigtimedwait timeouts and interruption, rt_sigsuspend's mask restored
 * after the handler, sigaltstack. Fakes: signal_fakes.c. */
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
#include "signal_test.h"

/* ---- syscalls ---- */

static void test_sigaction(void **state)
{
	uint64_t *act = mem(0), *old = mem(64);

	act[0] = 0x401000;
	act[1] = 0x04000000 | 0x10000000 | 0x400; /* SA_RESTORER|SA_RESTART|SA_UNSUPPORTED */
	act[2] = 0x402000;
	act[3] = (1UL << 8) | (1UL << 18) | (1UL << 14); /* KILL, STOP, TERM */
	assert_int_equal(call(sys_rt_sigaction, 2, at(0), 0, 4), -EINVAL);
	assert_int_equal(call(sys_rt_sigaction, 0, at(0), 0, 8), -EINVAL);
	assert_int_equal(call(sys_rt_sigaction, 65, at(0), 0, 8), -EINVAL);
	assert_int_equal(call(sys_rt_sigaction, 9, at(0), 0, 8), -EINVAL);
	assert_int_equal(call(sys_rt_sigaction, 19, at(0), 0, 8), -EINVAL);
	assert_int_equal(call(sys_rt_sigaction, 9, 0, at(64), 8), 0);
	assert_int_equal(call(sys_rt_sigaction, 2, 0x8, 0, 8), -EFAULT);
	assert_int_equal(call(sys_rt_sigaction, 2, at(0), at(64), 8), 0);
	assert_int_equal(old[0], 0); /* SIG_DFL before */
	assert_int_equal(call(sys_rt_sigaction, 2, 0, at(64), 8), 0);
	assert_int_equal(old[0], 0x401000);
	assert_int_equal(old[1], 0x14000000); /* unknown flag dropped */
	assert_int_equal(old[2], 0x402000);
	assert_int_equal(old[3], 1UL << 14); /* SIGKILL and SIGSTOP cannot be masked */
	assert_int_equal(call(sys_rt_sigaction, 2, 0, 0x8, 8), -EFAULT);
}

static void test_sigprocmask(void **state)
{
	uint64_t *set = mem(0), *old = mem(8);

	*set = (1UL << 1) | (1UL << 8);
	assert_int_equal(call(sys_rt_sigprocmask, 2, at(0), 0, 8), 0);
	assert_int_equal(call(sys_rt_sigprocmask, 0, 0, at(8), 8), 0);
	assert_int_equal(*old, 1UL << 1); /* SIGKILL dropped */
	*set = 1UL << 2;
	assert_int_equal(call(sys_rt_sigprocmask, 0, at(0), at(8), 8), 0);
	assert_int_equal(*old, 1UL << 1);
	*set = 1UL << 1;
	assert_int_equal(call(sys_rt_sigprocmask, 1, at(0), at(8), 8), 0);
	assert_int_equal(*old, (1UL << 1) | (1UL << 2));
	assert_int_equal(call(sys_rt_sigprocmask, 0, 0, at(8), 8), 0);
	assert_int_equal(*old, 1UL << 2);
	assert_int_equal(call(sys_rt_sigprocmask, 7, at(0), 0, 8), -EINVAL);
	assert_int_equal(call(sys_rt_sigprocmask, 7, 0, 0, 8), 0);
	assert_int_equal(call(sys_rt_sigprocmask, 0, at(0), 0, 4), -EINVAL);
	assert_int_equal(call(sys_rt_sigprocmask, 0, 0x8, 0, 8), -EFAULT);
}

static void test_kill_family(void **state)
{
	assert_int_equal(call(sys_kill, 1, 0, 0, 0), 0);
	assert_int_equal(call(sys_kill, 0, 0, 0, 0), 0);
	assert_int_equal(call(sys_kill, 2, 0, 0, 0), -ESRCH);
	assert_int_equal(call(sys_kill, -1, SIGUSR1, 0, 0), -ESRCH);
	assert_int_equal(call(sys_kill, 99, 100, 0, 0), -ESRCH);
	assert_int_equal(call(sys_kill, 1, 65, 0, 0), -EINVAL);
	assert_int_equal(call(sys_tkill, 0, 1, 0, 0), -EINVAL);
	assert_int_equal(call(sys_tkill, 3, 1, 0, 0), -ESRCH);
	assert_int_equal(call(sys_tkill, 2, 65, 0, 0), -EINVAL);
	assert_int_equal(call(sys_tgkill, 0, 1, 1, 0), -EINVAL);
	assert_int_equal(call(sys_tgkill, 2, 1, 1, 0), -ESRCH);
	assert_int_equal(call(sys_tgkill, 1, 2, 0, 0), 0);
	sf.cur->sig.blocked = ~0ULL;
	assert_int_equal(call(sys_tgkill, 1, 2, SIGUSR2, 0), 0);
	assert_int_equal(sf.tasks[1].sig.pending, SIG_BIT(SIGUSR2));
	assert_int_equal(call(sys_kill, 1, SIGUSR1, 0, 0), 0);
	uint64_t *set = mem(0);
	assert_int_equal(call(sys_rt_sigpending, at(0), 9, 0, 0), -EINVAL);
	assert_int_equal(call(sys_rt_sigpending, at(0), 8, 0, 0), 0);
	assert_int_equal(*set, SIGUSR1_BIT); /* tid 2's own is not ours */
	struct ksiginfo *si = mem(64);
	info_of(si, 0, SI_USER, 0);
	assert_int_equal(call(sys_rt_tgsigqueueinfo, 1, 2, SIGUSR1, at(64)), -EPERM);
	assert_int_equal(call(sys_rt_tgsigqueueinfo, 1, 1, SIGUSR1, at(64)), 0);
	assert_int_equal(call(sys_rt_sigqueueinfo, 1, SIGUSR1, 8, 0), -EFAULT);
	info_of(si, 0, SI_QUEUE, 42);
	assert_int_equal(call(sys_rt_sigqueueinfo, 5, SIGUSR1, at(64), 0), -ESRCH);
	assert_int_equal(call(sys_rt_sigqueueinfo, 1, 40, at(64), 0), 0);
	struct ksiginfo out;
	assert_int_equal(signal_dequeue(SIG_BIT(40), &out), 40);
	assert_int_equal(out.rt.value, 42);
	assert_int_equal(out.si_signo, 40);
}

static void test_sigtimedwait(void **state)
{
	uint64_t *set = mem(0);
	int64_t *ts = mem(16);
	struct ksiginfo *info = mem(64);

	*set = SIGUSR1_BIT;
	ts[0] = 0, ts[1] = 0;
	sf.cur->sig.blocked = SIGUSR1_BIT;
	assert_int_equal(call(sys_rt_sigtimedwait, at(0), at(64), at(16), 8), -EAGAIN);
	ts[1] = 1000000000;
	assert_int_equal(call(sys_rt_sigtimedwait, at(0), at(64), at(16), 8), -EINVAL);
	ts[0] = 2, ts[1] = 0;
	uint64_t t0 = sf.now_ns;
	assert_int_equal(call(sys_rt_sigtimedwait, at(0), at(64), at(16), 8), -EAGAIN);
	assert_true(sf.now_ns >= t0 + 2000000000ULL);
	sf.arrive_sig = SIGUSR1;
	assert_int_equal(call(sys_rt_sigtimedwait, at(0), at(64), 0, 8), SIGUSR1);
	assert_int_equal(info->si_signo, SIGUSR1);
	assert_int_equal(sf.cur->sig.blocked, SIGUSR1_BIT);
	/* Another, unblocked signal interrupts the wait. */
	sf.arrive_sig = SIGUSR2;
	set_handler(SIGUSR2, 0, 0);
	assert_int_equal(call(sys_rt_sigtimedwait, at(0), at(64), 0, 8), -EINTR);
}

static void test_sigsuspend_restores(void **state)
{
	uint64_t *set = mem(0);
	struct trap_frame tf;

	set_handler(SIGUSR1, 0, 0);
	sf.cur->sig.blocked = SIGUSR1_BIT | SIG_BIT(SIGINT);
	*set = SIG_BIT(SIGINT);
	sf.arrive_sig = SIGUSR1;
	assert_int_equal(call(sys_rt_sigsuspend, at(0), 8, 0, 0), -ERESTARTNOHAND);
	assert_int_equal(sf.cur->sig.blocked, SIG_BIT(SIGINT));
	make_tf(&tf, STACK_TOP);
	tf.rax = (uint64_t)-ERESTARTNOHAND;
	sf.cur->syscall_nr = 130;
	signal_deliver(&tf);
	struct sig_rt_frame f;
	memcpy(&f, mem(tf.rsp - SF_UBASE), sizeof(f));
	assert_int_equal(f.uc.uc_sigmask, SIGUSR1_BIT | SIG_BIT(SIGINT));
	assert_int_equal((int64_t)f.uc.uc_mcontext.rax, -EINTR);
	assert_false(sf.cur->sig.restore_saved);
}

static void test_sigaltstack(void **state)
{
	struct sig_stack *ss = mem(0), *old = mem(32);

	ss->ss_sp = SF_UBASE + 0x1000;
	ss->ss_size = 1024;
	ss->ss_flags = 0;
	assert_int_equal(call(sys_sigaltstack, at(0), 0, 0, 0), -ENOMEM);
	ss->ss_flags = 5;
	ss->ss_size = 8192;
	assert_int_equal(call(sys_sigaltstack, at(0), 0, 0, 0), -EINVAL);
	ss->ss_flags = (int32_t)SS_AUTODISARM;
	assert_int_equal(call(sys_sigaltstack, at(0), at(32), 0, 0), 0);
	assert_int_equal(old->ss_flags, SS_DISABLE);
	assert_int_equal(call(sys_sigaltstack, 0, at(32), 0, 0), 0);
	assert_int_equal(old->ss_sp, SF_UBASE + 0x1000);
	assert_int_equal(old->ss_size, 8192);
	assert_int_equal((uint32_t)old->ss_flags, SS_AUTODISARM);
	ss->ss_flags = 0;
	assert_int_equal(signal_altstack(ss, old, SF_UBASE + 0x1800), 0); /* autodisarm */
	assert_int_equal(signal_altstack(ss, old, SF_UBASE + 0x1800), -EPERM);
	assert_int_equal(old->ss_flags, SS_ONSTACK);
	ss->ss_flags = SS_DISABLE;
	assert_int_equal(signal_altstack(ss, old, STACK_TOP), 0);
	assert_int_equal(signal_altstack(NULL, old, STACK_TOP), 0);
	assert_int_equal(old->ss_flags, SS_DISABLE);
	assert_int_equal(old->ss_size, 0);
	assert_int_equal(call(sys_sigaltstack, 8, 0, 0, 0), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sigaction, reset),
		cmocka_unit_test_setup(test_sigprocmask, reset),
		cmocka_unit_test_setup(test_kill_family, reset),
		cmocka_unit_test_setup(test_sigtimedwait, reset),
		cmocka_unit_test_setup(test_sigsuspend_restores, reset),
		cmocka_unit_test_setup(test_sigaltstack, reset),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	reset(NULL);
	return r;
}
