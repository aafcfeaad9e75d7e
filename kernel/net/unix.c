/* unix.c: AF_UNIX sockets (unix(7)): creation and socketpair, names (paths bound as
 * S_IFSOCK inodes through the file system's create, abstract names, autobind), connect,
 * listen/accept, shutdown, options and release. Data paths are in unix_io.c. Every usock
 * is on one list: release clears the pointers other sockets hold to it (peers, default
 * destinations), so no pointer outlives its socket. A path name is found by the inode the
 * bind created (the socket holds a reference); a file that is not a bound socket answers
 * ECONNREFUSED as Linux. Not implemented: garbage collection of sockets only reachable
 * through in-flight SCM_RIGHTS (a bound total, UNIX_INFLIGHT_MAX, caps the leak). */
#include "net/unix.h"
#include "core/errno.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "syscall/sys_fs.h"

#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_ACCEPTCONN 30

struct wait_queue unix_space_wq = WAIT_QUEUE_INIT;
static struct usock *all_socks;
static uint32_t auto_next;

static const struct sock_ops unix_ops;

struct usock *unix_of(struct sock *s)
{
	return s->proto;
}

static bool addr_eq(const struct unix_addr *x, const struct unix_addr *y)
{
	return x->len == y->len && memcmp(x->b, y->b, x->len) == 0;
}

static struct usock *find_abstract(const struct unix_addr *a)
{
	for (struct usock *u = all_socks; u; u = u->all_next)
		if (u->named && !unix_addr_is_path(&u->addr) && addr_eq(&u->addr, a))
			return u;
	return NULL;
}

int unix_find(const struct unix_addr *a, int type, struct usock **out)
{
	struct usock *u = NULL;

	if (unix_addr_is_path(a)) {
		struct vfs_path *p;
		int r = vfs_lookup(NULL, (const char *)a->b + 2, NAMEI_FOLLOW, &p);
		if (r < 0)
			return r;
		if ((p->inode->mode & S_IFMT) == S_IFSOCK)
			for (u = all_socks; u; u = u->all_next)
				if (u->inode == p->inode)
					break;
		vfs_path_put(p);
	} else {
		u = find_abstract(a);
	}
	if (!u)
		return -ECONNREFUSED;
	if (u->s->type != type)
		return -EPROTOTYPE;
	*out = u;
	return 0;
}

void unix_peer_wake(struct usock *u, unsigned events)
{
	for (struct usock *o = all_socks; o; o = o->all_next)
		if (o->peer == u)
			waitq_wake_all(&o->s->wq, events);
	waitq_wake_all(&unix_space_wq, events);
}

static struct sock *usock_new(int type)
{
	struct sock *s = kzalloc(sizeof(*s));
	struct usock *u = kzalloc(sizeof(*u));

	if (!s || !u) {
		kfree(s);
		kfree(u);
		return NULL;
	}
	s->ops = &unix_ops;
	s->family = AF_UNIX;
	s->type = type;
	s->protocol = 0;
	s->rcvbuf = SOCK_RMEM_DEFAULT;
	s->sndbuf = SOCK_RMEM_DEFAULT;
	waitq_init(&s->wq);
	s->proto = u;
	u->s = s;
	u->all_next = all_socks;
	all_socks = u;
	return s;
}

/* Free a sock that never got a file (embryos, failed creation). */
static void usock_free(struct sock *s)
{
	s->ops->release(s);
	kfree(s);
}

static int check_type(int type, int protocol)
{
	int base = type & SOCK_TYPE_MASK;

	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (protocol != 0 && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	if (base != SOCK_STREAM && base != SOCK_DGRAM && base != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	return base;
}

int unix_sock_create(int type, int protocol, struct file **out)
{
	int base = check_type(type, protocol), r;
	struct sock *s;

	if (base < 0)
		return base;
	s = usock_new(base);
	if (!s)
		return -ENOMEM;
	r = sock_file_new(s, type, out);
	if (r < 0)
		usock_free(s);
	return r;
}

static void pair(struct usock *a, struct usock *b)
{
	a->peer = b;
	b->peer = a;
	a->state = b->state = US_CONNECTED;
}

int unix_socketpair(int type, int protocol, struct file **fa, struct file **fb)
{
	int base = check_type(type, protocol), r;
	struct sock *a, *b;

	if (base < 0)
		return base;
	a = usock_new(base);
	b = a ? usock_new(base) : NULL;
	if (!b) {
		if (a)
			usock_free(a);
		return -ENOMEM;
	}
	pair(unix_of(a), unix_of(b));
	r = sock_file_new(a, type, fa);
	if (r < 0) {
		usock_free(a);
		usock_free(b);
		return r;
	}
	r = sock_file_new(b, type, fb);
	if (r < 0) {
		vfs_file_put(*fa);
		usock_free(b);
	}
	return r;
}

int unix_autobind(struct usock *u)
{
	struct unix_addr a;

	if (u->addr.len)
		return 0;
	for (uint32_t i = 0; i < 0x100000u; i++) {
		unix_addr_auto(auto_next++ & 0xfffffu, &a);
		if (!find_abstract(&a)) {
			u->addr = a;
			u->named = true;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Create the socket file for a path bind: EADDRINUSE when the name exists. */
static int bind_path(struct usock *u, const char *path)
{
	struct vfs_last last;
	struct inode *dir, *child = NULL;
	int r = vfs_lookup_parent(NULL, path, &last);

	if (r < 0)
		return r;
	dir = last.dir->inode;
	if (last.kind != VFS_LAST_NORM || last.slash) {
		r = -EADDRINUSE;
	} else if (vfs_lookup_one(dir, last.name, last.len, &child) == 0) {
		vfs_iput(child);
		r = -EADDRINUSE;
	} else if (dir->sb->read_only) {
		r = -EROFS;
	} else if (!dir->ops || !dir->ops->create) {
		r = -EPERM;
	} else {
		r = dir->ops->create(dir, last.name, last.len, S_IFSOCK | (0777u & ~sys_fs_umask),
				     0, &child);
		if (r == 0)
			u->inode = child;
		else if (r == -EEXIST)
			r = -EADDRINUSE;
	}
	vfs_last_put(&last);
	return r;
}

static int unix_bind(struct sock *s, const void *addr, uint32_t len)
{
	struct usock *u = unix_of(s);
	struct unix_addr a;
	bool autob;
	int r = unix_addr_parse(addr, len, &a, &autob);

	if (r < 0)
		return r;
	if (u->addr.len)
		return -EINVAL;
	if (autob)
		return unix_autobind(u);
	if (unix_addr_is_path(&a)) {
		r = bind_path(u, (const char *)a.b + 2);
		if (r < 0)
			return r;
	} else if (find_abstract(&a)) {
		return -EADDRINUSE;
	}
	u->addr = a;
	u->named = true;
	return 0;
}

static bool backlog_room(void *arg)
{
	const struct unix_addr *a = ((void **)arg)[0];
	int type = *(int *)((void **)arg)[1];
	struct usock *l;

	if (unix_find(a, type, &l) < 0 || l->state != US_LISTEN)
		return true; /* let the caller see the error */
	return l->nacc <= (unsigned)l->backlog;
}

static int stream_connect(struct usock *u, const struct unix_addr *a)
{
	struct usock *l;
	struct sock *e;
	int type = u->s->type;
	void *arg[2] = {(void *)a, &type};
	int r;

	if (u->state == US_CONNECTED)
		return -EISCONN;
	if (u->state == US_LISTEN)
		return -EINVAL;
	for (;;) {
		r = unix_find(a, type, &l);
		if (r < 0)
			return r;
		if (l->state != US_LISTEN)
			return -ECONNREFUSED;
		if (l->nacc <= (unsigned)l->backlog)
			break;
		r = sock_wait_on(&unix_space_wq, backlog_room, arg, sock_nonblock(u->s, 0),
				 u->s->sndtimeo_ns, POLLOUT);
		if (r < 0)
			return r;
	}
	if (u->passcred && (r = unix_autobind(u)) < 0)
		return r;
	e = usock_new(type);
	if (!e)
		return -ENOMEM;
	struct usock *eu = unix_of(e);
	eu->addr = l->addr;
	eu->passcred = l->passcred;
	pair(u, eu);
	if (l->acc_tail)
		l->acc_tail->acc_next = eu;
	else
		l->acc_head = eu;
	l->acc_tail = eu;
	l->nacc++;
	waitq_wake_all(&l->s->wq, POLLIN | POLLRDNORM);
	return 0;
}

static int unix_connect(struct sock *s, const void *addr, uint32_t len)
{
	struct usock *u = unix_of(s), *t;
	struct unix_addr a;
	bool autob;
	int r;

	if (s->type == SOCK_DGRAM && len >= 2 && *(const uint16_t *)addr == AF_UNSPEC) {
		u->peer = NULL; /* dissolve the association */
		u->state = US_UNCONN;
		return 0;
	}
	r = unix_addr_parse(addr, len, &a, &autob);
	if (r < 0)
		return r;
	if (autob)
		return -EINVAL;
	if (s->type != SOCK_DGRAM)
		return stream_connect(u, &a);
	r = unix_find(&a, SOCK_DGRAM, &t);
	if (r < 0)
		return r;
	if (u->passcred && (r = unix_autobind(u)) < 0)
		return r;
	u->peer = t;
	u->peer_gone = false;
	u->state = US_CONNECTED;
	return 0;
}

static int unix_listen(struct sock *s, int backlog)
{
	struct usock *u = unix_of(s);

	if (s->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (!u->addr.len || u->state == US_CONNECTED)
		return -EINVAL;
	if (backlog < 0 || backlog > UNIX_BACKLOG_MAX)
		backlog = UNIX_BACKLOG_MAX;
	u->backlog = backlog;
	u->state = US_LISTEN;
	waitq_wake_all(&unix_space_wq, POLLOUT);
	return 0;
}

static bool acc_ready(void *arg)
{
	struct usock *u = arg;

	return u->acc_head || u->state != US_LISTEN;
}

static int unix_accept(struct sock *s, struct sock **out)
{
	struct usock *u = unix_of(s), *e;
	int r;

	if (s->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (u->state != US_LISTEN)
		return -EINVAL;
	r = sock_wait_on(&s->wq, acc_ready, u, sock_nonblock(s, 0), s->rcvtimeo_ns, POLLIN);
	if (r < 0)
		return r;
	if (u->state != US_LISTEN)
		return -EINVAL;
	e = u->acc_head;
	u->acc_head = e->acc_next;
	if (!u->acc_head)
		u->acc_tail = NULL;
	e->acc_next = NULL;
	u->nacc--;
	waitq_wake_all(&unix_space_wq, POLLOUT);
	*out = e->s;
	return 0;
}

static int unix_getname(struct sock *s, void *addr, uint32_t *len, bool peer)
{
	struct usock *u = unix_of(s);
	const struct unix_addr *a = &u->addr;
	uint16_t fam = AF_UNIX;

	if (peer) {
		if (u->state != US_CONNECTED)
			return -ENOTCONN;
		if (u->peer)
			a = &u->peer->addr;
		else if (u->peer_gone && s->type != SOCK_DGRAM)
			a = &u->gone_addr; /* Linux keeps a stream's peer after it closes */
		else
			return -ENOTCONN;
	}
	if (!a->len) {
		memcpy(addr, &fam, 2);
		*len = 2;
		return 0;
	}
	memcpy(addr, a->b, a->len);
	*len = a->len;
	return 0;
}

static int unix_shutdown(struct sock *s, unsigned how)
{
	struct usock *u = unix_of(s);

	if (s->type != SOCK_DGRAM && u->state != US_CONNECTED)
		return -ENOTCONN;
	if (u->peer)
		waitq_wake_all(&u->peer->s->wq, POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	(void)how;
	return 0;
}

static int unix_setsockopt(struct sock *s, int level, int name, const void *val, uint32_t len)
{
	int v;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name != SO_PASSCRED)
		return -ENOPROTOOPT;
	if (len < sizeof(v))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	unix_of(s)->passcred = v != 0;
	return 0;
}

static int unix_getsockopt(struct sock *s, int level, int name, void *val, uint32_t *len)
{
	struct usock *u = unix_of(s);
	int v;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name == SO_PEERCRED) {
		int32_t cred[3] = {1, 0, 0}; /* pid 1, uid 0, gid 0 */
		if (s->type != SOCK_DGRAM && !u->peer && u->state != US_LISTEN)
			cred[0] = 0, cred[1] = cred[2] = -1; /* no peer: as Linux */
		if (*len > sizeof(cred))
			*len = sizeof(cred);
		memcpy(val, cred, *len);
		return 0;
	}
	if (name == SO_PASSCRED)
		v = u->passcred;
	else if (name == SO_ACCEPTCONN)
		v = u->state == US_LISTEN;
	else
		return -ENOPROTOOPT;
	if (*len > sizeof(v))
		*len = sizeof(v);
	memcpy(val, &v, *len);
	return 0;
}

static void unix_release(struct sock *s)
{
	struct usock *u = unix_of(s), **pp;

	for (pp = &all_socks; *pp; pp = &(*pp)->all_next)
		if (*pp == u) {
			*pp = u->all_next;
			break;
		}
	u->state = US_UNCONN;
	while (u->acc_head) {
		struct usock *e = u->acc_head;
		u->acc_head = e->acc_next;
		usock_free(e->s);
	}
	for (struct usock *o = all_socks; o; o = o->all_next) {
		if (o->peer != u)
			continue;
		o->peer = NULL;
		o->peer_gone = true;
		o->gone_addr = u->addr;
		waitq_wake_all(&o->s->wq, POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	}
	waitq_wake_all(&unix_space_wq, POLLOUT);
	unix_purge(u);
	if (u->inode)
		vfs_iput(u->inode);
	kfree(u);
	s->proto = NULL;
}

static const struct sock_ops unix_ops = {
	.bind = unix_bind,
	.connect = unix_connect,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown,
	.setsockopt = unix_setsockopt,
	.getsockopt = unix_getsockopt,
	.ioctl = unix_ioctl,
	.poll = unix_poll,
	.release = unix_release,
};
