/* sigqueue.c: pending signal sets with their queued siginfo, and the choice of the next
 * signal to deliver. A set is a 64-bit mask (bit sig - 1); its queue holds one entry per
 * queued instance in arrival order. Standard signals (1..31) pend at most once; real-time
 * ones (32..64) queue every instance, up to SIGQUEUE_MAX in all.
 *
 * Entries come from kmalloc, or from a small static reserve when the caller cannot
 * allocate (an interrupt handler may have interrupted a kmalloc on this CPU), so a
 * timer's signal keeps its siginfo. The caller keeps interrupt handlers out (signal.c
 * disables interrupts around these calls). */
#include "core/errno.h"
#include "mm/heap.h"
#include "signal/internal.h"

#define RESERVE 32

static struct sigqueue reserve[RESERVE];
static struct sigqueue *reserve_free;
static bool reserve_ready;
static int nqueued;

static struct sigqueue *entry_alloc(bool alloc_ok)
{
	struct sigqueue *q = NULL;

	if (nqueued >= SIGQUEUE_MAX)
		return NULL;
	if (alloc_ok)
		q = kmalloc(sizeof(*q));
	if (!q) {
		if (!reserve_ready) {
			for (int i = 0; i < RESERVE; i++) {
				reserve[i].next = reserve_free;
				reserve_free = &reserve[i];
			}
			reserve_ready = true;
		}
		q = reserve_free;
		if (q)
			reserve_free = q->next;
	}
	if (q)
		nqueued++;
	return q;
}

static void entry_free(struct sigqueue *q)
{
	nqueued--;
	if (q >= reserve && q < reserve + RESERVE) {
		q->next = reserve_free;
		reserve_free = q;
		return;
	}
	kfree(q);
}

int sigq_count(void)
{
	return nqueued;
}

int sigq_add(uint64_t *set, struct sigqueue **queue, int sig, const struct ksiginfo *info,
	     bool alloc_ok)
{
	if (sig < SIGRTMIN && (*set & SIG_BIT(sig)))
		return 0;
	struct sigqueue *q = entry_alloc(alloc_ok);
	if (!q) {
		if (sig >= SIGRTMIN && info->si_code != SI_USER)
			return -EAGAIN;
		*set |= SIG_BIT(sig);
		return 0;
	}
	q->info = *info;
	q->next = NULL;
	while (*queue)
		queue = &(*queue)->next;
	*queue = q;
	*set |= SIG_BIT(sig);
	return 0;
}

void sigq_take(uint64_t *set, struct sigqueue **queue, int sig, struct ksiginfo *info)
{
	struct sigqueue **pp, *found = NULL;
	bool more = false;

	for (pp = queue; *pp; pp = &(*pp)->next) {
		if ((*pp)->info.si_signo != sig)
			continue;
		found = *pp;
		*pp = found->next;
		break;
	}
	for (struct sigqueue *q = *pp; q && !more; q = q->next)
		more = q->info.si_signo == sig;
	if (found) {
		*info = found->info;
		entry_free(found);
	} else {
		/* Its siginfo did not fit in the queue: what Linux reports then. */
		for (size_t i = 0; i < sizeof(*info); i++)
			((uint8_t *)info)[i] = 0;
		info->si_signo = sig;
		info->si_code = SI_USER;
	}
	if (!more)
		*set &= ~SIG_BIT(sig);
}

void sigq_flush(uint64_t *set, struct sigqueue **queue, uint64_t mask)
{
	struct sigqueue **pp = queue;

	while (*pp) {
		struct sigqueue *q = *pp;
		if (mask & SIG_BIT(q->info.si_signo)) {
			*pp = q->next;
			entry_free(q);
		} else {
			pp = &q->next;
		}
	}
	*set &= ~mask;
}

int sigq_pick(uint64_t pending, uint64_t blocked)
{
	uint64_t ready = pending & ~blocked;

	if (!ready)
		return 0;
	if (ready & SIG_BIT(SIGKILL))
		return SIGKILL;
	if (ready & SIG_SYNCHRONOUS)
		ready &= SIG_SYNCHRONOUS;
	return __builtin_ctzll(ready) + 1;
}
