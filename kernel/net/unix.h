/* unix.h: AF_UNIX sockets, internal to unix.c (names, connections, lifetime) and
 * unix_io.c (queues, send/receive, SCM_RIGHTS, poll). A usock is the protocol state of one
 * sock; stream and seqpacket sockets are connected in pairs (peer both ways), datagram
 * sockets point at a default destination. A receive queue is a list of unix_msg records
 * charged against the receiver (bytes and a count). Locking: the BKL. */
#ifndef ISLE_NET_UNIX_H
#define ISLE_NET_UNIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/socket.h"
#include "sched/wait.h"

#define UNIX_PATH_MAX 108
#define UNIX_ADDR_MAX (2 + UNIX_PATH_MAX) /* sizeof(struct sockaddr_un) */
#define UNIX_MAX_FD 253			  /* SCM_MAX_FD: fds in one SCM_RIGHTS message */
#define UNIX_INFLIGHT_MAX 4096		  /* files in flight in all queues together */
#define UNIX_DGRAM_QLEN 512		  /* net.unix.max_dgram_qlen */
#define UNIX_BACKLOG_MAX 4096		  /* net.core.somaxconn */

struct inode;

/* A socket address: the sockaddr_un bytes (family included) and their Linux length;
 * len 0 = unnamed. */
struct unix_addr {
	uint32_t len;
	uint8_t b[UNIX_ADDR_MAX + 1];
};

/* Parse a bind/connect address (len bytes of sockaddr_un): 0 and the canonical form
 * (paths cut at their NUL, len = offsetof(sun_path) + strlen + 1; abstract names keep
 * their length); *autobind set when the address is the family alone. -EINVAL. */
int unix_addr_parse(const void *addr, uint32_t len, struct unix_addr *out, bool *autobind);
/* The autobind name for counter n: "\0" + 5 lowercase hex digits, length 8. */
void unix_addr_auto(uint32_t n, struct unix_addr *out);
bool unix_addr_is_path(const struct unix_addr *a);

struct unix_msg {
	struct unix_msg *next;
	size_t len, off;   /* data bytes; consumed (stream reads) */
	struct file **fds; /* SCM_RIGHTS files (held), NULL when none */
	unsigned nfds;
	struct unix_addr from; /* the sender's name (recvfrom), len 0 when unnamed */
	uint8_t data[];
};

enum unix_state { US_UNCONN, US_LISTEN, US_CONNECTED };

struct usock {
	struct sock *s;
	struct usock *peer; /* connected peer / default destination, not held */
	enum unix_state state;
	bool peer_gone; /* the connected peer was released (EOF, EPIPE, ECONNREFUSED) */
	bool passcred;
	struct unix_addr addr;
	bool named; /* bind/autobind gave it addr (accepted socks only share the listener's) */
	struct unix_addr gone_addr; /* the released stream peer's name (getpeername) */
	struct inode *inode;	    /* held: the socket file a path bind created */
	struct unix_msg *head, *tail;
	size_t queued; /* unread bytes */
	unsigned nmsgs;
	/* Listening: connections not yet accepted (embryo socks, connected to clients). */
	struct usock *acc_head, *acc_tail, *acc_next;
	int backlog;
	unsigned nacc;
	struct usock *all_next; /* every usock (unix.c) */
};

/* Lifetime and names (unix.c). */
struct usock *unix_of(struct sock *s);
extern struct wait_queue unix_space_wq;		       /* queues drained, listeners freed: retry */
void unix_peer_wake(struct usock *u, unsigned events); /* wake socks whose peer is u */
int unix_autobind(struct usock *u);
/* The bound socket of an address of socket type type: -ECONNREFUSED, -ENOENT, ... */
int unix_find(const struct unix_addr *a, int type, struct usock **out);

/* Queues and data (unix_io.c). */
long unix_sendmsg(struct sock *s, struct kmsg *m, unsigned flags);
long unix_recvmsg(struct sock *s, struct kmsg *m, unsigned flags);
unsigned unix_poll(struct sock *s);
long unix_ioctl(struct sock *s, unsigned req, uint64_t arg);
void unix_purge(struct usock *u); /* free the receive queue, dropping in-flight files */

#endif
