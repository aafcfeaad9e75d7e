/* poll.c: readiness (poll.h) and the engine behind poll, ppoll, select and pselect6.
 *
 * A waiting poll keeps one callback waiter per wait queue its files named on the first
 * scan (the poll table), all of which wake the one sleeping task waiter; entries live in
 * fixed chunks because a waiter must not move while it is on a queue. After a wake-up
 * the files are scanned again without registering (the waiters stay queued) until
 * something is ready, the deadline passes (one last scan), or a signal is pending. */
#include "fs/poll.h"
#include "core/errno.h"
#include "fs/devfs.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "mm/heap.h"
#include "sched/task.h"
#include "sched/wait.h"

#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define CHUNK_ENTRIES 32

void poll_wait(struct poll_table *pt, struct wait_queue *q)
{
	if (pt && q)
		pt->queue(pt, q);
}

unsigned vfs_poll(struct file *f, struct poll_table *pt)
{
	if (f->fops)
		return f->fops->poll ? f->fops->poll(f, pt) : DEFAULT_POLLMASK;
	if (f->dev && f->dev->poll)
		return f->dev->poll(f, pt);
	return DEFAULT_POLLMASK;
}

bool vfs_file_pollable(const struct file *f)
{
	return (f->fops && f->fops->poll) || (f->dev && f->dev->poll);
}

struct poll_chunk {
	struct poll_chunk *next;
	unsigned used;
	struct waiter w[CHUNK_ENTRIES];
};

struct poll_wait_set {
	struct poll_table pt;
	struct waiter self; /* the sleeping task */
	struct poll_chunk *chunks;
	int error; /* -ENOMEM while registering */
};

static void entry_wake(struct waiter *w, unsigned events)
{
	struct poll_wait_set *ws = w->priv;
	waiter_wake(&ws->self, events);
}

static void set_queue(struct poll_table *pt, struct wait_queue *q)
{
	struct poll_wait_set *ws = (struct poll_wait_set *)pt;
	struct poll_chunk *c = ws->chunks;

	if (!c || c->used == CHUNK_ENTRIES) {
		c = kmalloc(sizeof(*c));
		if (!c) {
			ws->error = -ENOMEM;
			return;
		}
		c->used = 0;
		c->next = ws->chunks;
		ws->chunks = c;
	}
	struct waiter *w = &c->w[c->used++];
	waiter_init_func(w, entry_wake, ws);
	waitq_add(q, w);
}

static void set_init(struct poll_wait_set *ws)
{
	ws->pt.queue = set_queue;
	waiter_init(&ws->self, current);
	ws->chunks = NULL;
	ws->error = 0;
}

static void set_free(struct poll_wait_set *ws)
{
	while (ws->chunks) {
		struct poll_chunk *c = ws->chunks;
		for (unsigned i = 0; i < c->used; i++)
			waitq_remove(&c->w[i]);
		ws->chunks = c->next;
		kfree(c);
	}
}

/* The loop both calls share: scan(arg, pt) returns the ready count or a negative errno. */
static int poll_loop(int (*scan)(void *arg, struct poll_table *pt), void *arg, uint64_t deadline_ns)
{
	struct poll_wait_set ws;
	bool first = deadline_ns != POLL_NOW, timed_out = false;
	int n;

	set_init(&ws);
	for (;;) {
		n = scan(arg, first ? &ws.pt : NULL);
		first = false;
		if (n != 0 || timed_out)
			break;
		if (ws.error) {
			n = ws.error;
			break;
		}
		int r = waiter_sleep(&ws.self, deadline_ns, WAIT_INTERRUPTIBLE);
		if (r == -EINTR) {
			n = -EINTR;
			break;
		}
		timed_out = r == -ETIMEDOUT;
	}
	set_free(&ws);
	return n;
}

struct poll_args {
	struct kpollfd *fds;
	unsigned nfds;
};

static int scan_fds(void *arg, struct poll_table *pt)
{
	struct poll_args *a = arg;
	int count = 0;

	for (unsigned i = 0; i < a->nfds; i++) {
		struct kpollfd *p = &a->fds[i];
		struct file *f;
		unsigned mask;

		p->revents = 0;
		if (p->fd < 0)
			continue;
		f = fd_get(p->fd);
		if (!f) {
			mask = POLLNVAL;
		} else {
			/* Stop registering once something is ready: the call returns anyway. */
			mask = vfs_poll(f, count ? NULL : pt);
			mask &= (uint16_t)p->events | POLLERR | POLLHUP;
		}
		p->revents = (int16_t)mask;
		if (mask)
			count++;
	}
	return count;
}

int vfs_poll_fds(struct kpollfd *fds, unsigned nfds, uint64_t deadline_ns)
{
	struct poll_args a = {fds, nfds};
	return poll_loop(scan_fds, &a, deadline_ns);
}

#define SEL_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SEL_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SEL_EX POLLPRI

struct select_args {
	unsigned nfds;
	uint64_t *set[3], *res[3];
};

static bool bit(const uint64_t *s, unsigned fd)
{
	return s && (s[fd / 64] >> (fd % 64)) & 1;
}

static int scan_sets(void *arg, struct poll_table *pt)
{
	static const unsigned want[3] = {SEL_IN, SEL_OUT, SEL_EX};
	struct select_args *a = arg;
	int count = 0;

	for (int k = 0; k < 3; k++)
		if (a->res[k])
			for (unsigned w = 0; w < (a->nfds + 63) / 64; w++)
				a->res[k][w] = 0;
	for (unsigned fd = 0; fd < a->nfds; fd++) {
		bool any = bit(a->set[0], fd) || bit(a->set[1], fd) || bit(a->set[2], fd);
		struct file *f;
		unsigned mask;

		if (!any)
			continue;
		f = fd_get((int)fd);
		if (!f)
			return -EBADF;
		mask = vfs_poll(f, count ? NULL : pt);
		for (int k = 0; k < 3; k++) {
			if (bit(a->set[k], fd) && (mask & want[k])) {
				a->res[k][fd / 64] |= 1ull << (fd % 64);
				count++;
			}
		}
	}
	return count;
}

int vfs_select(unsigned nfds, uint64_t *in, uint64_t *out, uint64_t *ex, uint64_t deadline_ns)
{
	uint64_t res[3][FD_MAX / 64];
	struct select_args a = {nfds, {in, out, ex}, {NULL, NULL, NULL}};
	int n;

	if (nfds > FD_MAX)
		return -EINVAL;
	for (int k = 0; k < 3; k++)
		if (a.set[k])
			a.res[k] = res[k];
	n = poll_loop(scan_sets, &a, deadline_ns);
	if (n >= 0)
		for (int k = 0; k < 3; k++)
			for (unsigned w = 0; a.set[k] && w < (nfds + 63) / 64; w++)
				a.set[k][w] = res[k][w];
	return n;
}
