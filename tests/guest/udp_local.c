/* udp_local.c: UDP sockets on 127.0.0.1 within one program: datagram exchange with
 * sendto/recvfrom, send/recv on connected sockets, sendmsg/recvmsg, sendmmsg/recvmmsg,
 * poll and epoll readiness, MSG_PEEK, MSG_TRUNC, FIONREAD, ephemeral ports, EADDRINUSE
 * and SO_REUSEADDR, getpeername ENOTCONN, EDESTADDRREQ, EMSGSIZE, socket options, and
 * ECONNREFUSED after sending to a closed port on a connected socket, and drops when the
 * receive queue (SO_RCVBUF) is full. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "guest.h"

static struct sockaddr_in lo(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int udp(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0, "socket: %s", strerror(errno));
	return fd;
}

/* A socket bound to 127.0.0.1 on an ephemeral port; its port in *port. */
static int bound(uint16_t *port)
{
	int fd = udp();
	struct sockaddr_in a = lo(0);
	socklen_t len = sizeof(a);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "bind: %s", strerror(errno));
	CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	CHECK(len == sizeof(a) && a.sin_family == AF_INET);
	CHECK(a.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	*port = ntohs(a.sin_port);
	CHECK(*port >= 32768 && *port <= 60999, "ephemeral port %u", *port);
	return fd;
}

static void errors(void)
{
	errno = 0;
	int s6 = socket(AF_INET6, SOCK_DGRAM, 0); /* isle has no IPv6 yet */
	CHECK(s6 >= 0 || errno == EAFNOSUPPORT);
	if (s6 >= 0)
		close(s6);
	int sv[2];
	CHECK(socketpair(AF_INET, SOCK_DGRAM, 0, sv) < 0 && errno == EOPNOTSUPP);
	int fd = udp();
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	CHECK(getpeername(fd, (struct sockaddr *)&peer, &len) < 0 && errno == ENOTCONN);
	CHECK(send(fd, "x", 1, 0) < 0 && errno == EDESTADDRREQ);
	struct sockaddr_in far = {.sin_family = AF_INET, .sin_port = htons(9)};
	far.sin_addr.s_addr = htonl(0xc0000201); /* 192.0.2.1 (TEST-NET-1): not ours */
	CHECK(bind(fd, (struct sockaddr *)&far, sizeof(far)) < 0 && errno == EADDRNOTAVAIL);
	static char big[65508];
	struct sockaddr_in to = lo(9);
	CHECK(sendto(fd, big, sizeof(big), 0, (struct sockaddr *)&to, sizeof(to)) < 0 &&
	      errno == EMSGSIZE);
	int v = 0;
	CHECK(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v)) < 0 && errno == ENOPROTOOPT);
	socklen_t vl = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl) == 0 && v == SOCK_DGRAM);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &vl) == 0 && v == AF_INET);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0 && v == IPPROTO_UDP);
	CHECK(getsockopt(fd, IPPROTO_IP, IP_TTL, &v, &vl) == 0 && v == 64);
	v = 4096;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &vl) == 0 && v == 8192, "rcvbuf %d", v);
	close(fd);
}

static void addrinuse(void)
{
	uint16_t port;
	int a = bound(&port), b = udp();
	struct sockaddr_in addr = lo(port);
	CHECK(bind(b, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno == EADDRINUSE);
	CHECK(bind(a, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno == EINVAL);
	close(a);
	close(b);
	/* Both with SO_REUSEADDR may share. */
	int one = 1;
	a = udp();
	b = udp();
	CHECK(setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	CHECK(setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	CHECK(bind(a, (struct sockaddr *)&addr, sizeof(addr)) == 0, "%s", strerror(errno));
	CHECK(bind(b, (struct sockaddr *)&addr, sizeof(addr)) == 0, "%s", strerror(errno));
	close(a);
	close(b);
}

static void exchange(void)
{
	uint16_t pa, pb;
	int a = bound(&pa), b = bound(&pb);
	struct sockaddr_in to = lo(pb), from;
	socklen_t flen = sizeof(from);
	char buf[64];
	struct pollfd p = {.fd = b, .events = POLLIN | POLLOUT};

	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "revents %#x", p.revents);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev) == 0);
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0);

	CHECK(sendto(a, "hello world", 11, 0, (struct sockaddr *)&to, sizeof(to)) == 11);
	CHECK(poll(&p, 1, -1) == 1 && (p.revents & POLLIN));
	CHECK(epoll_wait(ep, &ev, 1, -1) == 1 && ev.data.u32 == 7 && (ev.events & EPOLLIN));
	int n = -1;
	CHECK(ioctl(b, FIONREAD, &n) == 0 && n == 11, "FIONREAD %d", n);
	CHECK(recv(b, buf, 5, MSG_PEEK) == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK(recv(b, buf, 5, MSG_PEEK | MSG_TRUNC) == 11);
	/* recvmsg reports the truncation in msg_flags; the rest of the datagram is gone. */
	struct iovec iov = {buf, 5};
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1};
	CHECK(recvmsg(b, &mh, 0) == 5 && (mh.msg_flags & MSG_TRUNC));
	CHECK(mh.msg_namelen == sizeof(from) && ntohs(from.sin_port) == pa);
	CHECK(from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	CHECK(ioctl(b, FIONREAD, &n) == 0 && n == 0);
	CHECK(recv(b, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN);

	/* Zero-length datagram, then a reply through a connected socket. */
	CHECK(sendto(a, "", 0, 0, (struct sockaddr *)&to, sizeof(to)) == 0);
	CHECK(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 0);
	CHECK(connect(b, (struct sockaddr *)&from, flen) == 0);
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	CHECK(getpeername(b, (struct sockaddr *)&peer, &plen) == 0 && ntohs(peer.sin_port) == pa);
	CHECK(send(b, "pong", 4, 0) == 4);
	CHECK(read(a, buf, sizeof(buf)) == 4 && memcmp(buf, "pong", 4) == 0);

	/* sendmmsg / recvmmsg. */
	struct mmsghdr mm[3];
	struct iovec iv[3];
	char bufs[3][8];
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 3; i++) {
		iv[i].iov_base = (void *)"abc";
		iv[i].iov_len = (size_t)i + 1;
		mm[i].msg_hdr.msg_iov = &iv[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &to;
		mm[i].msg_hdr.msg_namelen = sizeof(to);
	}
	CHECK(sendmmsg(a, mm, 3, 0) == 3);
	for (int i = 0; i < 3; i++) {
		iv[i].iov_base = bufs[i];
		iv[i].iov_len = sizeof(bufs[i]);
		mm[i].msg_hdr.msg_name = NULL;
		mm[i].msg_hdr.msg_namelen = 0;
	}
	/* b is connected to a: everything from a reaches it. */
	int got = 0;
	while (got < 3) {
		int r = recvmmsg(b, mm + got, (unsigned)(3 - got), MSG_WAITFORONE, NULL);
		CHECK(r > 0, "recvmmsg: %s", strerror(errno));
		got += r;
	}
	for (int i = 0; i < 3; i++)
		CHECK(mm[i].msg_len == (unsigned)i + 1, "msg %d len %u", i, mm[i].msg_len);
	/* The timeout is checked after each datagram: a zero one stops after the first, and
	 * the time left (none) is written back; without MSG_WAITFORONE and no timeout,
	 * MSG_DONTWAIT takes what is queued. */
	for (int i = 0; i < 3; i++) {
		iv[i].iov_base = (void *)"abc";
		iv[i].iov_len = (size_t)i + 1;
		mm[i].msg_hdr.msg_name = &to;
		mm[i].msg_hdr.msg_namelen = sizeof(to);
	}
	CHECK(sendmmsg(a, mm, 3, 0) == 3);
	for (int i = 0; i < 3; i++) {
		iv[i].iov_base = bufs[i];
		iv[i].iov_len = sizeof(bufs[i]);
		mm[i].msg_hdr.msg_name = NULL;
		mm[i].msg_hdr.msg_namelen = 0;
	}
	struct timespec zero = {0, 0};
	CHECK(recvmmsg(b, mm, 3, 0, &zero) == 1 && mm[0].msg_len == 1);
	CHECK(zero.tv_sec == 0 && zero.tv_nsec == 0);
	struct timespec badts = {0, 1000000000};
	CHECK(recvmmsg(b, mm, 3, 0, &badts) == -1 && errno == EINVAL);
	CHECK(recvmmsg(b, mm, 3, MSG_DONTWAIT, NULL) == 2);
	CHECK(mm[0].msg_len == 2 && mm[1].msg_len == 3);
	CHECK(recvmmsg(b, mm, 3, MSG_DONTWAIT, NULL) == -1 && errno == EAGAIN);

	/* Disconnect with AF_UNSPEC. */
	struct sockaddr un = {.sa_family = AF_UNSPEC};
	CHECK(connect(b, &un, sizeof(un)) == 0);
	plen = sizeof(peer);
	CHECK(getpeername(b, (struct sockaddr *)&peer, &plen) < 0 && errno == ENOTCONN);
	close(ep);
	close(a);
	close(b);
}

static void refused(void)
{
	uint16_t closed;
	int c = bound(&closed);
	close(c); /* nobody listens on closed now */
	int fd = udp();
	struct sockaddr_in to = lo(closed);
	char buf[8];
	CHECK(connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0);
	CHECK(send(fd, "x", 1, 0) == 1);
	/* The port unreachable comes back asynchronously: the blocking recv returns it. */
	CHECK(recv(fd, buf, sizeof(buf), 0) < 0 && errno == ECONNREFUSED, "%s", strerror(errno));
	int err = -1;
	socklen_t el = sizeof(err);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0);
	close(fd);
}

static void timeout(void)
{
	uint16_t port;
	int fd = bound(&port);
	struct timeval tv = {0, 50000};
	char buf[4];
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
	CHECK(recv(fd, buf, sizeof(buf), 0) < 0 && errno == EAGAIN);
	close(fd);
}

/* A small SO_RCVBUF: a burst overflows the queue and the excess is dropped. */
static void overflow(void)
{
	uint16_t pa, pb;
	int a = bound(&pa), b = bound(&pb);
	int v = 4096;
	static char buf[1000];
	struct sockaddr_in to = lo(pb);
	CHECK(setsockopt(b, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
	for (int i = 0; i < 50; i++)
		CHECK(sendto(a, buf, sizeof(buf), 0, (struct sockaddr *)&to, sizeof(to)) == 1000,
		      "sendto %d: %s", i, strerror(errno));
	int got = 0;
	CHECK(recv(b, buf, sizeof(buf), 0) == 1000);
	for (got = 1; recv(b, buf, sizeof(buf), MSG_DONTWAIT) == 1000; got++)
		;
	CHECK(errno == EAGAIN);
	CHECK(got < 50, "all %d datagrams fit in SO_RCVBUF", got);
	close(a);
	close(b);
}

int main(void)
{
	errors();
	addrinuse();
	exchange();
	refused();
	timeout();
	overflow();
	guest_pass("udp_local");
	return 0;
}
