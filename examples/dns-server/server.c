/* server.c: the DNS server's main loop. One thread, one epoll set: a UDP socket and a
 * TCP listener on the same port (IPv4, any address), at most MAX_CONNS TCP connections,
 * each carrying any number of length-prefixed queries (RFC 7766 6.2) answered in order,
 * closed after IDLE_MS without traffic. A connection is read only when its previous
 * answer has gone out, which bounds its memory to one message each way.
 * Usage: dns-server [PORT [ZONEFILE]]  (defaults 53 and /zone/example.zone). */
#include "dns.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
#define IDLE_MS 10000
#define UDP_BATCH 64

struct conn {
	int fd; /* -1: free slot */
	uint64_t last;
	uint8_t in[2 + DNS_TCP_MAX];
	size_t inlen;
	uint8_t out[2 + DNS_TCP_MAX];
	size_t outlen, outoff;
};

static struct dns_zone zone;
static struct conn conns[MAX_CONNS];
static int ep;
static volatile sig_atomic_t stop;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
	stop = 1;
}

static int open_socket(int type, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1;
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 128) < 0)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void serve_udp(int fd)
{
	static uint8_t in[DNS_TCP_MAX], out[DNS_UDP_MAX];
	for (int i = 0; i < UDP_BATCH; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, in, sizeof in, 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return; /* EAGAIN, or an error the next datagram will not have */
		size_t r = dns_answer(&zone, in, (size_t)n, out, sizeof out, 0);
		if (r)
			sendto(fd, out, r, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&from,
			       fl);
	}
}

static void conn_close(struct conn *c)
{
	close(c->fd); /* also leaves the epoll set */
	c->fd = -1;
}

static void conn_watch(struct conn *c, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};
	if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		conn_close(c);
}

/* Answer the first complete message in c->in into c->out. 0 when a message was taken,
 * 1 when more bytes are needed, -1 when the connection must go. */
static int conn_take(struct conn *c)
{
	if (c->inlen < 2)
		return 1;
	size_t mlen = ((size_t)c->in[0] << 8) | c->in[1];
	if (mlen < DNS_HDR_LEN)
		return -1; /* cannot even carry a header: nothing sensible to answer */
	if (c->inlen < 2 + mlen)
		return 1;
	size_t r = dns_answer(&zone, c->in + 2, mlen, c->out + 2, DNS_TCP_MAX, 1);
	memmove(c->in, c->in + 2 + mlen, c->inlen - 2 - mlen);
	c->inlen -= 2 + mlen;
	c->out[0] = (uint8_t)(r >> 8);
	c->out[1] = (uint8_t)r;
	c->outlen = r ? r + 2 : 0;
	c->outoff = 0;
	return 0;
}

static void conn_event(struct conn *c, uint32_t events)
{
	c->last = now_ms();
	for (;;) {
		while (c->outoff < c->outlen) {
			ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
					 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && errno == EAGAIN) {
				conn_watch(c, EPOLLOUT);
				return;
			}
			if (n <= 0) {
				conn_close(c);
				return;
			}
			c->outoff += (size_t)n;
		}
		c->outlen = c->outoff = 0;
		int t = conn_take(c);
		if (t < 0) {
			conn_close(c);
			return;
		}
		if (t == 0)
			continue;
		ssize_t n = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN) {
			conn_watch(c, EPOLLIN);
			return;
		}
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->inlen += (size_t)n;
	}
}

static void accept_conns(int lfd)
{
	for (int k = 0; k < MAX_CONNS; k++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct conn *c = NULL;
		for (int i = 0; i < MAX_CONNS && !c; i++)
			if (conns[i].fd < 0)
				c = &conns[i];
		if (!c) {
			close(fd); /* full: the client retries or goes elsewhere */
			continue;
		}
		c->fd = fd;
		c->inlen = c->outlen = c->outoff = 0;
		c->last = now_ms();
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			conn_close(c);
	}
}

static void expire_idle(void)
{
	uint64_t t = now_ms();
	for (int i = 0; i < MAX_CONNS; i++)
		if (conns[i].fd >= 0 && t - conns[i].last >= IDLE_MS)
			conn_close(&conns[i]);
}

static int parse_port(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 65535)
		return -1;
	return (int)v;
}

int main(int argc, char **argv)
{
	static char err[512];
	static int udp_tag, tcp_tag;
	const char *path = argc > 2 ? argv[2] : "/zone/example.zone";
	int port = argc > 1 ? parse_port(argv[1]) : 53;

	if (argc > 3 || port < 0) {
		fprintf(stderr, "usage: dns-server [PORT [ZONEFILE]]: PORT is 1 to 65535%s%s\n",
			argc > 1 && port < 0 ? ", not " : "", argc > 1 && port < 0 ? argv[1] : "");
		return 2;
	}
	if (dns_zone_load(&zone, path, err, sizeof err) < 0) {
		fprintf(stderr, "dns-server: %s\n", err);
		return 1;
	}
	int ufd = open_socket(SOCK_DGRAM, port);
	int tfd = ufd < 0 ? -1 : open_socket(SOCK_STREAM, port);
	if (ufd < 0 || tfd < 0) {
		fprintf(stderr, "dns-server: port %d (%s): %s\n", port, ufd < 0 ? "udp" : "tcp",
			strerror(errno));
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ue = {.events = EPOLLIN, .data.ptr = &udp_tag};
	struct epoll_event te = {.events = EPOLLIN, .data.ptr = &tcp_tag};
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ufd, &ue) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &te) < 0) {
		fprintf(stderr, "dns-server: epoll: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < MAX_CONNS; i++)
		conns[i].fd = -1;
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	char origin[1024];
	dns_name_to_text(zone.origin, origin, sizeof origin);
	fprintf(stderr, "dns-server: serving %s (%zu records from %s) on port %d udp+tcp\n", origin,
		zone.n, path, port);

	while (!stop) {
		struct epoll_event ev[64];
		int n = epoll_wait(ep, ev, 64, 1000);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "dns-server: epoll_wait: %s\n", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].data.ptr == &udp_tag)
				serve_udp(ufd);
			else if (ev[i].data.ptr == &tcp_tag)
				accept_conns(tfd);
			else if (((struct conn *)ev[i].data.ptr)->fd >= 0)
				conn_event(ev[i].data.ptr, ev[i].events);
		}
		expire_idle();
	}
	fprintf(stderr, "dns-server: stopping\n");
	dns_zone_free(&zone);
	return 0;
}
