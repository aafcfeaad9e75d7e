/* futex: the futex system call used raw (no libc wrapper): WAIT on a changed value (EAGAIN),
 * relative and absolute timeouts on both clocks (ETIMEDOUT, never early), WAKE counts,
 * WAIT_BITSET/WAKE_BITSET selecting waiters, REQUEUE and CMP_REQUEUE, WAKE_OP, the error
 * cases (EINVAL, EFAULT, ENOSYS), private and shared futexes, and robust lists: a thread
 * that dies holding a futex gets FUTEX_OWNER_DIED set and a waiter woken, and a robust
 * pthread mutex reports EOWNERDEAD to the next locker.
 *
 * How many threads sleep on a futex is read without waking them: CMP_REQUEUE with
 * nr_wake 0 moves every waiter to a scratch futex and returns their number, and a second
 * one moves them back. Waiters here never wake spuriously (no signals are sent).
 * Built with glibc and musl; ends with "PASS futex". */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

/* From the futex(2) ABI: musl's headers have no <linux/futex.h>. */
enum {
	FUTEX_WAIT = 0,
	FUTEX_WAKE = 1,
	FUTEX_REQUEUE = 3,
	FUTEX_CMP_REQUEUE = 4,
	FUTEX_WAKE_OP = 5,
	FUTEX_WAIT_BITSET = 9,
	FUTEX_WAKE_BITSET = 10,
	FUTEX_PRIVATE_FLAG = 128,
	FUTEX_CLOCK_REALTIME = 256,
};
enum { FUTEX_OP_SET, FUTEX_OP_ADD, FUTEX_OP_OR, FUTEX_OP_ANDN, FUTEX_OP_XOR };
enum {
	FUTEX_OP_CMP_EQ,
	FUTEX_OP_CMP_NE,
	FUTEX_OP_CMP_LT,
	FUTEX_OP_CMP_LE,
	FUTEX_OP_CMP_GT,
	FUTEX_OP_CMP_GE
};
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u

/* The robust list ABI of set_robust_list(2). */
struct rlist {
	struct rlist *next;
};

struct rlist_head {
	struct rlist list;
	long futex_offset;
	struct rlist *list_op_pending;
};

#define PRIV FUTEX_PRIVATE_FLAG
#define POLLS 60000 /* waiting for threads to block: 1 ms apart, so a minute at least */

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts,
		  uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

/* futex() that must fail: returns its errno. */
static int futex_err(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts,
		     uint32_t *uaddr2, uint32_t val3)
{
	long r = futex(uaddr, op, val, ts, uaddr2, val3);

	CHECK(r == -1, "futex op %#x returned %ld, expected an error", op, r);
	return errno;
}

/* FUTEX_FAILS(EXPECTED_ERRNO, futex arguments...) */
#define FUTEX_FAILS(want, ...)                                                                     \
	do {                                                                                       \
		int e_ = futex_err(__VA_ARGS__);                                                   \
		CHECK(e_ == (want), "errno %d (%s), expected " #want, e_, strerror(e_));           \
	} while (0)

static int64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	CHECK(clock_gettime(clock, &ts) == 0);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct timespec ns_to_ts(int64_t ns)
{
	return (struct timespec){.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
}

static void pause_1ms(void)
{
	struct timespec ts = {0, 1000000};

	nanosleep(&ts, NULL);
}

/* Number of threads blocked on *uaddr (see the note at the top). */
static long waiters_on(uint32_t *uaddr, int priv)
{
	static uint32_t scratch;
	long n;

	for (;;) {
		uint32_t v = __atomic_load_n(uaddr, __ATOMIC_SEQ_CST);

		n = futex(uaddr, FUTEX_CMP_REQUEUE | priv, 0, (void *)(uintptr_t)INT_MAX, &scratch,
			  v);
		if (n >= 0)
			break;
		CHECK(errno == EAGAIN, "probe: %s", strerror(errno)); /* value just changed */
	}
	long back = futex(&scratch, FUTEX_CMP_REQUEUE | priv, 0, (void *)(uintptr_t)INT_MAX, uaddr,
			  scratch);
	CHECK(back == n, "probe moved %ld there and %ld back", n, back);
	return n;
}

static void wait_for_waiters(uint32_t *uaddr, int priv, long n)
{
	long have = 0;

	for (int i = 0; i < POLLS; i++) {
		have = waiters_on(uaddr, priv);
		if (have == n)
			return;
		CHECK(have < n, "%ld waiters, expected %ld", have, n);
		pause_1ms();
	}
	CHECK(0, "only %ld of %ld threads blocked on the futex", have, n);
}

/* A waiter thread: one FUTEX_WAIT(_BITSET) on w->uaddr for w->val, then records the result. */
struct waiter {
	pthread_t thread;
	uint32_t *uaddr;
	uint32_t val;
	int op;
	uint32_t bitset;
	long result;
	int err;
	int done;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->result = futex(w->uaddr, w->op, w->val, NULL, NULL, w->bitset);
	w->err = w->result < 0 ? errno : 0;
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void start_waiter(struct waiter *w, uint32_t *uaddr, uint32_t val, int op, uint32_t bitset)
{
	*w = (struct waiter){.uaddr = uaddr, .val = val, .op = op, .bitset = bitset};
	CHECK(pthread_create(&w->thread, NULL, waiter_main, w) == 0);
}

static void join_woken(struct waiter *w)
{
	CHECK(pthread_join(w->thread, NULL) == 0);
	CHECK(w->result == 0, "waiter returned %ld (%s)", w->result, strerror(w->err));
}

static int count_done(struct waiter *w, int n)
{
	int done = 0;

	for (int i = 0; i < n; i++)
		done += __atomic_load_n(&w[i].done, __ATOMIC_SEQ_CST);
	return done;
}

static void test_eagain_and_timeouts(void)
{
	uint32_t word = 5;
	struct timespec rel = {0, 20000000};

	FUTEX_FAILS(EAGAIN, &word, FUTEX_WAIT | PRIV, 6, NULL, NULL, 0);
	FUTEX_FAILS(EAGAIN, &word, FUTEX_WAIT, 6, NULL, NULL, 0);

	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	FUTEX_FAILS(ETIMEDOUT, &word, FUTEX_WAIT | PRIV, 5, &rel, NULL, 0);
	int64_t waited = now_ns(CLOCK_MONOTONIC) - t0;
	CHECK(waited >= 20000000, "relative 20 ms timeout after %lld ns", (long long)waited);

	/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline ... */
	int64_t deadline = now_ns(CLOCK_MONOTONIC) + 20000000;
	struct timespec abs = ns_to_ts(deadline);
	FUTEX_FAILS(ETIMEDOUT, &word, FUTEX_WAIT_BITSET | PRIV, 5, &abs, NULL,
		    FUTEX_BITSET_MATCH_ANY);
	CHECK(now_ns(CLOCK_MONOTONIC) >= deadline, "monotonic deadline not reached");

	/* ... or CLOCK_REALTIME with FUTEX_CLOCK_REALTIME. */
	deadline = now_ns(CLOCK_REALTIME) + 20000000;
	abs = ns_to_ts(deadline);
	FUTEX_FAILS(ETIMEDOUT, &word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | PRIV, 5, &abs,
		    NULL, FUTEX_BITSET_MATCH_ANY);
	CHECK(now_ns(CLOCK_REALTIME) >= deadline, "realtime deadline not reached");

	/* A deadline already past times out at once. */
	abs = ns_to_ts(1); /* (the guest's monotonic clock may be under a second) */
	FUTEX_FAILS(ETIMEDOUT, &word, FUTEX_WAIT_BITSET | PRIV, 5, &abs, NULL,
		    FUTEX_BITSET_MATCH_ANY);
	struct timespec zero = {0, 0};
	FUTEX_FAILS(ETIMEDOUT, &word, FUTEX_WAIT | PRIV, 5, &zero, NULL, 0);
}

static void test_errors(void)
{
	uint32_t words[2] = {0, 0};
	uint32_t *unaligned = (uint32_t *)((char *)words + 1);
	struct timespec bad_nsec = {0, 1000000000}, negative = {-1, 0};

	FUTEX_FAILS(EINVAL, unaligned, FUTEX_WAIT | PRIV, 0, NULL, NULL, 0);
	FUTEX_FAILS(EINVAL, unaligned, FUTEX_WAKE | PRIV, 1, NULL, NULL, 0);
	FUTEX_FAILS(EINVAL, &words[0], FUTEX_WAIT | PRIV, 0, &bad_nsec, NULL, 0);
	FUTEX_FAILS(EINVAL, &words[0], FUTEX_WAIT | PRIV, 0, &negative, NULL, 0);
	FUTEX_FAILS(EINVAL, &words[0], FUTEX_WAIT_BITSET | PRIV, 0, NULL, NULL, 0);
	FUTEX_FAILS(EINVAL, &words[0], FUTEX_WAKE_BITSET | PRIV, 1, NULL, NULL, 0);
	FUTEX_FAILS(EINVAL, &words[0], FUTEX_REQUEUE | PRIV, 0, (void *)(intptr_t)-1, &words[1], 0);
	FUTEX_FAILS(EINVAL, &words[0], FUTEX_CMP_REQUEUE | PRIV, 0, (void *)1, unaligned, 0);
	FUTEX_FAILS(EFAULT, NULL, FUTEX_WAIT | PRIV, 0, NULL, NULL, 0);
	FUTEX_FAILS(EFAULT, &words[0], FUTEX_WAIT | PRIV, 0, (void *)8, NULL, 0);
	FUTEX_FAILS(EAGAIN, &words[0], FUTEX_CMP_REQUEUE | PRIV, 0, (void *)1, &words[1], 1);
	/* FUTEX_CLOCK_REALTIME only goes with the waiting operations; unknown ops: ENOSYS */
	FUTEX_FAILS(ENOSYS, &words[0], FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0);
	FUTEX_FAILS(ENOSYS, &words[0], 99 | PRIV, 0, NULL, NULL, 0);
	/* waking nobody is not an error */
	CHECK(futex(&words[0], FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0) == 0);
	CHECK(futex(&words[0], FUTEX_WAKE, 1, NULL, NULL, 0) == 0);
}

/* WAKE returns how many it woke, never more than asked; shared (not private) futex. */
static void test_wake_counts(void)
{
	static uint32_t word;
	struct waiter w[4];

	for (int i = 0; i < 4; i++)
		start_waiter(&w[i], &word, 0, FUTEX_WAIT, 0);
	wait_for_waiters(&word, 0, 4);
	CHECK(futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0) == 1);
	CHECK(futex(&word, FUTEX_WAKE, 2, NULL, NULL, 0) == 2);
	CHECK(futex(&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0) == 1);
	CHECK(futex(&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0) == 0);
	for (int i = 0; i < 4; i++)
		join_woken(&w[i]);
}

/* WAKE_BITSET wakes only the waiters whose bitset intersects its own. */
static void test_bitset(void)
{
	static uint32_t word;
	struct waiter w[3];

	start_waiter(&w[0], &word, 0, FUTEX_WAIT_BITSET | PRIV, 0x1);
	start_waiter(&w[1], &word, 0, FUTEX_WAIT_BITSET | PRIV, 0x2);
	start_waiter(&w[2], &word, 0, FUTEX_WAIT | PRIV, 0); /* bitset: match any */
	wait_for_waiters(&word, PRIV, 3);
	CHECK(futex(&word, FUTEX_WAKE_BITSET | PRIV, 1, NULL, NULL, 0x4) == 1); /* w[2] */
	join_woken(&w[2]);
	CHECK(count_done(w, 2) == 0, "a bitset waiter woke for another bitset");
	CHECK(futex(&word, FUTEX_WAKE_BITSET | PRIV, INT_MAX, NULL, NULL, 0x2) == 1);
	join_woken(&w[1]);
	CHECK(count_done(w, 1) == 0, "waiter with bitset 1 woke for bitset 2");
	CHECK(futex(&word, FUTEX_WAKE_BITSET | PRIV, INT_MAX, NULL, NULL, 0x2) == 0);
	CHECK(futex(&word, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0) == 1); /* plain: any */
	join_woken(&w[0]);
}

static void test_requeue(void)
{
	static uint32_t a, b;
	struct waiter w[4];

	for (int i = 0; i < 4; i++)
		start_waiter(&w[i], &a, 0, FUTEX_WAIT | PRIV, 0);
	wait_for_waiters(&a, PRIV, 4);
	/* wake 1, move 2: returns woken + requeued */
	CHECK(futex(&a, FUTEX_CMP_REQUEUE | PRIV, 1, (void *)2, &b, 0) == 3);
	while (count_done(w, 4) < 1)
		pause_1ms();
	CHECK(waiters_on(&a, PRIV) == 1);
	CHECK(waiters_on(&b, PRIV) == 2);
	CHECK(futex(&a, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0) == 1);
	/* plain REQUEUE (no comparison) of the two back to a, waking none */
	CHECK(futex(&b, FUTEX_REQUEUE | PRIV, 0, (void *)(uintptr_t)INT_MAX, &a, 0) == 2);
	CHECK(waiters_on(&b, PRIV) == 0);
	CHECK(futex(&b, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0) == 0);
	CHECK(futex(&a, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0) == 2);
	for (int i = 0; i < 4; i++)
		join_woken(&w[i]);
}

#define WAKE_OP(op, oparg, cmp, cmparg)                                                            \
	((uint32_t)(((op)&0xf) << 28 | ((cmp)&0xf) << 24 | ((oparg)&0xfff) << 12 |                 \
		    ((cmparg)&0xfff)))

/* WAKE_OP: *uaddr2 = *uaddr2 OP oparg atomically, wake nr_wake on uaddr, and nr_wake2 on
 * uaddr2 if the OLD value of *uaddr2 compares true. */
static void test_wake_op(void)
{
	static uint32_t a, b = 10;
	struct waiter wa, wb;

	start_waiter(&wa, &a, 0, FUTEX_WAIT | PRIV, 0);
	start_waiter(&wb, &b, 10, FUTEX_WAIT | PRIV, 0);
	wait_for_waiters(&a, PRIV, 1);
	wait_for_waiters(&b, PRIV, 1);
	/* old 10 == 10: both woken; b = 15 */
	CHECK(futex(&a, FUTEX_WAKE_OP | PRIV, 1, (void *)1, &b,
		    WAKE_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 10)) == 2);
	CHECK(b == 15, "b = %u", b);
	join_woken(&wa);
	join_woken(&wb);

	start_waiter(&wa, &a, 0, FUTEX_WAIT | PRIV, 0);
	start_waiter(&wb, &b, 15, FUTEX_WAIT | PRIV, 0);
	wait_for_waiters(&a, PRIV, 1);
	wait_for_waiters(&b, PRIV, 1);
	/* old 15 is not < 15: only a's waiter; b = 15 | (1 << 8) with OPARG_SHIFT */
	CHECK(futex(&a, FUTEX_WAKE_OP | PRIV, 1, (void *)1, &b,
		    WAKE_OP(FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 8, FUTEX_OP_CMP_LT, 15)) == 1);
	CHECK(b == (15 | 256), "b = %u", b);
	join_woken(&wa);
	CHECK(count_done(&wb, 1) == 0, "b's waiter woke on a false comparison");
	/* SET, old (271) > 100: b's waiter woken; none on a */
	CHECK(futex(&a, FUTEX_WAKE_OP | PRIV, 1, (void *)1, &b,
		    WAKE_OP(FUTEX_OP_SET, 3, FUTEX_OP_CMP_GT, 100)) == 1);
	CHECK(b == 3, "b = %u", b);
	join_woken(&wb);
	/* ANDN and XOR, no waiters: only the value changes */
	CHECK(futex(&a, FUTEX_WAKE_OP | PRIV, 1, (void *)1, &b,
		    WAKE_OP(FUTEX_OP_ANDN, 1, FUTEX_OP_CMP_NE, 0)) == 0);
	CHECK(b == 2, "b = %u", b);
	CHECK(futex(&a, FUTEX_WAKE_OP | PRIV, 1, (void *)1, &b,
		    WAKE_OP(FUTEX_OP_XOR, 7, FUTEX_OP_CMP_GE, 0)) == 0);
	CHECK(b == 5, "b = %u", b);
}

/* A thread registers a robust list holding one futex it owns (its tid, waiters bit set),
 * waits until the main thread sleeps on that futex, and exits. */
struct robust_lock {
	struct rlist list;
	uint32_t futex;
};

static struct rlist_head robust_head;
static struct robust_lock robust_lock;
static uint32_t robust_tid;

static void *robust_owner(void *arg)
{
	struct rlist_head *got;
	size_t len;

	(void)arg;
	robust_lock.list.next = &robust_head.list;
	robust_head.list.next = &robust_lock.list;
	robust_head.futex_offset =
		offsetof(struct robust_lock, futex) - offsetof(struct robust_lock, list);
	robust_head.list_op_pending = NULL;
	CHECK(syscall(SYS_set_robust_list, &robust_head, sizeof robust_head) == 0);
	CHECK(syscall(SYS_get_robust_list, 0, &got, &len) == 0);
	CHECK(got == &robust_head && len == sizeof robust_head);
	uint32_t tid = (uint32_t)syscall(SYS_gettid);
	__atomic_store_n(&robust_lock.futex, tid | FUTEX_WAITERS, __ATOMIC_SEQ_CST);
	__atomic_store_n(&robust_tid, tid, __ATOMIC_SEQ_CST);
	wait_for_waiters(&robust_lock.futex, 0, 1);
	/* The libc's thread exit leaves this list alone (glibc leaves robust lists to the
	 * kernel, musl walks only the list it registered itself): the kernel walks it. */
	return NULL;
}

static void test_robust_raw(void)
{
	pthread_t t;
	uint32_t tid;

	CHECK(syscall(SYS_set_robust_list, &robust_head, sizeof robust_head + 1) == -1 &&
	      errno == EINVAL);
	CHECK(pthread_create(&t, NULL, robust_owner, NULL) == 0);
	while ((tid = __atomic_load_n(&robust_tid, __ATOMIC_SEQ_CST)) == 0)
		pause_1ms();
	long r = futex(&robust_lock.futex, FUTEX_WAIT, tid | FUTEX_WAITERS, NULL, NULL, 0);
	CHECK(r == 0, "waiting on the dead owner's futex: %s", strerror(errno));
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(robust_lock.futex == (FUTEX_OWNER_DIED | FUTEX_WAITERS),
	      "futex %#x after owner %u died", robust_lock.futex, tid);
}

static pthread_mutex_t robust_mutex;

static void *robust_locker(void *arg)
{
	(void)arg;
	CHECK(pthread_mutex_lock(&robust_mutex) == 0);
	return NULL; /* exits holding it */
}

static void test_robust_mutex(void)
{
	pthread_mutexattr_t attr;
	pthread_t t;

	CHECK(pthread_mutexattr_init(&attr) == 0);
	CHECK(pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST) == 0);
	CHECK(pthread_mutex_init(&robust_mutex, &attr) == 0);
	CHECK(pthread_create(&t, NULL, robust_locker, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	int e = pthread_mutex_lock(&robust_mutex);
	CHECK(e == EOWNERDEAD, "lock after the owner died: %s", strerror(e));
	CHECK(pthread_mutex_consistent(&robust_mutex) == 0);
	CHECK(pthread_mutex_unlock(&robust_mutex) == 0);
	CHECK(pthread_mutex_lock(&robust_mutex) == 0);
	CHECK(pthread_mutex_unlock(&robust_mutex) == 0);
}

int main(void)
{
	test_eagain_and_timeouts();
	printf("futex: EAGAIN and timeouts\n");
	test_errors();
	printf("futex: errors\n");
	test_wake_counts();
	printf("futex: wake counts\n");
	test_bitset();
	printf("futex: bitsets\n");
	test_requeue();
	printf("futex: requeue\n");
	test_wake_op();
	printf("futex: wake_op\n");
	test_robust_raw();
	printf("futex: robust list\n");
	test_robust_mutex();
	printf("futex: robust mutex\n");
	guest_pass("futex");
	return 0;
}
