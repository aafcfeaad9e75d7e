/* netlink.c: AF_NETLINK sockets (netlink.h), NETLINK_ROUTE only. A socket has a port id
 * (nl_pid): bind with 0, or the first send, picks the process id for the first socket and
 * unique negative values after it, as Linux does. Every datagram sent to the kernel
 * (nl_pid 0) is a request handled at once by rtnl_request; the replies are cut into
 * datagrams of at most NL_DGRAM_MAX bytes at message boundaries and queued on the
 * socket, charged against SO_RCVBUF (a reply that does not fit is dropped and the socket
 * gets ENOBUFS, as Linux reports a receive overrun). No multicast groups. */
#include "net/netlink.h"

#include "core/errno.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "net/socket.h"

#define FIONREAD 0x541b
#define TIOCOUTQ 0x5411
#define NL_DGRAM_MAX 4096  /* a page: what glibc and Go receive into */
#define NL_SEND_MAX 65536u /* sys_socket.c's copy buffer */
#define NL_FIRST_PID 1	   /* the process id (procfs: PROC_PID) */

struct nl_dgram {
	struct nl_dgram *next;
	uint32_t len;
	uint8_t data[];
};

struct nlsock {
	struct nlsock *next; /* all bound netlink sockets */
	struct sock *s;
	uint32_t portid;
	bool bound;
	struct nl_dgram *head, *tail;
	uint32_t queued;
};

static struct nlsock *nl_bound;
static int32_t nl_next_auto = -4096;

static struct nlsock *nl_of(struct sock *s)
{
	return s->proto;
}

static bool portid_used(uint32_t id)
{
	for (struct nlsock *n = nl_bound; n; n = n->next)
		if (n->portid == id)
			return true;
	return false;
}

static int nl_bind_port(struct nlsock *n, uint32_t id)
{
	if (n->bound)
		return n->portid == id || id == 0 ? 0 : -EINVAL;
	if (id == 0) {
		id = NL_FIRST_PID;
		while (portid_used(id))
			id = (uint32_t)nl_next_auto--;
	} else if (portid_used(id)) {
		return -EADDRINUSE;
	}
	n->portid = id;
	n->bound = true;
	n->next = nl_bound;
	nl_bound = n;
	return 0;
}

static int nl_addr(const void *addr, uint32_t len, struct sockaddr_nl *out)
{
	if (len < sizeof(*out))
		return -EINVAL;
	memcpy(out, addr, sizeof(*out));
	return out->nl_family == AF_NETLINK ? 0 : -EINVAL;
}

static int nl_bind(struct sock *s, const void *addr, uint32_t len)
{
	struct sockaddr_nl sa;
	int r = nl_addr(addr, len, &sa);

	if (r < 0)
		return r;
	if (sa.nl_groups)
		return -EPERM; /* no multicast groups */
	return nl_bind_port(nl_of(s), sa.nl_pid);
}

static int nl_connect(struct sock *s, const void *addr, uint32_t len)
{
	struct sockaddr_nl sa;
	int r;

	if (len >= sizeof(uint16_t) && ((const uint16_t *)addr)[0] == AF_UNSPEC)
		return 0;
	r = nl_addr(addr, len, &sa);
	if (r < 0)
		return r;
	if (sa.nl_pid != 0 || sa.nl_groups)
		return -ECONNREFUSED; /* only the kernel answers */
	return nl_bind_port(nl_of(s), 0);
}

static int nl_getname(struct sock *s, void *addr, uint32_t *len, bool peer)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	if (!peer)
		sa.nl_pid = nl_of(s)->portid;
	memcpy(addr, &sa, sizeof(sa));
	*len = sizeof(sa);
	return 0;
}

static int nl_queue(struct sock *s, const uint8_t *p, uint32_t len)
{
	struct nlsock *n = nl_of(s);
	struct nl_dgram *g;

	if (n->queued + len > s->rcvbuf)
		return -ENOBUFS;
	g = kmalloc(sizeof(*g) + len);
	if (!g)
		return -ENOMEM;
	g->next = NULL;
	g->len = len;
	memcpy(g->data, p, len);
	if (n->tail)
		n->tail->next = g;
	else
		n->head = g;
	n->tail = g;
	n->queued += len;
	return 0;
}

static long nl_sendmsg(struct sock *s, struct kmsg *m, unsigned flags)
{
	struct nlsock *n = nl_of(s);
	struct nlbuf out = {0};
	int r;

	(void)flags;
	if (m->len > NL_SEND_MAX)
		return -EMSGSIZE; /* only SOCK_DGRAM gets here: m->buf holds NL_SEND_MAX */
	if (m->namelen) {
		struct sockaddr_nl sa;
		r = nl_addr(m->name, m->namelen, &sa);
		if (r < 0)
			return r;
		if (sa.nl_pid != 0 || sa.nl_groups)
			return -ECONNREFUSED;
	}
	r = nl_bind_port(n, 0);
	if (r < 0)
		return r;
	rtnl_request(m->buf, m->len, n->portid, &out);
	if (out.err) {
		nlbuf_free(&out);
		return out.err;
	}
	/* Cut at message boundaries into datagrams of at most NL_DGRAM_MAX bytes. */
	size_t at = 0;
	r = 0;
	while (at < out.len && r == 0) {
		size_t end = at;
		while (end < out.len) {
			struct nlmsghdr h;
			memcpy(&h, out.data + end, sizeof(h));
			if (end > at && end + h.nlmsg_len - at > NL_DGRAM_MAX)
				break;
			end += NL_ALIGN(h.nlmsg_len);
		}
		r = nl_queue(s, out.data + at, (uint32_t)(end - at));
		at = end;
	}
	nlbuf_free(&out);
	if (r < 0)
		sock_set_error(s, -r); /* the reply was lost: the reader sees ENOBUFS */
	else if (n->head)
		waitq_wake_all(&s->wq, POLLIN | POLLRDNORM);
	return (long)m->len;
}

static bool nl_readable(struct sock *s)
{
	return nl_of(s)->head || s->error || (s->shut & SOCK_SHUT_RD);
}

static long nl_recvmsg(struct sock *s, struct kmsg *m, unsigned flags)
{
	struct nlsock *n = nl_of(s);
	struct nl_dgram *g;
	uint32_t k;
	int r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	r = sock_wait(s, nl_readable, sock_nonblock(s, flags), s->rcvtimeo_ns, POLLIN);
	if (r < 0)
		return r;
	if (s->error)
		return sock_take_error(s);
	g = n->head;
	if (!g)
		return 0;
	k = g->len < m->len ? g->len : (uint32_t)m->len;
	memcpy(m->buf, g->data, k);
	if (m->namelen != (uint32_t)-1) {
		struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
		memcpy(m->name, &sa, sizeof(sa));
		m->namelen = sizeof(sa);
	}
	if (g->len > m->len)
		m->flags_out |= MSG_TRUNC;
	long ret = (flags & MSG_TRUNC) ? (long)g->len : (long)k;
	if (!(flags & MSG_PEEK)) {
		n->head = g->next;
		if (!n->head)
			n->tail = NULL;
		n->queued -= g->len;
		kfree(g);
	}
	return ret;
}

static long nl_ioctl(struct sock *s, unsigned req, uint64_t arg)
{
	struct nlsock *n = nl_of(s);
	int v;

	if (req == FIONREAD)
		v = n->head ? (int)n->head->len : 0;
	else if (req == TIOCOUTQ)
		v = 0;
	else
		return -ENOTTY;
	return copy_to_user((void *)(uintptr_t)arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

static int nl_setsockopt(struct sock *s, int level, int name, const void *val, uint32_t len)
{
	(void)s;
	(void)name;
	(void)val;
	(void)len;
	/* SOL_NETLINK (270) options (NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, ...) are
	 * accepted and ignored: they change nothing a dump-only kernel answers. */
	return level == 270 ? 0 : -ENOPROTOOPT;
}

static unsigned nl_poll(struct sock *s)
{
	return POLLOUT | POLLWRNORM | (nl_of(s)->head ? POLLIN | POLLRDNORM : 0);
}

static void nl_release(struct sock *s)
{
	struct nlsock *n = nl_of(s);

	if (!n)
		return;
	for (struct nlsock **pp = &nl_bound; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	}
	while (n->head) {
		struct nl_dgram *g = n->head;
		n->head = g->next;
		kfree(g);
	}
	kfree(n);
	s->proto = NULL;
}

static const struct sock_ops netlink_ops = {
	.bind = nl_bind,
	.connect = nl_connect,
	.getname = nl_getname,
	.sendmsg = nl_sendmsg,
	.recvmsg = nl_recvmsg,
	.setsockopt = nl_setsockopt,
	.ioctl = nl_ioctl,
	.poll = nl_poll,
	.release = nl_release,
};

int netlink_create(struct sock *s, int protocol)
{
	struct nlsock *n;

	if (s->type != SOCK_RAW && s->type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != NETLINK_ROUTE)
		return -EPROTONOSUPPORT;
	n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->s = s;
	s->proto = n;
	s->protocol = protocol;
	s->ops = &netlink_ops;
	return 0;
}
