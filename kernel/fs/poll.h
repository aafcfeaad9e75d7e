/* poll.h: readiness of open files, the contract between files that can block (pipes,
 * eventfd, the console, epoll, signalfd, timerfd, later sockets) and the waiters (poll,
 * select, epoll, blocking reads). A file's poll op reports its current events and, when
 * given a poll table, registers the table's waiter on each wait queue whose wake-up may
 * change them (poll_wait). Files wake those queues with the events that became true
 * (waitq_wake_all(q, POLLIN | ...)), or 0 when they cannot tell.
 *
 * Locking: BKL. */
#ifndef ISLE_FS_POLL_H
#define ISLE_FS_POLL_H

#include <stdbool.h>
#include <stdint.h>

/* Event bits (Linux values; EPOLL* are the same bits). */
#define POLLIN 0x001u
#define POLLPRI 0x002u
#define POLLOUT 0x004u
#define POLLERR 0x008u
#define POLLHUP 0x010u
#define POLLNVAL 0x020u
#define POLLRDNORM 0x040u
#define POLLRDBAND 0x080u
#define POLLWRNORM 0x100u
#define POLLWRBAND 0x200u
#define POLLMSG 0x400u
#define POLLRDHUP 0x2000u

struct file;
struct wait_queue;
/* Owned by the waiter (fs/poll.c, fs/epoll.c): queue() puts one of its waiters on q. */
struct poll_table {
	void (*queue)(struct poll_table *pt, struct wait_queue *q);
};

/* Register pt's waiter on q (no-op when pt is NULL). */
void poll_wait(struct poll_table *pt, struct wait_queue *q);

/* Events of f now, registering pt (may be NULL). Files without a poll op are always
 * ready for reading and writing (regular files, as Linux). */
unsigned vfs_poll(struct file *f, struct poll_table *pt);
/* Does f have a poll op (epoll refuses the others with -EPERM)? */
bool vfs_file_pollable(const struct file *f);

/* poll(2)/select(2) for the syscalls (kernel copies of the program's arrays). deadline_ns
 * is CLOCK_MONOTONIC; POLL_FOREVER waits without limit, POLL_NOW does not wait. Each
 * returns the count of ready entries (0 at the deadline), or -EINTR when a signal came
 * first (the caller turns it into -ERESTARTNOHAND), -EBADF (select: a closed fd in a
 * set), -ENOMEM. */
#define POLL_FOREVER 0ull
#define POLL_NOW 1ull
struct kpollfd {
	int32_t fd;
	int16_t events, revents;
};
int vfs_poll_fds(struct kpollfd *fds, unsigned nfds, uint64_t deadline_ns);
/* Sets of nfds bits (in: read, write, except; NULL = empty), replaced by the ready bits. */
int vfs_select(unsigned nfds, uint64_t *in, uint64_t *out, uint64_t *ex, uint64_t deadline_ns);

#endif
