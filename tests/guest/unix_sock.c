/* unix_sock.c: AF_UNIX sockets as Linux (unix(7)): socketpair of every type, a stream
 * server and client by path and by abstract name in two threads, datagrams with autobind,
 * seqpacket record boundaries, SCM_RIGHTS passing a pipe and an open file, EOF/EPIPE,
 * poll/epoll readiness, getsockname/getpeername lengths, ECONNREFUSED/ENOENT/EADDRINUSE,
 * several clients queued on one abstract name, and accept/getpeername naming a client that
 * already closed (Go's net tests do both). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "guest.h"

static char dir[64];

static socklen_t mkaddr(struct sockaddr_un *a, const char *name, int abstract)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (abstract) {
		size_t n = strlen(name);
		memcpy(a->sun_path + 1, name, n);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	}
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1);
}

static void pairs(void)
{
	int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
	char buf[64];
	int sv[2];

	for (int i = 0; i < 3; i++) {
		CHECK(socketpair(AF_UNIX, types[i] | SOCK_CLOEXEC, 0, sv) == 0, "type %d: %s",
		      types[i], strerror(errno));
		CHECK(fcntl(sv[0], F_GETFD) == FD_CLOEXEC);
		CHECK(write(sv[0], "hello", 5) == 5);
		CHECK(write(sv[1], "back", 4) == 4);
		CHECK(read(sv[1], buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0);
		CHECK(read(sv[0], buf, sizeof(buf)) == 4 && memcmp(buf, "back", 4) == 0);
		struct sockaddr_un a;
		socklen_t l = sizeof(a);
		CHECK(getsockname(sv[0], (struct sockaddr *)&a, &l) == 0 &&
		      l == sizeof(sa_family_t));
		l = sizeof(a);
		CHECK(getpeername(sv[0], (struct sockaddr *)&a, &l) == 0 &&
		      l == sizeof(sa_family_t));
		int v;
		socklen_t vl = sizeof(v);
		CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &vl) == 0 && v == types[i]);
		CHECK(recv(sv[0], buf, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN);
		close(sv[0]);
		close(sv[1]);
	}
	CHECK(socketpair(AF_INET, SOCK_STREAM, 0, sv) == -1 && errno == EOPNOTSUPP);
	printf("socketpair ok\n");
}

struct srv {
	struct sockaddr_un a;
	socklen_t len;
	int lfd;
};

static void *server(void *arg)
{
	struct srv *s = arg;
	struct sockaddr_un peer;
	socklen_t pl = sizeof(peer);
	char buf[256];
	int c = accept4(s->lfd, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);

	CHECK(c >= 0, "accept: %s", strerror(errno));
	CHECK(pl == sizeof(sa_family_t), "peer len %u", pl);
	struct sockaddr_un me;
	socklen_t ml = sizeof(me);
	CHECK(getsockname(c, (struct sockaddr *)&me, &ml) == 0);
	CHECK(ml == s->len && memcmp(&me, &s->a, ml) == 0, "accepted name len %u want %u", ml,
	      s->len);
	ssize_t n = recv(c, buf, 10, MSG_WAITALL);
	CHECK(n == 10, "waitall %zd", n);
	CHECK(memcmp(buf, "0123456789", 10) == 0);
	CHECK(send(c, "pong", 4, 0) == 4);
	CHECK(read(c, buf, sizeof(buf)) == 0); /* EOF after the client closes */
	close(c);
	return NULL;
}

static void stream(int abstract)
{
	struct srv s;
	pthread_t t;
	char buf[16];

	s.len = mkaddr(&s.a, abstract ? "isle-unix-test" : "sock", abstract);
	s.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(s.lfd >= 0);
	CHECK(bind(s.lfd, (struct sockaddr *)&s.a, s.len) == 0, "bind: %s", strerror(errno));
	int again = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(again, (struct sockaddr *)&s.a, s.len) == -1 && errno == EADDRINUSE);
	close(again);
	if (!abstract) {
		struct stat st;
		CHECK(stat(s.a.sun_path, &st) == 0 && S_ISSOCK(st.st_mode));
	}
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&s.a, s.len) == -1 && errno == ECONNREFUSED);
	close(c);
	CHECK(listen(s.lfd, 4) == 0);
	struct sockaddr_un me;
	socklen_t ml = sizeof(me);
	CHECK(getsockname(s.lfd, (struct sockaddr *)&me, &ml) == 0 && ml == s.len);
	CHECK(pthread_create(&t, NULL, server, &s) == 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&s.a, s.len) == 0, "connect: %s", strerror(errno));
	struct sockaddr_un p;
	socklen_t pl = sizeof(p);
	CHECK(getpeername(c, (struct sockaddr *)&p, &pl) == 0 && pl == s.len);
	CHECK(memcmp(&p, &s.a, pl) == 0);
	CHECK(write(c, "01234", 5) == 5);
	usleep(1000);
	CHECK(write(c, "56789", 5) == 5);
	CHECK(read(c, buf, sizeof(buf)) == 4 && memcmp(buf, "pong", 4) == 0);
	close(c);
	pthread_join(t, NULL);
	close(s.lfd);
	if (!abstract)
		unlink(s.a.sun_path);
	printf("stream %s ok\n", abstract ? "abstract" : "path");
}

static void dgram(void)
{
	struct sockaddr_un a, b, from;
	socklen_t al = mkaddr(&a, "dg", 0), fl;
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buf[64];

	CHECK(bind(r, (struct sockaddr *)&a, al) == 0);
	/* Unbound sender: the receiver sees no address. */
	CHECK(sendto(s, "one", 3, 0, (struct sockaddr *)&a, al) == 3);
	fl = sizeof(from);
	CHECK(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) == 3);
	CHECK(fl == 0, "unnamed sender len %u", fl);
	/* Autobind: bind with the family alone gives "\0" + 5 hex digits. */
	memset(&b, 0, sizeof(b));
	b.sun_family = AF_UNIX;
	CHECK(bind(s, (struct sockaddr *)&b, sizeof(sa_family_t)) == 0);
	fl = sizeof(b);
	CHECK(getsockname(s, (struct sockaddr *)&b, &fl) == 0);
	CHECK(fl == offsetof(struct sockaddr_un, sun_path) + 6, "autobind len %u", fl);
	CHECK(b.sun_path[0] == 0);
	for (int i = 1; i < 6; i++)
		CHECK(strchr("0123456789abcdef", b.sun_path[i]) != NULL);
	CHECK(sendto(s, "two!", 4, 0, (struct sockaddr *)&a, al) == 4);
	CHECK(sendto(s, "three", 5, 0, (struct sockaddr *)&a, al) == 5);
	int n = -1;
	CHECK(ioctl(r, FIONREAD, &n) == 0 && n == 4, "FIONREAD %d", n);
	CHECK(recv(r, buf, sizeof(buf), MSG_PEEK) == 4);
	fl = sizeof(from);
	CHECK(recvfrom(r, buf, 2, MSG_TRUNC, (struct sockaddr *)&from, &fl) == 4);
	CHECK(fl == offsetof(struct sockaddr_un, sun_path) + 6 && memcmp(&from, &b, fl) == 0);
	struct iovec iov = {buf, 2};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	CHECK(recvmsg(r, &mh, 0) == 2 && (mh.msg_flags & MSG_TRUNC));
	CHECK(recv(r, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN);
	/* connect by path: ENOENT when missing, ECONNREFUSED for a non-socket file. */
	struct sockaddr_un x;
	socklen_t xl = mkaddr(&x, "missing", 0);
	CHECK(connect(s, (struct sockaddr *)&x, xl) == -1 && errno == ENOENT);
	xl = mkaddr(&x, "plain", 0);
	int pf = open(x.sun_path, O_CREAT | O_WRONLY, 0600);
	CHECK(pf >= 0);
	close(pf);
	CHECK(connect(s, (struct sockaddr *)&x, xl) == -1 && errno == ECONNREFUSED);
	unlink(x.sun_path);
	CHECK(connect(s, (struct sockaddr *)&a, al) == 0);
	CHECK(send(s, "four", 4, 0) == 4);
	CHECK(recv(r, buf, sizeof(buf), 0) == 4);
	close(s);
	close(r);
	unlink(a.sun_path);
	printf("dgram ok\n");
}

static void seqpacket(void)
{
	int sv[2];
	char buf[64];

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	CHECK(send(sv[0], "abc", 3, 0) == 3);
	CHECK(send(sv[0], "defgh", 5, 0) == 5);
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 3);
	struct iovec iov = {buf, 2};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	CHECK(recvmsg(sv[1], &mh, 0) == 2 && (mh.msg_flags & MSG_TRUNC));
	CHECK(memcmp(buf, "de", 2) == 0);
	close(sv[0]);
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 0); /* EOF */
	close(sv[1]);
	printf("seqpacket ok\n");
}

static void rights(void)
{
	int sv[2], p[2];
	char buf[16], path[96];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(pipe(p) == 0);
	snprintf(path, sizeof(path), "%s/file", dir);
	int f = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(f >= 0);
	CHECK(write(f, "filedata", 8) == 8);
	int fds[2] = {p[1], f};
	union {
		char b[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {"x", 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.b,
			    .msg_controllen = sizeof(u.b)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	CHECK(sendmsg(sv[0], &mh, 0) == 1, "sendmsg: %s", strerror(errno));
	close(p[1]);
	close(f); /* in flight: the message holds both */
	memset(&u, 0, sizeof(u));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	mh.msg_controllen = sizeof(u.b);
	CHECK(recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC) == 1);
	CHECK(!(mh.msg_flags & MSG_CTRUNC));
	c = CMSG_FIRSTHDR(&mh);
	CHECK(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS);
	CHECK(c->cmsg_len == CMSG_LEN(sizeof(fds)));
	int got[2];
	memcpy(got, CMSG_DATA(c), sizeof(got));
	CHECK(fcntl(got[0], F_GETFD) == FD_CLOEXEC);
	CHECK(write(got[0], "via", 3) == 3);
	CHECK(read(p[0], buf, sizeof(buf)) == 3 && memcmp(buf, "via", 3) == 0);
	CHECK(pread(got[1], buf, 8, 0) == 8 && memcmp(buf, "filedata", 8) == 0);
	close(got[0]);
	close(got[1]);
	close(p[0]);
	/* A short control buffer: MSG_CTRUNC, the fds that did not fit are closed. */
	CHECK(pipe(p) == 0);
	fds[0] = p[0];
	fds[1] = p[1];
	iov.iov_base = "y";
	iov.iov_len = 1;
	mh.msg_control = u.b;
	mh.msg_controllen = sizeof(u.b);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	CHECK(sendmsg(sv[0], &mh, 0) == 1);
	close(p[0]);
	close(p[1]);
	char small[CMSG_SPACE(sizeof(int))];
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	mh.msg_control = small;
	mh.msg_controllen = CMSG_LEN(sizeof(int)); /* room for one fd */
	mh.msg_flags = 0;
	CHECK(recvmsg(sv[1], &mh, 0) == 1);
	CHECK(mh.msg_flags & MSG_CTRUNC);
	c = CMSG_FIRSTHDR(&mh);
	CHECK(c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)));
	int one;
	memcpy(&one, CMSG_DATA(c), sizeof(one));
	/* The write end was closed with the message: the pipe reads EOF. */
	CHECK(read(one, buf, sizeof(buf)) == 0);
	close(one);
	/* In-flight fds are closed when the socket goes with the message unread. */
	CHECK(pipe(p) == 0);
	fds[0] = p[1];
	mh.msg_control = u.b;
	mh.msg_controllen = CMSG_SPACE(sizeof(int));
	mh.msg_iov = &iov;
	iov.iov_base = "z";
	iov.iov_len = 1;
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), fds, sizeof(int));
	CHECK(sendmsg(sv[0], &mh, 0) == 1);
	close(p[1]);
	close(sv[1]);
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	close(p[0]);
	close(sv[0]);
	unlink(path);
	printf("scm_rights ok\n");
}

static void eof_epipe(void)
{
	int sv[2];
	char buf[8];

	signal(SIGPIPE, SIG_IGN);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(shutdown(sv[0], SHUT_WR) == 0);
	CHECK(read(sv[1], buf, sizeof(buf)) == 0);
	CHECK(write(sv[0], "x", 1) == -1 && errno == EPIPE);
	close(sv[1]);
	CHECK(send(sv[0], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	close(sv[0]);
	printf("eof/epipe ok\n");
}

static void readiness(void)
{
	int sv[2];
	char buf[8];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	struct pollfd pf = {sv[1], POLLIN | POLLOUT, 0};
	CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT, "revents %x", pf.revents);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = sv[1]};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev) == 0);
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0);
	CHECK(write(sv[0], "hi", 2) == 2);
	CHECK(epoll_wait(ep, &ev, 1, -1) == 1 && (ev.events & EPOLLIN));
	int n = -1;
	CHECK(ioctl(sv[1], FIONREAD, &n) == 0 && n == 2);
	CHECK(read(sv[1], buf, sizeof(buf)) == 2);
	close(sv[0]);
	pf.events = POLLIN;
	CHECK(poll(&pf, 1, -1) == 1 && (pf.revents & (POLLIN | POLLHUP)), "%x", pf.revents);
	CHECK(pf.revents & POLLHUP);
	close(ep);
	close(sv[1]);
	printf("poll/epoll ok\n");
}

/* Two clients (one bound, one not) connect to an abstract listener before any accept and
 * close at once: the accepted sockets still name them (accept and getpeername), and the
 * second connect is not refused by the first connection sharing the listener's name. */
static void closed_clients(void)
{
	struct sockaddr_un a, b, got;
	char lname[32], cname[32];
	snprintf(lname, sizeof(lname), "unix_sock.l.%d", (int)getpid());
	snprintf(cname, sizeof(cname), "unix_sock.c.%d", (int)getpid());
	socklen_t alen = mkaddr(&a, lname, 1), blen = mkaddr(&b, cname, 1), len;
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	int c2 = socket(AF_UNIX, SOCK_STREAM, 0);

	CHECK(l >= 0 && c1 >= 0 && c2 >= 0);
	CHECK(bind(l, (struct sockaddr *)&a, alen) == 0, "bind: %s", strerror(errno));
	CHECK(listen(l, 4) == 0);
	CHECK(bind(c1, (struct sockaddr *)&b, blen) == 0, "bind: %s", strerror(errno));
	CHECK(connect(c1, (struct sockaddr *)&a, alen) == 0, "connect 1: %s", strerror(errno));
	CHECK(connect(c2, (struct sockaddr *)&a, alen) == 0, "connect 2: %s", strerror(errno));
	close(c1);
	close(c2);
	len = sizeof(got);
	memset(&got, 0xff, sizeof(got));
	int s1 = accept(l, (struct sockaddr *)&got, &len);
	CHECK(s1 >= 0, "accept: %s", strerror(errno));
	CHECK(len == blen && memcmp(&got, &b, blen) == 0, "accept len %u", (unsigned)len);
	len = sizeof(got);
	memset(&got, 0xff, sizeof(got));
	CHECK(getpeername(s1, (struct sockaddr *)&got, &len) == 0, "%s", strerror(errno));
	CHECK(len == blen && memcmp(&got, &b, blen) == 0, "getpeername len %u", (unsigned)len);
	len = sizeof(got);
	memset(&got, 0xff, sizeof(got));
	int s2 = accept4(l, (struct sockaddr *)&got, &len, SOCK_CLOEXEC);
	CHECK(s2 >= 0, "accept4: %s", strerror(errno));
	CHECK(len == sizeof(sa_family_t) && got.sun_family == AF_UNIX, "len %u fam %d",
	      (unsigned)len, got.sun_family);
	len = sizeof(got);
	CHECK(getpeername(s2, (struct sockaddr *)&got, &len) == 0, "%s", strerror(errno));
	CHECK(len == sizeof(sa_family_t) && got.sun_family == AF_UNIX, "len %u", (unsigned)len);
	close(s1);
	close(s2);
	close(l);
	printf("closed clients ok\n");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/unix_sock.%d", (int)getpid());
	CHECK(mkdir(dir, 0700) == 0, "mkdir %s: %s", dir, strerror(errno));
	pairs();
	stream(0);
	stream(1);
	dgram();
	seqpacket();
	rights();
	eof_epipe();
	readiness();
	closed_clients();
	rmdir(dir);
	guest_pass("unix_sock");
	return 0;
}
