/* signal_fakes.c: what kernel/signal/ and sys_signal.c call, over host stand-ins: two
 * threads (tid 1 current, tid 2), program memory as a byte array at SF_UBASE, a fake
 * clock that sleeping advances, an FPU whose "registers" are a byte array, and
 * program_exit/printk that record what they were given (program_exit longjmps back to
 * the test). For test_signal.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/errno.h"
#include "mm/layout.h"
#include "sched/task.h"
#include "sched/wait.h"
#include "signal/signal.h"
#include "drivers/powerbtn.h"
#include "signal_fakes.h"

struct sf_state sf;
struct cpu_features cpu_features;

/* ---- program memory ---- */

static int user_ok(uint64_t a, size_t n)
{
	return a >= SF_UBASE && a - SF_UBASE <= sizeof(sf.umem) &&
	       n <= sizeof(sf.umem) - (a - SF_UBASE);
}

int user_range_ok(uintptr_t uaddr, size_t n)
{
	return uaddr + n >= uaddr && uaddr + n <= USER_TOP;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_ok((uintptr_t)usrc, n))
		return -EFAULT;
	memcpy(dst, sf.umem + ((uintptr_t)usrc - SF_UBASE), n);
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_ok((uintptr_t)udst, n))
		return -EFAULT;
	memcpy(sf.umem + ((uintptr_t)udst - SF_UBASE), src, n);
	return 0;
}

/* ---- threads and scheduling ---- */

struct task *task_current(void)
{
	return sf.cur;
}

struct task *task_find(int tid)
{
	for (int i = 0; i < 2; i++)
		if (sf.tasks[i].tid == tid)
			return &sf.tasks[i];
	return NULL;
}

struct task *task_first(void)
{
	return &sf.tasks[0];
}

struct task *task_next(struct task *t)
{
	return t == &sf.tasks[0] ? &sf.tasks[1] : NULL;
}

int task_count(void)
{
	return 2;
}

void sched_kick(struct task *t)
{
	sf.kicked = t;
	sf.kicks++;
}

/* Sleeping: a signal "arrives" at the first sleep when sf.arrive_sig is set. */
int sched_sleep_until(uint64_t deadline_ns, unsigned flags)
{
	sf.sleeps++;
	if (sf.arrive_sig) {
		int sig = sf.arrive_sig;
		sf.arrive_sig = 0;
		signal_send_thread(sf.cur, sig, NULL);
	}
	if ((flags & WAIT_INTERRUPTIBLE) && signal_pending(sf.cur))
		return -EINTR;
	if (!deadline_ns) {
		fail_msg("sleep without deadline and no signal: would hang");
	}
	if (sf.now_ns < deadline_ns)
		sf.now_ns = deadline_ns;
	return 0;
}

void waitq_wake_all(struct wait_queue *q, unsigned events)
{
	sf.waitq_wakes++;
}

uint64_t time_monotonic_ns(void)
{
	return sf.now_ns;
}

/* ---- CPU ---- */

unsigned long arch_irq_save(void)
{
	return 0x200;
}

void arch_irq_restore(unsigned long state) {}

uint32_t arch_fpu_size(void)
{
	return SF_FPU_SIZE;
}

void arch_fpu_save(void *area)
{
	/* XSAVE leaves bytes 464..511 alone: so does this. */
	memcpy(area, sf.fpu, 464);
	memcpy((uint8_t *)area + 512, sf.fpu + 512, SF_FPU_SIZE - 512);
}

void arch_fpu_restore(const void *area)
{
	memcpy(sf.fpu, area, SF_FPU_SIZE);
	sf.fpu_restores++;
}

void arch_fpu_init(void *area)
{
	memset(area, 0, SF_FPU_SIZE);
	((uint8_t *)area)[0] = 0x7f; /* FCW 0x37f */
	((uint8_t *)area)[1] = 0x03;
}

int arch_fpu_check(const void *area)
{
	uint32_t mxcsr;
	memcpy(&mxcsr, (const uint8_t *)area + 24, 4);
	return mxcsr & 0xffff0000u ? -EINVAL : 0;
}

/* ---- output and exit ---- */

bool printk_verbose;

void printk(const char *fmt, ...)
{
	va_list ap;
	size_t len = strlen(sf.log);

	va_start(ap, fmt);
	vsnprintf(sf.log + len, sizeof(sf.log) - len, fmt, ap);
	va_end(ap);
}

_Noreturn void program_exit(int status, const char *reason)
{
	sf.exit_status = status;
	snprintf(sf.exit_reason, sizeof(sf.exit_reason), "%s", reason);
	longjmp(sf.exit_jmp, 1);
}

void sf_reset(void)
{
	memset(&sf, 0, sizeof(sf));
	sf.tasks[0].tid = 1;
	sf.tasks[1].tid = 2;
	sf.tasks[0].syscall_nr = -1;
	sf.tasks[1].syscall_nr = -1;
	sf.cur = &sf.tasks[0];
	for (int i = 0; i < 2; i++)
		sf.tasks[i].kstack_top =
			(uint64_t)(uintptr_t)&sf.frames[i] + sizeof(struct trap_frame);
	cpu_features.xsave = true;
	cpu_features.xsave_size = SF_XSAVE_SIZE;
	cpu_features.xcr0 = 7;
	sf.now_ns = 1000;
}

/* signalfd needs the file layer: tested in the guest (tests/guest/signals.c). */
long signal_signalfd(int fd, uint64_t mask, int flags)
{
	return -ENOSYS;
}

/* The power button's stop timer (drivers/powerbtn.c) never fires here. */
bool powerbtn_stop_timed_out(void)
{
	return false;
}
