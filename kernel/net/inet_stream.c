/* inet_stream.c: AF_INET SOCK_STREAM sockets over TCP (tcp.h): the struct sock_ops that
 * turns socket calls into connection-block calls, blocking on the socket's wait queue
 * (non-blocking connect answers EINPROGRESS, then POLLOUT and SO_ERROR), EPIPE/SIGPIPE,
 * readiness for poll/epoll, and the TCP-level options.
 * No interrupt masking: TCP's input and its timers run only from net_rx_poll (netdev.h,
 * net_timer.h), in thread context under the BKL, never in the middle of a call from here. */
#include "core/errno.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "net/ipv4.h"
#include "net/socket.h"
#include "net/stack.h"
#include "net/tcp.h"
#include "sched/task.h"
#include "signal/signal.h"

#define FIONREAD 0x541b
#define SIOCOUTQ 0x5411
#define SOL_TCP 6
#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define SIGPIPE 13

static const struct sock_ops stream_ops;

static struct tcb *T(struct sock *s)
{
	return s->proto;
}

void tcp_wake(struct tcb *t, unsigned events)
{
	if (!t->sk)
		return;
	if (t->err && !t->err_told) {
		t->err_told = true;
		sock_set_error(t->sk, t->err);
	}
	waitq_wake_all(&t->sk->wq, events);
}

void tcp_accept_ready(struct tcb *l)
{
	if (l->sk)
		waitq_wake_all(&l->sk->wq, POLLIN);
}

static void to_tcb_opts(struct sock *s, struct tcb *t)
{
	t->reuseaddr = s->reuseaddr;
	t->reuseport = s->reuseport;
	t->keepalive = s->keepalive;
	uint32_t sb = s->sndbuf < TCP_SBUF_MIN ? TCP_SBUF_MIN : s->sndbuf;
	if (!t->sbuf.b)
		t->sbuf.cap = sb > TCP_SBUF_MAX ? TCP_SBUF_MAX : sb;
	if (!t->rbuf.b) /* SO_RCVBUF, until the buffer exists */
		t->rbuf.cap = tcp_rbuf_size(s->rcvbuf == SOCK_RMEM_DEFAULT ? 0 : s->rcvbuf);
}

static int parse_sin(const void *addr, uint32_t len, uint32_t *ip, uint16_t *port)
{
	const uint8_t *a = addr;

	if (len < 16)
		return -EINVAL;
	if ((a[0] | a[1] << 8) != AF_INET)
		return -EAFNOSUPPORT;
	*port = get16(a + 2);
	*ip = get32(a + 4);
	return 0;
}

static int st_bind(struct sock *s, const void *addr, uint32_t len)
{
	struct tcb *t = T(s);
	uint32_t ip;
	uint16_t port;
	int r = parse_sin(addr, len, &ip, &port);

	if (r < 0)
		return r;
	if (t->bound || t->state != TCP_CLOSED)
		return -EINVAL;
	if (ip != INADDR_ANY && !ip_is_local(ip))
		return -EADDRNOTAVAIL;
	to_tcb_opts(s, t);
	return tcp_bind_port(t, ip, port);
}

static bool conn_done(struct sock *s)
{
	struct tcb *t = T(s);
	return t->state != TCP_SYN_SENT && t->state != TCP_SYN_RECEIVED;
}

static int st_connect(struct sock *s, const void *addr, uint32_t len)
{
	struct tcb *t = T(s);
	uint32_t ip;
	uint16_t port;
	int r;

	if (len >= 2 && ((const uint8_t *)addr)[0] == AF_UNSPEC && !((const uint8_t *)addr)[1])
		return -EINVAL;
	r = parse_sin(addr, len, &ip, &port);
	if (r < 0)
		return r;
	if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED)
		return sock_nonblock(s, 0) ? -EALREADY : -EALREADY;
	if (t->state == TCP_LISTEN)
		return -EINVAL;
	if (t->state != TCP_CLOSED)
		return -EISCONN;
	if (t->reset) { /* a failed attempt: report it once, then refuse */
		int e = sock_take_error(s);
		return e ? e : -ECONNABORTED;
	}
	if (ip == INADDR_ANY)
		ip = INADDR_LOOPBACK;
	if (port == 0)
		return -ECONNREFUSED;
	to_tcb_opts(s, t);
	r = tcp_connect(t, ip, port);
	if (r < 0)
		return r;
	if (sock_nonblock(s, 0))
		return -EINPROGRESS;
	r = sock_wait(s, conn_done, false, s->sndtimeo_ns, POLLOUT);
	if (r == -EAGAIN)
		return -EINPROGRESS;
	if (r < 0)
		return r;
	if (t->state == TCP_CLOSED)
		return sock_take_error(s) ?: -ECONNREFUSED;
	return 0;
}

static int st_listen(struct sock *s, int backlog)
{
	struct tcb *t = T(s);

	if (t->state != TCP_CLOSED && t->state != TCP_LISTEN)
		return -EINVAL;
	if (t->reset)
		return -EINVAL;
	to_tcb_opts(s, t);
	return tcp_listen(t, backlog);
}

static bool acc_ready(struct sock *s)
{
	return T(s)->acc_head || T(s)->state != TCP_LISTEN;
}

static int st_accept(struct sock *s, struct sock **out)
{
	struct tcb *t = T(s);
	int r;

	if (t->state != TCP_LISTEN)
		return -EINVAL;
	r = sock_wait(s, acc_ready, sock_nonblock(s, 0), s->rcvtimeo_ns, POLLIN);
	if (r < 0)
		return r;
	struct tcb *c = tcp_accept_take(t);
	if (!c)
		return -EINVAL;
	struct sock *ns = kzalloc(sizeof(*ns));
	if (!ns) {
		tcp_abort(c);
		return -ENOMEM;
	}
	ns->ops = &stream_ops;
	ns->family = AF_INET;
	ns->type = SOCK_STREAM;
	ns->protocol = IPPROTO_TCP;
	ns->rcvbuf = s->rcvbuf;
	ns->sndbuf = s->sndbuf;
	ns->keepalive = s->keepalive;
	waitq_init(&ns->wq);
	ns->proto = c;
	c->sk = ns;
	*out = ns;
	return 0;
}

static int st_getname(struct sock *s, void *addr, uint32_t *len, bool peer)
{
	struct tcb *t = T(s);
	uint8_t *a = addr;

	if (peer && (t->state < TCP_SYN_RECEIVED || (t->state == TCP_SYN_SENT)))
		return -ENOTCONN;
	memset(a, 0, 16);
	a[0] = AF_INET;
	put16(a + 2, peer ? t->rport : t->lport);
	put32(a + 4, peer ? t->raddr : t->laddr);
	*len = 16;
	return 0;
}

static bool writable(struct sock *s)
{
	struct tcb *t = T(s);
	if (t->state != TCP_ESTABLISHED && t->state != TCP_CLOSE_WAIT)
		return t->state != TCP_SYN_SENT && t->state != TCP_SYN_RECEIVED;
	return t->sbuf.len < t->sbuf.cap || (s->shut & SOCK_SHUT_WR);
}

static long pipe_err(struct sock *s, unsigned flags)
{
	int e = sock_take_error(s);

	if (e && e != -EPIPE)
		return e;
	if (!(flags & MSG_NOSIGNAL))
		signal_send_thread(current, SIGPIPE, NULL);
	return -EPIPE;
}

static long st_sendmsg(struct sock *s, struct kmsg *m, unsigned flags)
{
	struct tcb *t = T(s);
	size_t done = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (t->state == TCP_CLOSED && !t->reset)
		return -ENOTCONN;
	if (t->state == TCP_LISTEN)
		return -ENOTCONN;
	if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED) {
		int r = sock_wait(s, conn_done, sock_nonblock(s, flags), s->sndtimeo_ns, POLLOUT);
		if (r < 0)
			return r;
	}
	while (done < m->len) {
		if (s->shut & SOCK_SHUT_WR ||
		    (t->state != TCP_ESTABLISHED && t->state != TCP_CLOSE_WAIT))
			return done ? (long)done : pipe_err(s, flags);
		long w = tcp_send(t, (const uint8_t *)m->buf + done, (uint32_t)(m->len - done));
		if (w < 0)
			return done ? (long)done : pipe_err(s, flags);
		done += (size_t)w;
		if (done == m->len)
			break;
		int r = sock_wait(s, writable, sock_nonblock(s, flags), s->sndtimeo_ns, POLLOUT);
		if (r < 0)
			return done ? (long)done : r;
	}
	return (long)done;
}

static bool readable(struct sock *s)
{
	struct tcb *t = T(s);
	return t->rbuf.len || t->fin_rcvd || t->state == TCP_CLOSED || (s->shut & SOCK_SHUT_RD) ||
	       t->err;
}

static long st_recvmsg(struct sock *s, struct kmsg *m, unsigned flags)
{
	struct tcb *t = T(s);
	size_t done = 0;

	if (flags & MSG_OOB)
		return -EINVAL;
	if (t->state == TCP_LISTEN || (t->state == TCP_CLOSED && !t->reset && !t->fin_rcvd))
		return -ENOTCONN;
	for (;;) {
		long n = tcp_recv(t, (uint8_t *)m->buf + done, (uint32_t)(m->len - done),
				  (flags & MSG_PEEK) != 0);
		done += (size_t)n;
		if (done == m->len || (done && (!(flags & MSG_WAITALL) || (flags & MSG_PEEK))))
			return (long)done;
		if (t->fin_rcvd || (s->shut & SOCK_SHUT_RD))
			return (long)done;
		if (t->state == TCP_CLOSED || t->err) {
			if (done)
				return (long)done;
			return sock_take_error(s);
		}
		int r = sock_wait(s, readable, sock_nonblock(s, flags), s->rcvtimeo_ns, POLLIN);
		if (r < 0)
			return done ? (long)done : r;
	}
}

static int st_shutdown(struct sock *s, unsigned how)
{
	struct tcb *t = T(s);

	if (t->state == TCP_CLOSED || t->state == TCP_SYN_SENT)
		return -ENOTCONN;
	if (t->state == TCP_LISTEN) {
		if (how & SOCK_SHUT_RD)
			waitq_wake_all(&s->wq, POLLIN);
		return 0;
	}
	if (how & SOCK_SHUT_WR)
		tcp_shutdown_wr(t);
	return 0;
}

static int opt_int(const void *val, uint32_t len, int *v)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(v, val, sizeof(int));
	return 0;
}

/* IP_TTL and IP_TOS of a TCP socket (ip(7)): an int, or one byte when shorter, as Linux;
 * TTL -1 restores the default; TOS keeps its ECN bits clear (TCP owns those). */
static int st_set_ip(struct tcb *t, int name, const void *val, uint32_t len)
{
	int v;

	if (len >= sizeof(int))
		memcpy(&v, val, sizeof(v));
	else if (len >= 1)
		v = *(const uint8_t *)val;
	else
		return -EINVAL;
	switch (name) {
	case IP_TTL:
		if (v != -1 && (v < 1 || v > 255))
			return -EINVAL;
		t->ttl = v == -1 ? 0 : (uint8_t)v;
		return 0;
	case IP_TOS:
		t->tos = (uint8_t)(v & ~3);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int st_setsockopt(struct sock *s, int level, int name, const void *val, uint32_t len)
{
	struct tcb *t = T(s);
	int v, r = opt_int(val, len, &v);

	if (level == SOL_SOCKET && name == SO_LINGER) {
		if (len < 8)
			return -EINVAL;
		int lv[2];
		memcpy(lv, val, 8);
		t->linger0 = lv[0] && lv[1] == 0;
		return 0;
	}
	if (level == SOL_IP)
		return st_set_ip(t, name, val, len);
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	if (r < 0)
		return r;
	switch (name) {
	case TCP_NODELAY:
		t->nodelay = v != 0;
		if (t->nodelay)
			tcp_output(t, false);
		return 0;
	case TCP_MAXSEG:
		return v < 88 || v > 32767 ? -EINVAL : 0;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -EINVAL;
		if (name == TCP_KEEPIDLE)
			t->keepidle = v;
		else
			t->keepintvl = v;
		t->t_keep = 0;
		tcp_timer_update(t);
		return 0;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		t->keepcnt = v;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int st_getsockopt(struct sock *s, int level, int name, void *val, uint32_t *len)
{
	struct tcb *t = T(s);
	int v;

	if (level == SOL_SOCKET && name == SO_LINGER) {
		int lv[2] = {t->linger0, 0};
		uint32_t n = *len < 8 ? *len : 8;
		memcpy(val, lv, n);
		*len = n;
		return 0;
	}
	if (level == SOL_IP && (name == IP_TTL || name == IP_TOS)) {
		v = name == IP_TOS ? t->tos : t->ttl ? t->ttl : 64;
		uint32_t n = *len < sizeof(v) ? *len : sizeof(v);
		memcpy(val, &v, n);
		*len = n;
		return 0;
	}
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	switch (name) {
	case TCP_NODELAY:
		v = t->nodelay;
		break;
	case TCP_MAXSEG:
		v = t->state >= TCP_ESTABLISHED ? t->mss : TCP_DEFAULT_MSS;
		break;
	case TCP_KEEPIDLE:
		v = t->keepidle;
		break;
	case TCP_KEEPINTVL:
		v = t->keepintvl;
		break;
	case TCP_KEEPCNT:
		v = t->keepcnt;
		break;
	default:
		return -ENOPROTOOPT;
	}
	uint32_t n = *len < sizeof(v) ? *len : sizeof(v);
	memcpy(val, &v, n);
	*len = n;
	return 0;
}

static long st_ioctl(struct sock *s, unsigned req, uint64_t arg)
{
	struct tcb *t = T(s);
	int v;

	if (req == FIONREAD)
		v = t->state == TCP_LISTEN ? 0 : (int)t->rbuf.len;
	else if (req == SIOCOUTQ)
		v = (int)t->sbuf.len;
	else
		return -ENOTTY;
	return copy_to_user((void *)(uintptr_t)arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

static unsigned st_poll(struct sock *s)
{
	struct tcb *t = T(s);
	unsigned m = 0;

	if (t->state == TCP_LISTEN)
		return t->acc_head ? POLLIN | POLLRDNORM : 0;
	if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED)
		return 0;
	if (t->rbuf.len || t->fin_rcvd)
		m |= POLLIN | POLLRDNORM;
	if (t->fin_rcvd)
		m |= POLLRDHUP;
	if (t->state == TCP_CLOSED) {
		m |= POLLOUT | POLLWRNORM | POLLHUP;
		if (t->reset)
			m |= POLLIN | POLLRDNORM | POLLRDHUP;
	} else if (writable(s)) {
		m |= POLLOUT | POLLWRNORM;
	}
	if (t->fin_rcvd && (s->shut & SOCK_SHUT_WR))
		m |= POLLHUP;
	return m;
}

static void st_release(struct sock *s)
{
	struct tcb *t = T(s);

	if (t) {
		t->sk = NULL;
		tcp_close(t);
	}
	s->proto = NULL;
}

static void st_opt_changed(struct sock *s)
{
	struct tcb *t = T(s);
	to_tcb_opts(s, t);
	tcp_timer_update(t);
}

static const struct sock_ops stream_ops = {
	.bind = st_bind,
	.connect = st_connect,
	.listen = st_listen,
	.accept = st_accept,
	.getname = st_getname,
	.sendmsg = st_sendmsg,
	.recvmsg = st_recvmsg,
	.shutdown = st_shutdown,
	.setsockopt = st_setsockopt,
	.getsockopt = st_getsockopt,
	.ioctl = st_ioctl,
	.poll = st_poll,
	.release = st_release,
	.opt_changed = st_opt_changed,
};

int inet_stream_create(struct sock *s)
{
	struct tcb *t = tcp_tcb_new();

	if (!t)
		return -ENOMEM;
	s->ops = &stream_ops;
	s->protocol = IPPROTO_TCP;
	s->proto = t;
	t->sk = s;
	to_tcb_opts(s, t);
	return 0;
}
