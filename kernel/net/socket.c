/* socket.c: the generic sockets layer (socket.h). The file_ops of every socket file
 * delegate to the protocol's sock_ops; read/write are recv/send with no flags and no
 * address. The families and types that are not implemented yet answer as Linux without
 * the support compiled in, with one log line so a program's failure is explained. */
#include "net/socket.h"
#include "core/errno.h"
#include "core/printk.h"
#include "core/time.h"
#include "fs/anonfile.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/ifioctl.h"
#include "net/netlink.h"
#include "sched/task.h"

static const struct file_ops sock_fops;

struct sock *sock_of(struct file *f)
{
	return f && f->fops == &sock_fops ? f->priv : NULL;
}

static long sock_read(struct file *f, void *buf, size_t n)
{
	struct sock *s = f->priv;
	struct kmsg m = {.buf = buf, .len = n};

	if (!s->ops->recvmsg)
		return -EOPNOTSUPP;
	return s->ops->recvmsg(s, &m, 0);
}

static long sock_write(struct file *f, const void *buf, size_t n)
{
	struct sock *s = f->priv;
	struct kmsg m = {.buf = (void *)buf, .len = n};

	if (!s->ops->sendmsg)
		return -EOPNOTSUPP;
	return s->ops->sendmsg(s, &m, 0);
}

static unsigned sock_poll(struct file *f, struct poll_table *pt)
{
	struct sock *s = f->priv;
	unsigned mask;

	poll_wait(pt, &s->wq);
	mask = s->ops->poll ? s->ops->poll(s) : 0;
	if (s->error)
		mask |= POLLERR;
	if (s->shut == (SOCK_SHUT_RD | SOCK_SHUT_WR))
		mask |= POLLHUP;
	if (s->shut & SOCK_SHUT_RD)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	return mask;
}

static long sock_ioctl(struct file *f, unsigned req, uint64_t arg)
{
	struct sock *s = f->priv;

	if (ifioctl_handles(req))
		return ifioctl(req, arg);
	return s->ops->ioctl ? s->ops->ioctl(s, req, arg) : -ENOTTY;
}

static void sock_release(struct file *f)
{
	struct sock *s = f->priv;

	if (s->ops->release)
		s->ops->release(s);
	kfree(s);
}

static const struct file_ops sock_fops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_release,
	.name = "socket",
};

static void log_once(bool *done, const char *what)
{
	if (!*done)
		printk("net: %s is not implemented yet\n", what);
	*done = true;
}

int sock_create(int family, int type, int protocol, struct file **out)
{
	static bool said_other;
	int base = type & SOCK_TYPE_MASK;
	struct sock *s;
	int r;

	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	switch (family) {
	case AF_INET:
		if (base == SOCK_DGRAM && (protocol == 0 || protocol == 17))
			break;
		if (base == SOCK_STREAM && (protocol == 0 || protocol == 6))
			break;
		if (base == SOCK_DGRAM || base == SOCK_STREAM)
			return -EPROTONOSUPPORT;
		if (base == SOCK_RAW)
			return -EPERM; /* raw sockets need CAP_NET_RAW */
		return -ESOCKTNOSUPPORT;
	case AF_UNIX:
		return unix_sock_create(type, protocol, out);
	case AF_NETLINK:
		break;
	case AF_INET6:
		return -EAFNOSUPPORT;
	default:
		log_once(&said_other, "this socket family");
		return -EAFNOSUPPORT;
	}
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->family = family;
	s->type = base;
	s->protocol = 17;
	s->rcvbuf = SOCK_RMEM_DEFAULT;
	s->sndbuf = SOCK_RMEM_DEFAULT;
	waitq_init(&s->wq);
	if (family == AF_NETLINK)
		r = netlink_create(s, protocol);
	else if (base == SOCK_STREAM)
		r = inet_stream_create(s);
	else
		r = inet_dgram_create(s);
	if (r < 0) {
		kfree(s);
		return r;
	}
	r = anon_file_new(ANON_MODE | 0140000u, &sock_fops, s, O_RDWR | (type & SOCK_NONBLOCK),
			  out);
	if (r < 0) {
		if (s->ops->release)
			s->ops->release(s);
		kfree(s);
		return r;
	}
	s->file = *out;
	return 0;
}

int sock_file_new(struct sock *s, int flags, struct file **out)
{
	int r = anon_file_new(ANON_MODE | 0140000u, &sock_fops, s,
			      O_RDWR | ((unsigned)flags & SOCK_NONBLOCK), out);

	if (r == 0)
		s->file = *out;
	return r;
}

int sock_take_error(struct sock *s)
{
	int e = s->error;

	s->error = 0;
	return -e;
}

void sock_set_error(struct sock *s, int err)
{
	s->error = err;
	waitq_wake_all(&s->wq, POLLERR | POLLIN);
}

int sock_wait_on(struct wait_queue *q, bool (*ready)(void *arg), void *arg, bool nonblock,
		 uint64_t timeout_ns, unsigned events)
{
	struct waiter w;
	uint64_t deadline = 0;
	int r = 0;

	if (ready(arg))
		return 0;
	if (nonblock)
		return -EAGAIN;
	if (timeout_ns)
		deadline = time_monotonic_ns() + timeout_ns;
	waiter_init(&w, current);
	w.events = events | POLLERR | POLLHUP;
	waitq_add(q, &w);
	while (!ready(arg)) {
		r = waiter_sleep(&w, deadline, WAIT_INTERRUPTIBLE);
		if (r < 0)
			break;
	}
	waitq_remove(&w);
	if (r == -EINTR)
		return -ERESTARTSYS;
	if (r == -ETIMEDOUT)
		return ready(arg) ? 0 : -EAGAIN;
	return 0;
}

struct sock_ready {
	bool (*ready)(struct sock *s);
	struct sock *s;
};

static bool sock_ready(void *arg)
{
	struct sock_ready *r = arg;
	return r->ready(r->s);
}

int sock_wait(struct sock *s, bool (*ready)(struct sock *s), bool nonblock, uint64_t timeout_ns,
	      unsigned events)
{
	struct sock_ready r = {ready, s};
	return sock_wait_on(&s->wq, sock_ready, &r, nonblock, timeout_ns, events);
}

bool sock_nonblock(const struct sock *s, unsigned flags)
{
	return (flags & MSG_DONTWAIT) || (s->file && (s->file->flags & O_NONBLOCK));
}

int sock_shutdown(struct sock *s, int how)
{
	unsigned bits;

	if (how == SHUT_RD)
		bits = SOCK_SHUT_RD;
	else if (how == SHUT_WR)
		bits = SOCK_SHUT_WR;
	else if (how == SHUT_RDWR)
		bits = SOCK_SHUT_RD | SOCK_SHUT_WR;
	else
		return -EINVAL;
	if (s->ops->shutdown) {
		int r = s->ops->shutdown(s, bits);
		if (r < 0)
			return r;
	}
	s->shut |= bits;
	waitq_wake_all(&s->wq, POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	return 0;
}
