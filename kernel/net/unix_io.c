/* unix_io.c: AF_UNIX data paths (unix.h). A sender appends unix_msg records to the
 * receiver's queue: stream sends split into records that fit the room left (the sender's
 * SO_SNDBUF bounds what waits unread at its peer, 208 KiB by default), seqpacket and
 * datagram sends are one record each (datagram queues also hold at most UNIX_DGRAM_QLEN
 * records and SO_RCVBUF bytes). Each record is charged its length plus UNIX_MSG_COST.
 * SCM_RIGHTS files travel held by the record; the receiver installs new fds for them (the
 * ones that do not fit its control buffer are closed, MSG_CTRUNC). SCM_CREDENTIALS
 * answers pid 1, uid 0, gid 0 to receivers with SO_PASSCRED. */
#include "core/errno.h"
#include "core/time.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "net/unix.h"
#include "sched/task.h"
#include "signal/signal.h"

#define UNIX_MSG_COST 256
#define FIONREAD 0x541b
#define TIOCOUTQ 0x5411
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define CMSG_HDR 16

static unsigned inflight;

static size_t cmsg_align(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static void msg_free(struct unix_msg *m)
{
	for (unsigned i = 0; i < m->nfds; i++)
		if (m->fds[i]) {
			inflight--;
			vfs_file_put(m->fds[i]);
		}
	kfree(m->fds);
	kfree(m);
}

void unix_purge(struct usock *u)
{
	struct unix_msg *m = u->head;

	u->head = u->tail = NULL;
	u->queued = 0;
	u->nmsgs = 0;
	while (m) {
		struct unix_msg *n = m->next;
		msg_free(m);
		m = n;
	}
}

/* The files of the SCM_RIGHTS records in a send's control data (held), or an errno. */
static int parse_control(const struct kmsg *km, struct file ***fds, unsigned *nfds)
{
	const uint8_t *c = km->control;
	size_t off = 0;
	unsigned n = 0;
	struct file **v = NULL;

	*fds = NULL;
	*nfds = 0;
	while (km->control && off + CMSG_HDR <= km->controllen) {
		uint64_t clen;
		int32_t level, type;
		memcpy(&clen, c + off, 8);
		memcpy(&level, c + off + 8, 4);
		memcpy(&type, c + off + 12, 4);
		if (clen < CMSG_HDR || clen > km->controllen - off)
			goto inval;
		if (level != SOL_SOCKET)
			goto inval;
		if (type == SCM_RIGHTS) {
			unsigned k = (unsigned)((clen - CMSG_HDR) / 4);
			if (n + k > UNIX_MAX_FD)
				goto inval;
			if (inflight + n + k > UNIX_INFLIGHT_MAX) {
				for (unsigned i = 0; i < n; i++)
					vfs_file_put(v[i]);
				kfree(v);
				return -ETOOMANYREFS;
			}
			struct file **nv = kmalloc((n + k + 1) * sizeof(*nv));
			if (!nv)
				goto nomem;
			if (n)
				memcpy(nv, v, n * sizeof(*nv));
			kfree(v);
			v = nv;
			for (unsigned i = 0; i < k; i++) {
				int32_t fd;
				memcpy(&fd, c + off + CMSG_HDR + 4 * i, 4);
				struct file *f = fd_get(fd);
				if (!f) {
					for (unsigned j = 0; j < n; j++)
						vfs_file_put(v[j]);
					kfree(v);
					return -EBADF;
				}
				v[n++] = vfs_file_get(f);
			}
		} else if (type != SCM_CREDENTIALS) {
			goto inval;
		}
		off += cmsg_align(clen);
	}
	*fds = v;
	*nfds = n;
	inflight += n;
	return 0;
inval:
	for (unsigned i = 0; i < n; i++)
		vfs_file_put(v[i]);
	kfree(v);
	return -EINVAL;
nomem:
	for (unsigned i = 0; i < n; i++)
		vfs_file_put(v[i]);
	kfree(v);
	return -ENOMEM;
}

static struct unix_msg *msg_new(struct usock *from, const void *data, size_t len)
{
	struct unix_msg *m = kzalloc(sizeof(*m) + (len ? len : 1));

	if (!m)
		return NULL;
	m->len = len;
	if (len)
		memcpy(m->data, data, len);
	m->from = from->addr;
	return m;
}

static void enqueue(struct usock *to, struct unix_msg *m)
{
	if (to->tail)
		to->tail->next = m;
	else
		to->head = m;
	to->tail = m;
	to->queued += m->len + UNIX_MSG_COST;
	to->nmsgs++;
	waitq_wake_all(&to->s->wq, POLLIN | POLLRDNORM);
}

static size_t stream_room(struct usock *u)
{
	size_t lim = u->s->sndbuf, q = u->peer ? u->peer->queued : 0;

	return q + UNIX_MSG_COST < lim ? lim - q - UNIX_MSG_COST : 0;
}

static bool peer_closed(struct usock *u)
{
	return !u->peer || u->peer_gone || (u->peer->s->shut & SOCK_SHUT_RD) ||
	       (u->s->shut & SOCK_SHUT_WR);
}

static bool stream_send_ready(void *arg)
{
	struct usock *u = arg;

	return peer_closed(u) || u->s->error || stream_room(u) > 0;
}

static size_t seq_need;
static bool seq_send_ready(void *arg)
{
	struct usock *u = arg;

	return peer_closed(u) || u->s->error || stream_room(u) + UNIX_MSG_COST >= seq_need;
}

static long pipe_err(struct usock *u, unsigned flags)
{
	if (!(flags & MSG_NOSIGNAL))
		signal_send_thread(current, SIGPIPE, NULL);
	(void)u;
	return -EPIPE;
}

static long stream_send(struct usock *u, struct kmsg *km, unsigned flags, struct file **fds,
			unsigned nfds)
{
	struct sock *s = u->s;
	size_t done = 0;
	bool nb = sock_nonblock(s, flags);
	long r = 0;

	if (km->namelen)
		return u->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (u->state != US_CONNECTED && !u->peer_gone)
		return -ENOTCONN;
	if (s->type == SOCK_SEQPACKET) {
		if (km->len + UNIX_MSG_COST > s->sndbuf)
			return -EMSGSIZE;
		seq_need = km->len + UNIX_MSG_COST;
		r = sock_wait_on(&s->wq, seq_send_ready, u, nb, s->sndtimeo_ns, POLLOUT);
		if (r < 0)
			return r;
		if (peer_closed(u))
			return pipe_err(u, flags);
		struct unix_msg *m = msg_new(u, km->buf, km->len);
		if (!m)
			return -ENOMEM;
		m->fds = fds;
		m->nfds = nfds;
		enqueue(u->peer, m);
		return (long)km->len;
	}
	do {
		r = sock_wait_on(&s->wq, stream_send_ready, u, nb, s->sndtimeo_ns, POLLOUT);
		if (r < 0)
			break;
		if (peer_closed(u)) {
			r = pipe_err(u, flags);
			break;
		}
		size_t n = km->len - done, room = stream_room(u);
		if (n > room)
			n = room;
		struct unix_msg *m = msg_new(u, (char *)km->buf + done, n);
		if (!m) {
			r = -ENOMEM;
			break;
		}
		if (fds) {
			m->fds = fds;
			m->nfds = nfds;
			fds = NULL;
		}
		enqueue(u->peer, m);
		done += n;
	} while (done < km->len);
	if (fds) { /* nothing sent: the files go back */
		for (unsigned i = 0; i < nfds; i++)
			vfs_file_put(fds[i]);
		inflight -= nfds;
		kfree(fds);
	}
	return done || km->len == 0 ? (long)done : r;
}

struct dgram_wait {
	struct usock *to;
	size_t charge;
};

static bool dgram_room(void *arg)
{
	struct dgram_wait *d = arg;
	struct usock *t = d->to;

	return t->nmsgs < UNIX_DGRAM_QLEN && t->queued + d->charge <= t->s->rcvbuf;
}

static long dgram_send(struct usock *u, struct kmsg *km, unsigned flags, struct file **fds,
		       unsigned nfds)
{
	struct sock *s = u->s;
	struct usock *to;
	long r;

	if (km->len + UNIX_MSG_COST > s->sndbuf)
		return -EMSGSIZE;
	if (u->passcred && (r = unix_autobind(u)) < 0)
		return r;
	for (;;) {
		if (km->namelen) {
			struct unix_addr a;
			bool autob;
			r = unix_addr_parse(km->name, km->namelen, &a, &autob);
			if (r < 0)
				return r;
			if (autob)
				return -EINVAL;
			r = unix_find(&a, SOCK_DGRAM, &to);
			if (r < 0)
				return r;
		} else if (u->peer) {
			to = u->peer;
		} else {
			return u->peer_gone ? -ECONNREFUSED : -ENOTCONN;
		}
		if (to->peer && to->peer != u && to->state == US_CONNECTED)
			return -EPERM; /* the receiver only takes from its own peer */
		if (to->s->shut & SOCK_SHUT_RD)
			return pipe_err(u, flags);
		struct dgram_wait d = {to, km->len + UNIX_MSG_COST};
		if (dgram_room(&d))
			break;
		/* The receiver may go away while we sleep: wait on the shared queue and look
		 * the destination up again. */
		r = sock_wait_on(&unix_space_wq, dgram_room, &d, sock_nonblock(s, flags),
				 s->sndtimeo_ns, POLLOUT);
		if (r < 0)
			return r;
	}
	struct unix_msg *m = msg_new(u, km->buf, km->len);
	if (!m)
		return -ENOMEM;
	m->fds = fds;
	m->nfds = nfds;
	enqueue(to, m);
	return (long)km->len;
}

long unix_sendmsg(struct sock *s, struct kmsg *km, unsigned flags)
{
	struct usock *u = unix_of(s);
	struct file **fds;
	unsigned nfds;
	long r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	r = sock_take_error(s);
	if (r < 0)
		return r;
	r = parse_control(km, &fds, &nfds);
	if (r < 0)
		return r;
	if (s->type == SOCK_DGRAM)
		r = dgram_send(u, km, flags, fds, nfds);
	else
		r = stream_send(u, km, flags, fds, nfds);
	if (r < 0 && fds && s->type != SOCK_STREAM) {
		for (unsigned i = 0; i < nfds; i++)
			vfs_file_put(fds[i]);
		inflight -= nfds;
		kfree(fds);
	}
	return r;
}

/* Append a cmsg to the receive control buffer; false when it did not fit whole. */
static bool put_cmsg(struct kmsg *km, int type, const void *data, size_t len)
{
	size_t room = km->controllen - km->control_used;
	uint64_t clen = CMSG_HDR + len;
	int32_t level = SOL_SOCKET, t = type;
	uint8_t *c = (uint8_t *)km->control + km->control_used;

	if (!km->control || room < CMSG_HDR) {
		km->flags_out |= MSG_CTRUNC;
		return false;
	}
	if (room < clen) {
		km->flags_out |= MSG_CTRUNC;
		clen = room;
	}
	memcpy(c, &clen, 8);
	memcpy(c + 8, &level, 4);
	memcpy(c + 12, &t, 4);
	memcpy(c + CMSG_HDR, data, clen - CMSG_HDR);
	size_t adv = cmsg_align(clen);
	km->control_used += (uint32_t)(adv < room ? adv : room);
	return clen == CMSG_HDR + len;
}

/* Install the record's files as new fds in this process (peek: new references). */
static void deliver_fds(struct usock *u, struct unix_msg *m, struct kmsg *km, unsigned flags)
{
	int32_t fdv[UNIX_MAX_FD];
	unsigned n = 0, fit;
	size_t room = km->control ? km->controllen - km->control_used : 0;
	bool peek = flags & MSG_PEEK;

	(void)u;
	fit = room > CMSG_HDR ? (unsigned)((room - CMSG_HDR) / 4) : 0;
	for (unsigned i = 0; i < m->nfds; i++) {
		struct file *f = m->fds[i];
		if (!f)
			continue;
		if (!peek) {
			m->fds[i] = NULL;
			inflight--;
		} else {
			vfs_file_get(f);
		}
		if (n >= fit) {
			km->flags_out |= MSG_CTRUNC;
			vfs_file_put(f);
			continue;
		}
		int fd = fd_install(f, 0, (flags & MSG_CMSG_CLOEXEC) != 0);
		if (fd < 0) {
			km->flags_out |= MSG_CTRUNC;
			continue;
		}
		fdv[n++] = fd;
	}
	if (n)
		put_cmsg(km, SCM_RIGHTS, fdv, n * 4);
}

static void deliver_ctl(struct usock *u, struct unix_msg *m, struct kmsg *km, unsigned flags)
{
	if (u->passcred) {
		int32_t cred[3] = {1, 0, 0};
		put_cmsg(km, SCM_CREDENTIALS, cred, sizeof(cred));
	}
	if (m->nfds)
		deliver_fds(u, m, km, flags);
}

static void set_from(struct kmsg *km, const struct unix_msg *m)
{
	km->namelen = m->from.len;
	if (m->from.len)
		memcpy(km->name, m->from.b, m->from.len);
}

static void dequeue_head(struct usock *u)
{
	struct unix_msg *m = u->head;

	u->head = m->next;
	if (!u->head)
		u->tail = NULL;
	u->queued -= m->len + UNIX_MSG_COST;
	u->nmsgs--;
	msg_free(m);
	unix_peer_wake(u, POLLOUT | POLLWRNORM);
}

static bool eof(struct usock *u)
{
	if (u->s->shut & SOCK_SHUT_RD)
		return true;
	if (u->s->type == SOCK_DGRAM)
		return false;
	return u->peer_gone || (u->peer && (u->peer->s->shut & SOCK_SHUT_WR));
}

static bool recv_ready(void *arg)
{
	struct usock *u = arg;

	return u->head || eof(u) || u->s->error;
}

static long dgram_recv(struct usock *u, struct kmsg *km, unsigned flags)
{
	struct unix_msg *m = u->head;

	if (!m)
		return 0; /* EOF (seqpacket) */
	size_t n = m->len < km->len ? m->len : km->len;
	memcpy(km->buf, m->data, n);
	if (m->len > km->len)
		km->flags_out |= MSG_TRUNC;
	if (u->s->type == SOCK_DGRAM)
		set_from(km, m);
	deliver_ctl(u, m, km, flags);
	long r = (flags & MSG_TRUNC) ? (long)m->len : (long)n;
	if (!(flags & MSG_PEEK))
		dequeue_head(u);
	return r;
}

static long stream_recv(struct usock *u, struct kmsg *km, unsigned flags)
{
	struct sock *s = u->s;
	size_t done = 0, target = (flags & MSG_WAITALL) ? km->len : 1;
	bool nb = sock_nonblock(s, flags), named = false;

	for (;;) {
		struct unix_msg *m = u->head;
		while (m && done < km->len) {
			if (m->nfds && done)
				return (long)done; /* files start a new read */
			size_t avail = m->len - m->off;
			size_t n = avail < km->len - done ? avail : km->len - done;
			memcpy((char *)km->buf + done, m->data + m->off, n);
			if (!named) {
				set_from(km, m);
				named = true;
			}
			done += n;
			bool fds = m->nfds != 0;
			if (fds || u->passcred)
				deliver_ctl(u, m, km, flags);
			if (flags & MSG_PEEK) {
				m = m->next;
			} else {
				m->off += n;
				if (m->off == m->len)
					dequeue_head(u);
				else
					unix_peer_wake(u, POLLOUT | POLLWRNORM);
				m = u->head;
			}
			if (fds)
				return (long)done;
		}
		if (done >= target || done == km->len || (flags & MSG_PEEK && done))
			return (long)done;
		if (eof(u))
			return (long)done;
		int r = sock_wait_on(&s->wq, recv_ready, u, nb, s->rcvtimeo_ns, POLLIN);
		if (r < 0)
			return done ? (long)done : r;
		if (s->error && !u->head)
			return done ? (long)done : sock_take_error(s);
	}
}

long unix_recvmsg(struct sock *s, struct kmsg *km, unsigned flags)
{
	struct usock *u = unix_of(s);
	int r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	km->namelen = 0;
	if (s->type == SOCK_STREAM) {
		if (u->state != US_CONNECTED && !u->peer_gone)
			return -EINVAL;
		return stream_recv(u, km, flags);
	}
	if (s->type == SOCK_SEQPACKET && u->state != US_CONNECTED && !u->peer_gone)
		return -ENOTCONN;
	r = sock_wait_on(&s->wq, recv_ready, u, sock_nonblock(s, flags), s->rcvtimeo_ns, POLLIN);
	if (r < 0)
		return r;
	if (!u->head && s->error)
		return sock_take_error(s);
	if (!u->head && s->type == SOCK_DGRAM)
		return -EAGAIN;
	return dgram_recv(u, km, flags);
}

unsigned unix_poll(struct sock *s)
{
	struct usock *u = unix_of(s);
	unsigned mask = 0;

	if (u->state == US_LISTEN)
		return u->acc_head ? POLLIN | POLLRDNORM : 0;
	if (u->head)
		mask |= POLLIN | POLLRDNORM;
	if (s->type == SOCK_DGRAM) {
		struct dgram_wait d = {u->peer, UNIX_MSG_COST + 1};
		if (!u->peer || dgram_room(&d))
			mask |= POLLOUT | POLLWRNORM;
		return mask;
	}
	if (eof(u))
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (u->peer_gone || ((s->shut & SOCK_SHUT_WR) && eof(u)))
		mask |= POLLHUP;
	if (u->state != US_CONNECTED && !u->peer_gone)
		return mask | POLLOUT | POLLWRNORM;
	if (peer_closed(u) || stream_room(u) > 0)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

long unix_ioctl(struct sock *s, unsigned req, uint64_t arg)
{
	struct usock *u = unix_of(s);
	int v = 0;

	if (req == FIONREAD) {
		if (u->state == US_LISTEN)
			return -EINVAL;
		if (s->type == SOCK_STREAM) {
			for (struct unix_msg *m = u->head; m; m = m->next)
				v += (int)(m->len - m->off);
		} else if (u->head) {
			v = (int)u->head->len;
		}
	} else if (req == TIOCOUTQ) {
		v = u->peer && s->type != SOCK_DGRAM ? (int)u->peer->queued : 0;
	} else {
		return -ENOTTY;
	}
	return copy_to_user((void *)(uintptr_t)arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}
