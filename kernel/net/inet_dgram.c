/* inet_dgram.c: AF_INET SOCK_DGRAM sockets over a UDP endpoint (udp.h). Received
 * datagrams wait in a queue charged against SO_RCVBUF (payload plus bookkeeping, as
 * Linux's truesize): a datagram arriving at a full queue is dropped and counted in
 * sock.drops. An ICMP error on a connected socket becomes the pending SO_ERROR, which the
 * next send or receive returns (ECONNREFUSED after port unreachable, as Linux). */
#include "core/errno.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "net/socket.h"
#include "net/udp.h"

#define SIN_LEN 16
#define FIONREAD 0x541b
#define TIOCOUTQ 0x5411
#define IP_DEFAULT_TTL 64

struct dgram {
	struct dgram *next;
	struct pkt *p; /* data = payload */
	uint32_t src, charge;
	uint16_t sport;
};

struct idgram {
	struct sock *s;
	struct udp_pcb pcb;
	struct dgram *head, *tail;
	uint32_t queued; /* bytes charged against rcvbuf */
	int ttl;	 /* -1 = default */
	uint8_t tos;
};

static struct idgram *id_of(struct sock *s)
{
	return s->proto;
}

static int sin_get(const void *addr, uint32_t len, uint32_t *ip, uint16_t *port)
{
	const uint8_t *a = addr;
	uint16_t fam;

	if (len < SIN_LEN)
		return -EINVAL;
	memcpy(&fam, a, 2);
	if (fam != AF_INET)
		return -EAFNOSUPPORT;
	*port = (uint16_t)(a[2] << 8 | a[3]);
	*ip = (uint32_t)a[4] << 24 | (uint32_t)a[5] << 16 | (uint32_t)a[6] << 8 | a[7];
	return 0;
}

static void sin_put(void *addr, uint32_t *len, uint32_t ip, uint16_t port)
{
	uint8_t *a = addr;
	uint16_t fam = AF_INET;

	memset(a, 0, SIN_LEN);
	memcpy(a, &fam, 2);
	a[2] = (uint8_t)(port >> 8);
	a[3] = (uint8_t)port;
	a[4] = (uint8_t)(ip >> 24);
	a[5] = (uint8_t)(ip >> 16);
	a[6] = (uint8_t)(ip >> 8);
	a[7] = (uint8_t)ip;
	*len = SIN_LEN;
}

static void id_recv(struct udp_pcb *pcb, struct pkt *p, uint32_t src, uint16_t sport)
{
	struct idgram *d = pcb->priv;
	struct sock *s = d->s;
	struct dgram *g;
	uint32_t charge = p->cap + (uint32_t)(sizeof(*g) + sizeof(*p));

	if (d->queued >= s->rcvbuf || (s->shut & SOCK_SHUT_RD) || !(g = kzalloc(sizeof(*g)))) {
		s->drops++;
		pkt_free(p);
		return;
	}
	g->p = p;
	g->src = src;
	g->sport = sport;
	g->charge = charge;
	if (d->tail)
		d->tail->next = g;
	else
		d->head = g;
	d->tail = g;
	d->queued += charge;
	waitq_wake_all(&s->wq, POLLIN | POLLRDNORM);
}

static void id_err(struct udp_pcb *pcb, int err)
{
	struct idgram *d = pcb->priv;

	sock_set_error(d->s, err);
}

static void id_sync_opts(struct sock *s)
{
	struct idgram *d = id_of(s);

	d->pcb.reuseaddr = s->reuseaddr;
	d->pcb.reuseport = s->reuseport;
}

static int id_bind(struct sock *s, const void *addr, uint32_t len)
{
	struct idgram *d = id_of(s);
	uint32_t ip = 0;
	uint16_t port = 0, fam;
	int r;

	if (len >= 2) {
		memcpy(&fam, addr, 2);
		if (fam == AF_UNSPEC && len >= SIN_LEN) {
			/* Linux accepts AF_UNSPEC with INADDR_ANY for old programs. */
			uint8_t tmp[SIN_LEN];
			memcpy(tmp, addr, SIN_LEN);
			fam = AF_INET;
			memcpy(tmp, &fam, 2);
			r = sin_get(tmp, SIN_LEN, &ip, &port);
			if (r == 0 && ip != INADDR_ANY)
				return -EAFNOSUPPORT;
			goto have;
		}
	}
	r = sin_get(addr, len, &ip, &port);
	if (r < 0)
		return r;
have:
	id_sync_opts(s);
	return udp_bind(&d->pcb, ip, port);
}

static int autobind(struct idgram *d)
{
	if (d->pcb.bound)
		return 0;
	id_sync_opts(d->s);
	return udp_bind(&d->pcb, INADDR_ANY, 0);
}

static int id_connect(struct sock *s, const void *addr, uint32_t len)
{
	struct idgram *d = id_of(s);
	uint32_t ip, src, hop;
	uint16_t port, fam;
	struct netdev *dev;
	int r;

	if (len < 2)
		return -EINVAL;
	memcpy(&fam, addr, 2);
	if (fam == AF_UNSPEC) {
		d->pcb.raddr = INADDR_ANY;
		d->pcb.rport = 0;
		return 0;
	}
	r = sin_get(addr, len, &ip, &port);
	if (r < 0)
		return r;
	if (ip == INADDR_ANY)
		ip = INADDR_LOOPBACK;
	if (ip == INADDR_BROADCAST && !s->broadcast)
		return -EACCES;
	r = ip_route(ip, &dev, &src, &hop);
	if (r < 0)
		return r;
	r = autobind(d);
	if (r < 0)
		return r;
	if (d->pcb.laddr == INADDR_ANY)
		d->pcb.laddr = src;
	d->pcb.raddr = ip;
	d->pcb.rport = port;
	s->error = 0;
	return 0;
}

static int id_getname(struct sock *s, void *addr, uint32_t *len, bool peer)
{
	struct idgram *d = id_of(s);

	if (peer) {
		if (d->pcb.raddr == INADDR_ANY && d->pcb.rport == 0)
			return -ENOTCONN;
		sin_put(addr, len, d->pcb.raddr, d->pcb.rport);
	} else {
		sin_put(addr, len, d->pcb.laddr, d->pcb.lport);
	}
	return 0;
}

static long id_sendmsg(struct sock *s, struct kmsg *m, unsigned flags)
{
	struct idgram *d = id_of(s);
	uint32_t dst;
	uint16_t dport;
	int r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (s->error)
		return sock_take_error(s);
	if (s->shut & SOCK_SHUT_WR)
		return -EPIPE;
	if (m->namelen) {
		r = sin_get(m->name, m->namelen, &dst, &dport);
		if (r < 0)
			return r;
		if (dport == 0)
			return -EINVAL;
	} else {
		if (d->pcb.rport == 0)
			return -EDESTADDRREQ;
		dst = d->pcb.raddr;
		dport = d->pcb.rport;
	}
	if (m->len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (dst == INADDR_ANY)
		dst = INADDR_LOOPBACK;
	if (dst == INADDR_BROADCAST && !s->broadcast)
		return -EACCES;
	r = autobind(d);
	if (r < 0)
		return r;
	return udp_send(&d->pcb, dst, dport, m->buf, m->len,
			(uint8_t)(d->ttl < 0 ? IP_DEFAULT_TTL : d->ttl), d->tos);
}

static bool id_readable(struct sock *s)
{
	return id_of(s)->head || s->error || (s->shut & SOCK_SHUT_RD);
}

static long id_recvmsg(struct sock *s, struct kmsg *m, unsigned flags)
{
	struct idgram *d = id_of(s);
	struct dgram *g;
	uint32_t n;
	int r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	r = sock_wait(s, id_readable, sock_nonblock(s, flags), s->rcvtimeo_ns, POLLIN);
	if (r < 0)
		return r;
	if (s->error)
		return sock_take_error(s);
	g = d->head;
	if (!g)
		return 0; /* shut down for reading */
	n = g->p->len < m->len ? g->p->len : (uint32_t)m->len;
	memcpy(m->buf, g->p->data, n);
	if (m->namelen != (uint32_t)-1)
		sin_put(m->name, &m->namelen, g->src, g->sport);
	if (g->p->len > m->len)
		m->flags_out |= MSG_TRUNC;
	long ret = (flags & MSG_TRUNC) ? (long)g->p->len : (long)n;
	if (!(flags & MSG_PEEK)) {
		d->head = g->next;
		if (!d->head)
			d->tail = NULL;
		d->queued -= g->charge;
		pkt_free(g->p);
		kfree(g);
	}
	return ret;
}

static int id_setsockopt(struct sock *s, int level, int name, const void *val, uint32_t len)
{
	struct idgram *d = id_of(s);
	int v;

	if (level != SOL_IP)
		return -ENOPROTOOPT;
	if (len < sizeof(int)) {
		if (len < 1)
			return -EINVAL;
		v = *(const uint8_t *)val;
	} else {
		memcpy(&v, val, sizeof(v));
	}
	switch (name) {
	case IP_TTL:
		if (v == -1) {
			d->ttl = -1;
			return 0;
		}
		if (v < 1 || v > 255)
			return -EINVAL;
		d->ttl = v;
		return 0;
	case IP_TOS:
		d->tos = (uint8_t)v;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int id_getsockopt(struct sock *s, int level, int name, void *val, uint32_t *len)
{
	struct idgram *d = id_of(s);
	int v;

	if (level != SOL_IP)
		return -ENOPROTOOPT;
	if (name == IP_TTL)
		v = d->ttl < 0 ? IP_DEFAULT_TTL : d->ttl;
	else if (name == IP_TOS)
		v = d->tos;
	else
		return -ENOPROTOOPT;
	if (*len > sizeof(v))
		*len = sizeof(v);
	memcpy(val, &v, *len);
	return 0;
}

static long id_ioctl(struct sock *s, unsigned req, uint64_t arg)
{
	struct idgram *d = id_of(s);
	int v;

	if (req == FIONREAD)
		v = d->head ? (int)d->head->p->len : 0;
	else if (req == TIOCOUTQ)
		v = 0;
	else
		return -ENOTTY;
	return copy_to_user((void *)(uintptr_t)arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

static unsigned id_poll(struct sock *s)
{
	unsigned mask = POLLOUT | POLLWRNORM;

	if (id_of(s)->head)
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

static void id_release(struct sock *s)
{
	struct idgram *d = id_of(s);

	if (!d)
		return;
	udp_unbind(&d->pcb);
	while (d->head) {
		struct dgram *g = d->head;
		d->head = g->next;
		pkt_free(g->p);
		kfree(g);
	}
	kfree(d);
	s->proto = NULL;
}

static const struct sock_ops inet_dgram_ops = {
	.bind = id_bind,
	.connect = id_connect,
	.getname = id_getname,
	.sendmsg = id_sendmsg,
	.recvmsg = id_recvmsg,
	.setsockopt = id_setsockopt,
	.getsockopt = id_getsockopt,
	.ioctl = id_ioctl,
	.poll = id_poll,
	.release = id_release,
	.opt_changed = id_sync_opts,
};

int inet_dgram_create(struct sock *s)
{
	struct idgram *d = kzalloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->s = s;
	d->ttl = -1;
	d->pcb.recv = id_recv;
	d->pcb.err = id_err;
	d->pcb.priv = d;
	s->proto = d;
	s->ops = &inet_dgram_ops;
	return 0;
}
