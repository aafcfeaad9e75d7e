/* socket.h: the generic sockets layer. A socket is an anonymous file (fs/anonfile.h) whose
 * file_ops delegate to a struct sock_ops chosen by (family, type, protocol): inet_dgram.c
 * for AF_INET UDP now; AF_INET TCP and AF_UNIX plug in by adding a family entry in
 * socket.c (sock_create) and their own sock_ops. This layer owns what every family shares:
 * the socket-level options (SOL_SOCKET), the pending error (SO_ERROR), shutdown state,
 * timeouts, and the wait queue that poll, epoll and blocking calls sleep on.
 * Buffers in struct kmsg are kernel memory; sys_socket.c copies program memory.
 * Locking: BKL (protocol input runs from net_rx_poll, in thread context, holding it). */
#ifndef ISLE_NET_SOCKET_H
#define ISLE_NET_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched/wait.h"

struct file;
struct poll_table;

/* Linux x86-64 ABI values. */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17
#define AF_MAX 46

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000

#define SOL_SOCKET 1
#define SOL_IP 0
#define SOL_IPV6 41
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define IP_TOS 1
#define IP_TTL 2
#define IPV6_V6ONLY 26

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_WAITFORONE 0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
#define SOCK_SHUT_RD 1u /* struct sock.shut bits */
#define SOCK_SHUT_WR 2u

#define SOCK_ADDR_MAX 128 /* sizeof(struct sockaddr_storage) */

/* One send or receive: the data, and the address (in for send: namelen 0 = the default
 * peer; out for receive: filled by the protocol, namelen set). */
struct kmsg {
	void *buf;
	size_t len;
	uint8_t name[SOCK_ADDR_MAX];
	uint32_t namelen;
	unsigned flags_out; /* MSG_TRUNC, ... for recvmsg's msg_flags */
	/* Ancillary data (struct cmsghdr records, kernel copy). send: controllen bytes given;
	 * receive: controllen bytes of room, the protocol sets control_used (MSG_CTRUNC in
	 * flags_out when something did not fit). */
	void *control;
	uint32_t controllen, control_used;
};

struct sock;

/* Per-protocol operations. Each returns 0 / a count or a negative errno; NULL entries
 * answer as Linux does for protocols without them (-EOPNOTSUPP). addr buffers are kernel
 * copies of at most SOCK_ADDR_MAX bytes. */
struct sock_ops {
	int (*bind)(struct sock *s, const void *addr, uint32_t len);
	int (*connect)(struct sock *s, const void *addr, uint32_t len);
	int (*listen)(struct sock *s, int backlog);
	int (*accept)(struct sock *s, struct sock **out);
	/* Our address (peer false) or the peer's: fills addr (SOCK_ADDR_MAX bytes), sets *len. */
	int (*getname)(struct sock *s, void *addr, uint32_t *len, bool peer);
	long (*sendmsg)(struct sock *s, struct kmsg *m, unsigned flags);
	long (*recvmsg)(struct sock *s, struct kmsg *m, unsigned flags);
	int (*shutdown)(struct sock *s, unsigned how); /* SOCK_SHUT_* bits already set */
	/* Options other than the generic SOL_SOCKET ones; -ENOPROTOOPT when unknown. */
	int (*setsockopt)(struct sock *s, int level, int name, const void *val, uint32_t len);
	int (*getsockopt)(struct sock *s, int level, int name, void *val, uint32_t *len);
	long (*ioctl)(struct sock *s, unsigned req, uint64_t arg);
	unsigned (*poll)(struct sock *s); /* events besides POLLERR/POLLHUP from this layer */
	void (*release)(struct sock *s);  /* last file reference gone: free s->proto */
	/* An option changed that the protocol caches (SO_REUSEADDR, SO_BROADCAST, ...). */
	void (*opt_changed)(struct sock *s);
};

struct sock {
	const struct sock_ops *ops;
	int family, type, protocol;
	struct file *file;    /* not held: the file holds the sock */
	struct wait_queue wq; /* readiness changes: wake with POLLIN/POLLOUT/POLLERR */
	int error;	      /* pending SO_ERROR (positive errno), 0 when none */
	unsigned shut;	      /* SOCK_SHUT_* */
	uint32_t rcvbuf, sndbuf;
	uint64_t rcvtimeo_ns, sndtimeo_ns; /* 0 = forever */
	bool reuseaddr, reuseport, broadcast, keepalive;
	uint64_t drops; /* datagrams dropped (receive queue full) */
	void *proto;	/* the protocol's state */
};

/* Defaults as a Linux 5.x/6.x host reports them (getsockopt gives the doubled value). */
#define SOCK_RMEM_DEFAULT 212992u
#define SOCK_RMEM_MAX 212992u
#define SOCK_MIN_RCVBUF 2304u
#define SOCK_MIN_SNDBUF 4608u

/* socket(2): a new socket file. type may carry SOCK_NONBLOCK (SOCK_CLOEXEC is the
 * caller's). -EAFNOSUPPORT, -EPROTONOSUPPORT, -ESOCKTNOSUPPORT, -EINVAL, -ENOMEM. */
int sock_create(int family, int type, int protocol, struct file **out);
/* Wrap an allocated sock in a new socket file (flags: SOCK_NONBLOCK); sets s->file. On
 * failure s is still the caller's. Used by accept and socketpair. */
int sock_file_new(struct sock *s, int flags, struct file **out);
/* The sock of a file, NULL when it is not a socket (-ENOTSOCK for the caller). */
struct sock *sock_of(struct file *f);

int sock_setsockopt(struct sock *s, int level, int name, const void *val, uint32_t len);
/* *len in: room in val (at most SOCK_ADDR_MAX); out: bytes filled. */
int sock_getsockopt(struct sock *s, int level, int name, void *val, uint32_t *len);
int sock_shutdown(struct sock *s, int how);
/* Take the pending error (as a negative errno), 0 when none. */
int sock_take_error(struct sock *s);
/* Record an asynchronous error (positive errno) and wake the waiters with POLLERR. */
void sock_set_error(struct sock *s, int err);
/* Block on q until ready(arg) is true: 0; -EAGAIN when nonblocking or at the timeout
 * (timeout_ns 0 = forever), -ERESTARTSYS when a signal came. Woken by wakes with any of
 * events, POLLERR or POLLHUP. sock_wait is the same on s->wq with ready(s). */
int sock_wait_on(struct wait_queue *q, bool (*ready)(void *arg), void *arg, bool nonblock,
		 uint64_t timeout_ns, unsigned events);
int sock_wait(struct sock *s, bool (*ready)(struct sock *s), bool nonblock, uint64_t timeout_ns,
	      unsigned events);
/* Should a call on s with these MSG_ flags fail with EAGAIN rather than block
 * (MSG_DONTWAIT or O_NONBLOCK on the file)? */
bool sock_nonblock(const struct sock *s, unsigned flags);

/* AF_UNIX (unix.c): socket(2) and socketpair(2) for every type. */
int unix_sock_create(int type, int protocol, struct file **out);
int unix_socketpair(int type, int protocol, struct file **a, struct file **b);

/* AF_INET SOCK_DGRAM (inet_dgram.c). */
int inet_dgram_create(struct sock *s);
/* AF_INET SOCK_STREAM (inet_stream.c, TCP). */
int inet_stream_create(struct sock *s);

#endif
