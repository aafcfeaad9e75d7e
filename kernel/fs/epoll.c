/* epoll.c: epoll instances (epoll.h).
 *
 * An item is keyed by (file, fd) as in Linux, kept on its instance's list, and also on
 * its file's watch list (file.h), whose gone() removes it when the file's last reference
 * goes. Its hooks are callback waiters on the file's wait queues (at most EP_HOOKS; files
 * here name one queue, the console none beyond its own). A hook only marks the item
 * ready; epoll_wait asks the file again (vfs_poll) before reporting, so a stale or
 * spurious wake-up costs a poll, never a wrong event. The ready list is singly linked in
 * arrival order; on_ready says whether an item is on it. */
#include "fs/epoll.h"
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "fs/anonfile.h"
#include "fs/poll.h"
#include "mm/heap.h"
#include "sched/task.h"
#include "sched/wait.h"

#define EP_HOOKS 2
#define EP_PRIVATE (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EXCLUSIVE_OK                                                                               \
	(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)

struct epoll;

struct epitem {
	struct epoll *ep;
	struct file *file; /* not held: the watch removes the item before the file goes */
	int fd;
	uint32_t events; /* with EPOLLERR | EPOLLHUP; only EP_PRIVATE bits once disabled */
	uint64_t data;
	struct epitem *next;  /* ep->items */
	struct epitem *rnext; /* ep's ready list */
	bool on_ready;
	struct file_watch watch;
	struct waiter hooks[EP_HOOKS];
	unsigned nhooks;
};

struct epoll {
	struct wait_queue wq;	 /* epoll_wait sleepers (exclusive) */
	struct wait_queue pollq; /* poll/select/epoll on this epoll file */
	struct epitem *items;
	struct epitem *rhead, *rtail;
	struct file *self;
};

static const struct file_ops epoll_ops;

bool epoll_is(const struct file *f)
{
	return f->fops == &epoll_ops;
}

/* Append to the ready list (interrupts off). */
static void ready_append(struct epoll *ep, struct epitem *it)
{
	it->on_ready = true;
	it->rnext = NULL;
	if (ep->rtail)
		ep->rtail->rnext = it;
	else
		ep->rhead = it;
	ep->rtail = it;
}

static void ready_remove(struct epoll *ep, struct epitem *it)
{
	unsigned long fl = arch_irq_save();
	struct epitem **pp = &ep->rhead, *prev = NULL;

	while (it->on_ready && *pp) {
		if (*pp == it) {
			*pp = it->rnext;
			if (ep->rtail == it)
				ep->rtail = prev;
			it->on_ready = false;
			break;
		}
		prev = *pp;
		pp = &(*pp)->rnext;
	}
	arch_irq_restore(fl);
}

/* Put it on the ready list and tell whoever waits for this instance. */
static void mark_ready(struct epitem *it)
{
	struct epoll *ep = it->ep;
	unsigned long fl = arch_irq_save();

	if (!it->on_ready)
		ready_append(ep, it);
	arch_irq_restore(fl);
	waitq_wake_one(&ep->wq, 0);
	waitq_wake_all(&ep->pollq, POLLIN | POLLRDNORM);
}

static bool enabled(const struct epitem *it)
{
	return (it->events & ~EP_PRIVATE) != 0;
}

static void hook_wake(struct waiter *w, unsigned events)
{
	struct epitem *it = w->priv;

	if (!enabled(it) || (events && !(events & it->events)))
		return;
	mark_ready(it);
}

struct ep_table {
	struct poll_table pt;
	struct epitem *it;
};

static void hook_queue(struct poll_table *pt, struct wait_queue *q)
{
	struct epitem *it = ((struct ep_table *)pt)->it;

	if (it->nhooks == EP_HOOKS)
		return;
	struct waiter *w = &it->hooks[it->nhooks++];
	waiter_init_func(w, hook_wake, it);
	w->exclusive = (it->events & EPOLLEXCLUSIVE) != 0;
	waitq_add(q, w);
}

/* Unhook, take off the lists and free. watched: still on the file's watch list. */
static void item_free(struct epitem *it, bool watched)
{
	struct epoll *ep = it->ep;

	for (unsigned i = 0; i < it->nhooks; i++)
		waitq_remove(&it->hooks[i]);
	ready_remove(ep, it);
	for (struct epitem **pp = &ep->items; *pp; pp = &(*pp)->next) {
		if (*pp == it) {
			*pp = it->next;
			break;
		}
	}
	if (watched) {
		for (struct file_watch **pp = &it->file->watches; *pp; pp = &(*pp)->next) {
			if (*pp == &it->watch) {
				*pp = it->watch.next;
				break;
			}
		}
	}
	kfree(it);
}

static void watch_gone(struct file_watch *w, struct file *f)
{
	struct epitem *it = (struct epitem *)((char *)w - __builtin_offsetof(struct epitem, watch));
	item_free(it, false);
}

static struct epitem *find(struct epoll *ep, struct file *f, int fd)
{
	for (struct epitem *it = ep->items; it; it = it->next)
		if (it->file == f && it->fd == fd)
			return it;
	return NULL;
}

/* Depth of epoll instances below ep (itself included), and above it (through the items
 * of other instances that watch ep's file). Both are bounded: the graph is kept acyclic
 * and at most EPOLL_MAX_NESTS + 1 deep. */
static int depth_down(struct epoll *ep)
{
	int d = 0;
	for (struct epitem *it = ep->items; it; it = it->next) {
		if (epoll_is(it->file)) {
			int c = depth_down(it->file->priv);
			d = c > d ? c : d;
		}
	}
	return d + 1;
}

static int depth_up(struct epoll *ep)
{
	int d = 0;
	for (struct file_watch *w = ep->self->watches; w; w = w->next) {
		if (w->gone == watch_gone) {
			struct epitem *it =
				(struct epitem *)((char *)w -
						  __builtin_offsetof(struct epitem, watch));
			int c = depth_up(it->ep);
			d = c > d ? c : d;
		}
	}
	return d + 1;
}

static bool reaches(struct epoll *from, struct epoll *to)
{
	if (from == to)
		return true;
	for (struct epitem *it = from->items; it; it = it->next)
		if (epoll_is(it->file) && reaches(it->file->priv, to))
			return true;
	return false;
}

static int item_add(struct epoll *ep, int fd, struct file *f, uint32_t events, uint64_t data)
{
	struct epitem *it = kzalloc(sizeof(*it));
	struct ep_table t = {{hook_queue}, it};

	if (!it)
		return -ENOMEM;
	it->ep = ep;
	it->file = f;
	it->fd = fd;
	it->events = events;
	it->data = data;
	it->watch.gone = watch_gone;
	it->watch.next = f->watches;
	f->watches = &it->watch;
	it->next = ep->items;
	ep->items = it;
	if (vfs_poll(f, &t.pt) & it->events)
		mark_ready(it);
	return 0;
}

int epoll_ctl_file(struct file *epf, int op, int fd, struct file *target,
		   const struct epoll_event *ev)
{
	struct epoll *ep;
	struct epitem *it;
	uint32_t events = 0;

	if (!vfs_file_pollable(target))
		return -EPERM;
	if (!epoll_is(epf) || epf == target)
		return -EINVAL;
	ep = epf->priv;
	if (op != EPOLL_CTL_DEL) {
		events = ev->events | EPOLLERR | EPOLLHUP;
		if (events & EPOLLEXCLUSIVE) {
			if (op == EPOLL_CTL_MOD)
				return -EINVAL;
			if (op == EPOLL_CTL_ADD && (epoll_is(target) || (events & ~EXCLUSIVE_OK)))
				return -EINVAL;
		}
	}
	if (op == EPOLL_CTL_ADD && epoll_is(target)) {
		struct epoll *tep = target->priv;
		if (reaches(tep, ep) || depth_up(ep) + depth_down(tep) > EPOLL_MAX_NESTS + 1)
			return -ELOOP;
	}
	it = find(ep, target, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it)
			return -EEXIST;
		return item_add(ep, fd, target, events, ev->data);
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		item_free(it, true);
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if (it->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		it->events = events;
		it->data = ev->data;
		if (vfs_poll(target, NULL) & events)
			mark_ready(it);
		return 0;
	}
	return -EINVAL;
}

/* Report ready items into out (at most max); interrupts off so hooks called from
 * interrupt handlers do not change the list meanwhile. */
static int harvest(struct epoll *ep, struct epoll_event *out, int max)
{
	unsigned long fl = arch_irq_save();
	struct epitem *list = ep->rhead, *again = NULL, **again_tail = &again;
	int n = 0;

	ep->rhead = ep->rtail = NULL;
	while (list) {
		struct epitem *it = list;
		list = it->rnext;
		it->on_ready = false;
		if (n == max) {
			ready_append(ep, it);
			continue;
		}
		uint32_t revents = enabled(it) ? vfs_poll(it->file, NULL) & it->events : 0;
		if (!revents)
			continue;
		out[n].events = revents;
		out[n].data = it->data;
		n++;
		if (it->events & EPOLLONESHOT) {
			it->events &= EP_PRIVATE;
		} else if (!(it->events & EPOLLET)) {
			it->on_ready = true; /* level-triggered: back at the end of the list */
			it->rnext = NULL;
			*again_tail = it;
			again_tail = &it->rnext;
		}
	}
	while (again) {
		struct epitem *it = again;
		again = it->rnext;
		ready_append(ep, it);
	}
	arch_irq_restore(fl);
	return n;
}

int epoll_wait_file(struct file *epf, struct epoll_event *out, int max, uint64_t deadline_ns)
{
	struct epoll *ep;
	struct waiter w;
	int n;

	if (!epoll_is(epf))
		return -EINVAL;
	ep = epf->priv;
	waiter_init(&w, current);
	w.exclusive = true;
	waitq_add(&ep->wq, &w);
	for (;;) {
		n = harvest(ep, out, max);
		if (n > 0 || deadline_ns == POLL_NOW)
			break;
		int r = waiter_sleep(&w, deadline_ns, WAIT_INTERRUPTIBLE);
		if (r == -EINTR) {
			n = -EINTR;
			break;
		}
		if (r == -ETIMEDOUT) {
			n = harvest(ep, out, max);
			break;
		}
	}
	waitq_remove(&w);
	/* Level-triggered items went back on the list: another waiter may take them. */
	if (n > 0 && ep->rhead)
		waitq_wake_one(&ep->wq, 0);
	return n;
}

static unsigned epoll_poll(struct file *f, struct poll_table *pt)
{
	struct epoll *ep = f->priv;

	poll_wait(pt, &ep->pollq);
	for (struct epitem *it = ep->rhead; it; it = it->rnext)
		if (enabled(it) && (vfs_poll(it->file, NULL) & it->events))
			return POLLIN | POLLRDNORM;
	return 0;
}

static void epoll_release(struct file *f)
{
	struct epoll *ep = f->priv;

	while (ep->items)
		item_free(ep->items, true);
	kfree(ep);
}

static const struct file_ops epoll_ops = {
	.poll = epoll_poll,
	.release = epoll_release,
	.name = "[eventpoll]",
};

int epoll_create_file(struct file **out)
{
	struct epoll *ep = kzalloc(sizeof(*ep));
	int r;

	if (!ep)
		return -ENOMEM;
	waitq_init(&ep->wq);
	waitq_init(&ep->pollq);
	r = anon_file_new(ANON_MODE, &epoll_ops, ep, O_RDWR, out);
	if (r < 0) {
		kfree(ep);
		return r;
	}
	ep->self = *out;
	return 0;
}
