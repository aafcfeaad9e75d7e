/* futex.c: futex(2): WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE, CMP_REQUEUE, WAKE_OP,
 * timeouts on either clock, and robust lists at thread exit. Priority-inheritance
 * operations answer -ENOSYS (glibc uses them only for PTHREAD_PRIO_INHERIT mutexes).
 *
 * Waiters hang on one of NBUCKETS lists hashed by address. A waiter leaves its list only
 * when a waker (or requeue) takes it off, or when it gives up (timeout, signal): so "still
 * queued" is the one test of whether a wait was answered. The futex word is read and
 * changed through the direct map, after making sure the page is present (and writable
 * for WAKE_OP and robust lists), with atomic instructions. */
#include "sched/futex.h"
#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "core/printk.h"
#include "core/time.h"
#include "mm/layout.h"
#include "mm/uaccess.h"
#include "mm/vm.h"
#include "sched/task.h"
#include "sched/wait.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define ROBUST_LIST_LIMIT 2048

#define NBUCKETS 64
#define NS_PER_S 1000000000ull

struct futex_waiter {
	struct waiter w;
	uint64_t addr;
	uint32_t bitset;
	bool queued;
	struct futex_waiter *next, *prev;
};

static struct futex_waiter *buckets[NBUCKETS];

static struct futex_waiter **bucket(uint64_t addr)
{
	return &buckets[(addr >> 2) * 0x9e3779b97f4a7c15ull >> 58];
}

static void fw_link(struct futex_waiter *fw)
{
	struct futex_waiter **b = bucket(fw->addr);
	fw->prev = NULL;
	fw->next = *b;
	if (*b)
		(*b)->prev = fw;
	*b = fw;
	fw->queued = true;
}

static void fw_unlink(struct futex_waiter *fw)
{
	if (!fw->queued)
		return;
	if (fw->prev)
		fw->prev->next = fw->next;
	else
		*bucket(fw->addr) = fw->next;
	if (fw->next)
		fw->next->prev = fw->prev;
	fw->next = fw->prev = NULL;
	fw->queued = false;
}

/* A futex address as Linux checks it: -EINVAL unaligned, -EFAULT outside user space. */
static int check_addr(uint64_t uaddr)
{
	if (uaddr & 3)
		return -EINVAL;
	return user_range_ok(uaddr, 4) ? 0 : -EFAULT;
}

/* Both words of a two-futex operation (requeue, wake-op): the first error. */
static int check_addrs(uint64_t uaddr, uint64_t uaddr2)
{
	int r = check_addr(uaddr);
	return r < 0 ? r : check_addr(uaddr2);
}

/* The futex word at uaddr through the direct map, faulting the page in; NULL when the
 * address is unmapped, or read-only and write asked (callers check_addr first). */
static uint32_t *user_word(uint64_t uaddr, bool write)
{
	if (check_addr(uaddr) < 0)
		return NULL;
	uint64_t page = PAGE_ALIGN_DOWN(uaddr);
	for (int tries = 0; tries < 3; tries++) {
		uint64_t pa;
		unsigned flags;
		bool mapped = paging_lookup(arch_current_root(), page, &pa, &flags);
		if (mapped && (flags & PG_USER) && (!write || (flags & PG_WRITE)))
			return (uint32_t *)phys_to_virt(pa + (uaddr - page));
		uint64_t err = (mapped ? 1 : 0) | (write ? 2 : 0) | 4;
		if (vm_handle_fault(uaddr, err) < 0)
			return NULL;
	}
	return NULL;
}

int futex_wake(uint64_t uaddr, int n, uint32_t bitset)
{
	int woken = 0;
	struct futex_waiter *fw = *bucket(uaddr);
	while (fw && woken < n) {
		struct futex_waiter *next = fw->next;
		if (fw->addr == uaddr && (fw->bitset & bitset)) {
			fw_unlink(fw);
			waiter_wake(&fw->w, 0);
			woken++;
		}
		fw = next;
	}
	return woken;
}

/* A relative or absolute timeout from the program as a CLOCK_MONOTONIC deadline (0 = none). */
static int read_deadline(uint64_t utimeout, bool absolute, bool realtime, uint64_t *out)
{
	struct {
		int64_t sec, nsec;
	} ts;
	*out = 0;
	if (!utimeout)
		return 0;
	if (copy_from_user(&ts, (const void *)utimeout, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NS_PER_S)
		return -EINVAL;
	uint64_t ns = (uint64_t)ts.sec > UINT64_MAX / NS_PER_S / 2
			      ? UINT64_MAX / 2
			      : (uint64_t)ts.sec * NS_PER_S + ts.nsec;
	uint64_t now = time_monotonic_ns();
	if (!absolute) {
		*out = now + ns;
	} else if (realtime) {
		uint64_t real = time_realtime_ns();
		*out = ns > real ? now + (ns - real) : now;
	} else {
		*out = ns;
	}
	if (!*out)
		*out = 1;
	return 0;
}

static long futex_wait(uint64_t uaddr, uint32_t val, uint64_t deadline, uint32_t bitset)
{
	int bad = check_addr(uaddr);
	if (bad < 0)
		return bad;
	uint32_t *word = user_word(uaddr, false);
	if (!word)
		return -EFAULT;
	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != val)
		return -EAGAIN;
	struct futex_waiter fw;
	waiter_init(&fw.w, current);
	fw.addr = uaddr;
	fw.bitset = bitset;
	fw_link(&fw);
	long r = 0;
	while (fw.queued) {
		int s = waiter_sleep(&fw.w, deadline, WAIT_INTERRUPTIBLE);
		if (!fw.queued)
			break;
		if (s == -ETIMEDOUT) {
			r = -ETIMEDOUT;
			break;
		}
		if (s == -EINTR) {
			/* Without a timeout the wait is restarted as if nothing happened. */
			r = deadline ? -EINTR : -ERESTARTSYS;
			break;
		}
	}
	fw_unlink(&fw);
	return r;
}

static long futex_requeue(uint64_t uaddr, int nwake, int nmove, uint64_t uaddr2, bool cmp,
			  uint32_t val3)
{
	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	int bad = check_addrs(uaddr, uaddr2);
	if (bad < 0)
		return bad;
	if (cmp) {
		uint32_t *word = user_word(uaddr, false);
		if (!word)
			return -EFAULT;
		if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != val3)
			return -EAGAIN;
	}
	int woken = futex_wake(uaddr, nwake, FUTEX_BITSET_MATCH_ANY), moved = 0;
	struct futex_waiter *fw = *bucket(uaddr);
	while (fw && moved < nmove) {
		struct futex_waiter *next = fw->next;
		if (fw->addr == uaddr) {
			fw_unlink(fw);
			fw->addr = uaddr2;
			fw_link(fw);
			moved++;
		}
		fw = next;
	}
	return woken + moved; /* Linux counts both for REQUEUE too (the man page says otherwise) */
}

static int32_t sext12(uint32_t v)
{
	return (int32_t)(v << 20) >> 20;
}

static long futex_wake_op(uint64_t uaddr, int n1, uint64_t uaddr2, int n2, uint32_t val3)
{
	unsigned op = (val3 >> 28) & 7, cmp = (val3 >> 24) & 15;
	int32_t oparg = sext12(val3 >> 12), cmparg = sext12(val3);
	if (val3 & (8u << 28)) /* FUTEX_OP_OPARG_SHIFT */
		oparg = (oparg < 0 || oparg > 31) ? -1 : (int32_t)(1u << oparg);
	if (op > 4 || cmp > 5)
		return -ENOSYS;
	int bad = check_addrs(uaddr, uaddr2);
	if (bad < 0)
		return bad;
	uint32_t *word = user_word(uaddr2, true);
	if (!word)
		return -EFAULT;
	uint32_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST), want;
	do {
		switch (op) {
		case 0:
			want = (uint32_t)oparg;
			break;
		case 1:
			want = old + (uint32_t)oparg;
			break;
		case 2:
			want = old | (uint32_t)oparg;
			break;
		case 3:
			want = old & ~(uint32_t)oparg;
			break;
		default:
			want = old ^ (uint32_t)oparg;
			break;
		}
	} while (!__atomic_compare_exchange_n(word, &old, want, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	int32_t o = (int32_t)old;
	bool hit = cmp == 0   ? o == cmparg
		   : cmp == 1 ? o != cmparg
		   : cmp == 2 ? o < cmparg
		   : cmp == 3 ? o <= cmparg
		   : cmp == 4 ? o > cmparg
			      : o >= cmparg;
	int woken = futex_wake(uaddr, n1, FUTEX_BITSET_MATCH_ANY);
	if (hit)
		woken += futex_wake(uaddr2, n2, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

long futex_op(uint64_t uaddr, int op, uint32_t val, uint64_t utimeout_or_val2, uint64_t uaddr2,
	      uint32_t val3)
{
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	uint64_t deadline;
	int r;

	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		if ((r = read_deadline(utimeout_or_val2, false, realtime, &deadline)) < 0)
			return r;
		return futex_wait(uaddr, val, deadline, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		if (!val3)
			return -EINVAL;
		if ((r = read_deadline(utimeout_or_val2, true, realtime, &deadline)) < 0)
			return r;
		return futex_wait(uaddr, val, deadline, val3);
	case FUTEX_WAKE:
		if ((r = check_addr(uaddr)) < 0)
			return r;
		return futex_wake(uaddr, (int)val < 0 ? 0x7fffffff : (int)val,
				  FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		if (!val3)
			return -EINVAL;
		if ((r = check_addr(uaddr)) < 0)
			return r;
		return futex_wake(uaddr, (int)val < 0 ? 0x7fffffff : (int)val, val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, (int)val, (int)utimeout_or_val2, uaddr2,
				     cmd == FUTEX_CMP_REQUEUE, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, (int)val, uaddr2, (int)utimeout_or_val2, val3);
	default: {
		static bool logged;
		if (!logged) {
			printk("isle: futex operation %d is not supported: returning -ENOSYS\n",
			       cmd);
			logged = true;
		}
		return -ENOSYS;
	}
	}
}

/* One robust futex of a dying owner: mark it and wake a waiter. */
static void robust_release(uint64_t uaddr, int tid)
{
	uint32_t *word = user_word(uaddr, true);
	if (!word)
		return;
	uint32_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
	for (;;) {
		if ((old & FUTEX_TID_MASK) != (uint32_t)tid)
			return;
		uint32_t want = (old & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (__atomic_compare_exchange_n(word, &old, want, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			break;
	}
	if (old & FUTEX_WAITERS)
		futex_wake(uaddr, 1, FUTEX_BITSET_MATCH_ANY);
}

void futex_exit_robust(uint64_t head, int tid)
{
	struct {
		uint64_t next;
		int64_t futex_offset;
		uint64_t pending;
	} h;
	if (!head || copy_from_user(&h, (const void *)head, sizeof(h)) < 0)
		return;
	uint64_t entry = h.next;
	/* Bit 0 of an entry pointer marks a PI futex; the address is the rest. */
	for (int i = 0; i < ROBUST_LIST_LIMIT && entry != head; i++) {
		uint64_t next;
		if (copy_from_user(&next, (const void *)(entry & ~1ull), sizeof(next)) < 0)
			return;
		if ((entry & ~1ull) != h.pending)
			robust_release((entry & ~1ull) + h.futex_offset, tid);
		entry = next;
	}
	if (h.pending)
		robust_release((h.pending & ~1ull) + h.futex_offset, tid);
}
