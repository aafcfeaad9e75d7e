/* sys_socket.c: the socket syscalls (net/socket.h): decode arguments, copy addresses,
 * options and data between the program and kernel buffers, call the socket layer. Data
 * goes through one kernel buffer per call of at most SOCK_COPY_MAX bytes: a datagram never
 * exceeds it, and a stream protocol returns a short count past it. */
#include "core/errno.h"
#include "core/time.h"
#include "fs/poll.h"
#include "lib/ktime.h"
#include "syscall/sys_wait.h"
#include "fs/fdtable.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "net/socket.h"
#include "syscall/sys.h"

#define SOCK_COPY_MAX 65536u
#define UIO_MAXIOV 1024
#define MMSG_MAX 1024
#define CONTROL_MAX 20480 /* Linux's optmem_max: larger control data is ENOBUFS */

struct uiovec {
	uint64_t base, len;
};
struct umsghdr {
	uint64_t name;
	int32_t namelen, pad0;
	uint64_t iov, iovlen, control, controllen;
	int32_t flags, pad1;
};
struct ummsghdr {
	struct umsghdr hdr;
	uint32_t len, pad;
};

static void *uptr(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

static long get_sock(int fd, struct sock **out)
{
	struct file *f = fd_get_pinned(fd);

	if (!f)
		return -EBADF;
	*out = sock_of(f);
	return *out ? 0 : -ENOTSOCK;
}

long sys_socket(const struct syscall_args *a)
{
	struct file *f;
	int r = sock_create((int)a->arg[0], (int)a->arg[1], (int)a->arg[2], &f);

	if (r < 0)
		return r;
	return fd_install(f, 0, ((int)a->arg[1] & SOCK_CLOEXEC) != 0);
}

long sys_socketpair(const struct syscall_args *a)
{
	int family = (int)a->arg[0];

	int type = (int)a->arg[1], fds[2];
	struct file *f0, *f1;
	long r;

	if (family == AF_INET)
		return -EOPNOTSUPP;
	if (family != AF_UNIX)
		return -EAFNOSUPPORT;
	if (!user_range_ok(a->arg[3], sizeof(fds)))
		return -EFAULT;
	r = unix_socketpair(type, (int)a->arg[2], &f0, &f1);
	if (r < 0)
		return r;
	bool cloexec = (type & SOCK_CLOEXEC) != 0;
	fds[0] = fd_install(f0, 0, cloexec);
	if (fds[0] < 0) {
		vfs_file_put(f1);
		return fds[0];
	}
	fds[1] = fd_install(f1, 0, cloexec);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(uptr(a->arg[3]), fds, sizeof(fds)) < 0) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

static long addr_in(uint64_t uaddr, uint64_t ulen, uint8_t *buf, uint32_t *len)
{
	int32_t l = (int32_t)ulen;

	if (l < 0 || l > SOCK_ADDR_MAX)
		return -EINVAL;
	if (l && copy_from_user(buf, uptr(uaddr), (size_t)l) < 0)
		return -EFAULT;
	*len = (uint32_t)l;
	return 0;
}

/* Copy len bytes of addr out to (uaddr, *ulenp), as Linux's move_addr_to_user: truncated
 * to the room, the full length stored. A bad or NULL ulenp (or uaddr, when there is room)
 * is -EFAULT: callers skip the call when the program passed no address buffer. */
static long addr_out(const uint8_t *addr, uint32_t len, uint64_t uaddr, uint64_t ulenp)
{
	int32_t room;

	if (copy_from_user(&room, uptr(ulenp), sizeof(room)) < 0)
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	uint32_t n = (uint32_t)room < len ? (uint32_t)room : len;
	if (n && copy_to_user(uptr(uaddr), addr, n) < 0)
		return -EFAULT;
	int32_t l = (int32_t)len;
	return copy_to_user(uptr(ulenp), &l, sizeof(l)) < 0 ? -EFAULT : 0;
}

static long bind_or_connect(const struct syscall_args *a, bool connect)
{
	uint8_t addr[SOCK_ADDR_MAX];
	uint32_t len;
	struct sock *s;
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	r = addr_in(a->arg[1], a->arg[2], addr, &len);
	if (r < 0)
		return r;
	if (connect)
		return s->ops->connect ? s->ops->connect(s, addr, len) : -EOPNOTSUPP;
	return s->ops->bind ? s->ops->bind(s, addr, len) : -EOPNOTSUPP;
}

long sys_bind(const struct syscall_args *a)
{
	return bind_or_connect(a, false);
}

long sys_connect(const struct syscall_args *a)
{
	return bind_or_connect(a, true);
}

long sys_listen(const struct syscall_args *a)
{
	struct sock *s;
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	return s->ops->listen ? s->ops->listen(s, (int)a->arg[1]) : -EOPNOTSUPP;
}

static long accept_flags(const struct syscall_args *a, int flags)
{
	struct sock *s;
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (!s->ops->accept)
		return -EOPNOTSUPP;
	struct sock *ns;
	struct file *f;
	r = s->ops->accept(s, &ns);
	if (r < 0)
		return r;
	r = sock_file_new(ns, flags, &f);
	if (r < 0) {
		if (ns->ops->release)
			ns->ops->release(ns);
		kfree(ns);
		return r;
	}
	/* The peer address; a fault here still leaves the connection accepted, as Linux. */
	uint8_t addr[SOCK_ADDR_MAX];
	uint32_t len = 0;
	if (a->arg[1] && ns->ops->getname && ns->ops->getname(ns, addr, &len, true) == 0) {
		r = addr_out(addr, len, a->arg[1], a->arg[2]);
		if (r < 0) {
			vfs_file_put(f);
			return r;
		}
	}
	return fd_install(f, 0, (flags & SOCK_CLOEXEC) != 0);
}

long sys_accept4(const struct syscall_args *a)
{
	return accept_flags(a, (int)a->arg[3]);
}

/* accept(2) has three arguments: the fourth register is whatever the program left. */
long sys_accept(const struct syscall_args *a)
{
	return accept_flags(a, 0);
}

static long getname(const struct syscall_args *a, bool peer)
{
	uint8_t addr[SOCK_ADDR_MAX];
	uint32_t len = 0;
	struct sock *s;
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	if (!s->ops->getname)
		return -EOPNOTSUPP;
	r = s->ops->getname(s, addr, &len, peer);
	if (r < 0)
		return r;
	return addr_out(addr, len, a->arg[1], a->arg[2]);
}

long sys_getsockname(const struct syscall_args *a)
{
	return getname(a, false);
}

long sys_getpeername(const struct syscall_args *a)
{
	return getname(a, true);
}

long sys_shutdown(const struct syscall_args *a)
{
	struct sock *s;
	long r = get_sock((int)a->arg[0], &s);

	return r < 0 ? r : sock_shutdown(s, (int)a->arg[1]);
}

long sys_setsockopt(const struct syscall_args *a)
{
	uint8_t val[SOCK_ADDR_MAX];
	struct sock *s;
	int32_t len = (int32_t)a->arg[4];
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	if (len < 0)
		return -EINVAL;
	if (len > SOCK_ADDR_MAX)
		len = SOCK_ADDR_MAX;
	if (len && copy_from_user(val, uptr(a->arg[3]), (size_t)len) < 0)
		return -EFAULT;
	return sock_setsockopt(s, (int)a->arg[1], (int)a->arg[2], val, (uint32_t)len);
}

long sys_getsockopt(const struct syscall_args *a)
{
	uint8_t val[SOCK_ADDR_MAX];
	struct sock *s;
	int32_t len;
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	if (copy_from_user(&len, uptr(a->arg[4]), sizeof(len)) < 0)
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	uint32_t n = len > SOCK_ADDR_MAX ? SOCK_ADDR_MAX : (uint32_t)len;
	r = sock_getsockopt(s, (int)a->arg[1], (int)a->arg[2], val, &n);
	if (r < 0)
		return r;
	if (copy_to_user(uptr(a->arg[3]), val, n) < 0)
		return -EFAULT;
	len = (int32_t)n;
	return copy_to_user(uptr(a->arg[4]), &len, sizeof(len)) < 0 ? -EFAULT : 0;
}

/* The iovec array of a msghdr, checked: its count and total (capped at SSIZE_MAX). */
static long iov_get(const struct umsghdr *h, struct uiovec **out, size_t *total)
{
	struct uiovec *v;
	size_t sum = 0;

	*out = NULL;
	*total = 0;
	if (h->iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	if (h->iovlen == 0)
		return 0;
	v = kmalloc(h->iovlen * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (copy_from_user(v, uptr(h->iov), h->iovlen * sizeof(*v)) < 0) {
		kfree(v);
		return -EFAULT;
	}
	for (size_t i = 0; i < h->iovlen; i++) {
		if (v[i].len > (uint64_t)INT64_MAX - sum) {
			kfree(v);
			return -EINVAL;
		}
		sum += v[i].len;
	}
	*out = v;
	*total = sum;
	return 0;
}

/* One sendmsg from a kernel copy of the header. */
static long do_sendmsg(struct sock *s, const struct umsghdr *h, unsigned flags)
{
	struct kmsg m = {0};
	struct uiovec *v;
	size_t total, done = 0;
	long r;
	uint32_t nl;

	if (!s->ops->sendmsg)
		return -EOPNOTSUPP;
	if (h->name) {
		r = addr_in(h->name, (uint64_t)(int64_t)h->namelen, m.name, &nl);
		if (r < 0)
			return r;
		m.namelen = nl;
	}
	if (h->controllen) {
		if (h->controllen > CONTROL_MAX)
			return -ENOBUFS;
		m.control = kmalloc(h->controllen);
		if (!m.control)
			return -ENOMEM;
		m.controllen = (uint32_t)h->controllen;
		if (copy_from_user(m.control, uptr(h->control), h->controllen) < 0) {
			kfree(m.control);
			return -EFAULT;
		}
	}
	r = iov_get(h, &v, &total);
	if (r < 0) {
		kfree(m.control);
		return r;
	}
	size_t cap = total < SOCK_COPY_MAX ? total : SOCK_COPY_MAX;
	m.buf = kmalloc(cap ? cap : 1);
	if (!m.buf) {
		kfree(m.control);
		kfree(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->iovlen && done < cap; i++) {
		size_t n = v[i].len < cap - done ? v[i].len : cap - done;
		if (n && copy_from_user((char *)m.buf + done, uptr(v[i].base), n) < 0) {
			r = -EFAULT;
			goto out;
		}
		done += n;
	}
	m.len = total; /* a datagram protocol refuses totals above the cap (EMSGSIZE) */
	if (total > cap && s->type != SOCK_DGRAM)
		m.len = cap;
	r = s->ops->sendmsg(s, &m, flags);
out:
	kfree(m.control);
	kfree(m.buf);
	kfree(v);
	return r;
}

/* One recvmsg; h is updated (namelen, controllen, flags) for the caller to copy back. */
static long do_recvmsg(struct sock *s, struct umsghdr *h, unsigned flags)
{
	struct kmsg m = {0};
	struct uiovec *v;
	size_t total, done = 0;
	long r;

	if (!s->ops->recvmsg)
		return -EOPNOTSUPP;
	if (h->name && h->namelen < 0)
		return -EINVAL;
	r = iov_get(h, &v, &total);
	if (r < 0)
		return r;
	m.len = total < SOCK_COPY_MAX ? total : SOCK_COPY_MAX;
	m.buf = kmalloc(m.len ? m.len : 1);
	if (h->control && h->controllen) {
		m.controllen = h->controllen < CONTROL_MAX ? (uint32_t)h->controllen : CONTROL_MAX;
		m.control = kzalloc(m.controllen);
	}
	if (!m.buf || (m.controllen && !m.control)) {
		kfree(m.buf);
		kfree(v);
		kfree(m.control);
		return -ENOMEM;
	}
	r = s->ops->recvmsg(s, &m, flags);
	if (r < 0)
		goto out;
	size_t got = (size_t)r < m.len ? (size_t)r : m.len;
	for (size_t i = 0; i < h->iovlen && done < got; i++) {
		size_t n = v[i].len < got - done ? v[i].len : got - done;
		if (n && copy_to_user(uptr(v[i].base), (char *)m.buf + done, n) < 0) {
			r = -EFAULT;
			goto out;
		}
		done += n;
	}
	if (h->name) {
		uint32_t room = (uint32_t)h->namelen;
		if (copy_to_user(uptr(h->name), m.name, room < m.namelen ? room : m.namelen) < 0) {
			r = -EFAULT;
			goto out;
		}
		h->namelen = (int32_t)m.namelen;
	}
	if (m.control_used && copy_to_user(uptr(h->control), m.control, m.control_used) < 0) {
		r = -EFAULT;
		goto out;
	}
	h->controllen = m.control_used;
	h->flags = (int32_t)m.flags_out;
out:
	kfree(m.control);
	kfree(m.buf);
	kfree(v);
	return r;
}

long sys_sendto(const struct syscall_args *a)
{
	struct kmsg m = {0};
	struct sock *s;
	uint64_t len = a->arg[2];
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	if (!s->ops->sendmsg)
		return -EOPNOTSUPP;
	if (!user_range_ok(a->arg[1], len))
		return -EFAULT;
	if (a->arg[4]) {
		r = addr_in(a->arg[4], a->arg[5], m.name, &m.namelen);
		if (r < 0)
			return r;
	}
	size_t cap = len < SOCK_COPY_MAX ? len : SOCK_COPY_MAX;
	m.buf = kmalloc(cap ? cap : 1);
	if (!m.buf)
		return -ENOMEM;
	if (cap && copy_from_user(m.buf, uptr(a->arg[1]), cap) < 0) {
		kfree(m.buf);
		return -EFAULT;
	}
	/* A datagram protocol refuses lengths above the copy (EMSGSIZE) without reading. */
	m.len = len > cap && s->type != SOCK_DGRAM ? cap : len;
	r = s->ops->sendmsg(s, &m, (unsigned)a->arg[3]);
	kfree(m.buf);
	return r;
}

long sys_recvfrom(const struct syscall_args *a)
{
	struct kmsg m = {0};
	struct sock *s;
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	if (!s->ops->recvmsg)
		return -EOPNOTSUPP;
	if (!user_range_ok(a->arg[1], a->arg[2]))
		return -EFAULT;
	m.len = a->arg[2] < SOCK_COPY_MAX ? a->arg[2] : SOCK_COPY_MAX;
	m.buf = kmalloc(m.len ? m.len : 1);
	if (!m.buf)
		return -ENOMEM;
	r = s->ops->recvmsg(s, &m, (unsigned)a->arg[3]);
	if (r >= 0) {
		size_t got = (size_t)r < m.len ? (size_t)r : m.len;
		if (got && copy_to_user(uptr(a->arg[1]), m.buf, got) < 0)
			r = -EFAULT;
		else if (a->arg[4] && addr_out(m.name, m.namelen, a->arg[4], a->arg[5]) < 0)
			r = -EFAULT;
	}
	kfree(m.buf);
	return r;
}

long sys_sendmsg(const struct syscall_args *a)
{
	struct umsghdr h;
	struct sock *s;
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	if (copy_from_user(&h, uptr(a->arg[1]), sizeof(h)) < 0)
		return -EFAULT;
	return do_sendmsg(s, &h, (unsigned)a->arg[2]);
}

static long recvmsg_out(uint64_t uh, const struct umsghdr *h)
{
	if (copy_to_user((char *)uptr(uh) + 8, &h->namelen, 4) < 0 ||
	    copy_to_user((char *)uptr(uh) + 40, &h->controllen, 8) < 0 ||
	    copy_to_user((char *)uptr(uh) + 48, &h->flags, 4) < 0)
		return -EFAULT;
	return 0;
}

long sys_recvmsg(const struct syscall_args *a)
{
	struct umsghdr h;
	struct sock *s;
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	if (copy_from_user(&h, uptr(a->arg[1]), sizeof(h)) < 0)
		return -EFAULT;
	r = do_recvmsg(s, &h, (unsigned)a->arg[2]);
	if (r >= 0 && recvmsg_out(a->arg[1], &h) < 0)
		return -EFAULT;
	return r;
}

long sys_sendmmsg(const struct syscall_args *a)
{
	uint32_t vlen = (uint32_t)a->arg[2], i;
	struct ummsghdr mh;
	struct sock *s;
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	if (vlen > MMSG_MAX)
		vlen = MMSG_MAX;
	for (i = 0; i < vlen; i++) {
		uint64_t u = a->arg[1] + (uint64_t)i * sizeof(mh);
		if (copy_from_user(&mh, uptr(u), sizeof(mh)) < 0) {
			r = -EFAULT;
			break;
		}
		r = do_sendmsg(s, &mh.hdr, (unsigned)a->arg[3]);
		if (r < 0)
			break;
		uint32_t n = (uint32_t)r;
		if (copy_to_user((char *)uptr(u) + sizeof(mh.hdr), &n, sizeof(n)) < 0) {
			r = -EFAULT;
			break;
		}
	}
	return i ? (long)i : r;
}

/* recvmmsg's timeout, as Linux checks it: after each datagram received (a receive that
 * blocks is not cut short by it); the time left is written back. */
static bool mmsg_expired(uint64_t deadline)
{
	return deadline != POLL_FOREVER && time_monotonic_ns() >= deadline;
}

static long mmsg_write_left(uint64_t uts, uint64_t deadline, long r)
{
	if (!uts || deadline == POLL_FOREVER)
		return r;
	uint64_t now = time_monotonic_ns();
	struct ktime_spec ts = ktime_to_spec(deadline > now ? deadline - now : 0);
	return copy_to_user(uptr(uts), &ts, sizeof(ts)) < 0 ? -EFAULT : r;
}

long sys_recvmmsg(const struct syscall_args *a)
{
	uint32_t vlen = (uint32_t)a->arg[2], i;
	unsigned flags = (unsigned)a->arg[3];
	struct ummsghdr mh;
	struct sock *s;
	uint64_t deadline;
	long r = get_sock((int)a->arg[0], &s);

	if (r < 0)
		return r;
	r = sys_deadline_timespec(a->arg[4], &deadline);
	if (r < 0)
		return r;
	if (vlen > MMSG_MAX)
		vlen = MMSG_MAX;
	for (i = 0; i < vlen; i++) {
		uint64_t u = a->arg[1] + (uint64_t)i * sizeof(mh);
		if (copy_from_user(&mh, uptr(u), sizeof(mh)) < 0) {
			r = -EFAULT;
			break;
		}
		r = do_recvmsg(s, &mh.hdr, flags & ~(unsigned)MSG_WAITFORONE);
		if (r < 0)
			break;
		uint32_t n = (uint32_t)r;
		if (recvmsg_out(u, &mh.hdr) < 0 ||
		    copy_to_user((char *)uptr(u) + sizeof(mh.hdr), &n, sizeof(n)) < 0) {
			r = -EFAULT;
			break;
		}
		if (flags & MSG_WAITFORONE) /* after the first datagram, only what is queued */
			flags |= MSG_DONTWAIT;
		if (mmsg_expired(deadline)) {
			i++;
			break;
		}
	}
	return mmsg_write_left(a->arg[4], deadline, i ? (long)i : r);
}
