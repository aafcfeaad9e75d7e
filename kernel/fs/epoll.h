/* epoll.h: epoll instances (epoll(7)): an anonymous file holding a set of watched
 * (file, fd) items and a ready list. Each item hooks a callback waiter onto every wait
 * queue its file's poll op names; a wake-up whose events match puts the item on the ready
 * list and wakes one epoll_wait sleeper and everything polling the epoll file itself
 * (nested epoll). epoll_wait polls each ready item again before reporting it: level-
 * triggered items go back on the list, EPOLLET items do not, EPOLLONESHOT items are
 * disabled until EPOLL_CTL_MOD. An item disappears when the last reference to its open
 * file goes (not when one fd is closed), as in Linux.
 *
 * Locking: BKL; the ready list is also changed by wake-ups from interrupt handlers, so
 * it is touched with interrupts off. */
#ifndef ISLE_FS_EPOLL_H
#define ISLE_FS_EPOLL_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/file.h"

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

#define EPOLLIN 0x001u
#define EPOLLPRI 0x002u
#define EPOLLOUT 0x004u
#define EPOLLERR 0x008u
#define EPOLLHUP 0x010u
#define EPOLLRDHUP 0x2000u
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)
#define EPOLL_CLOEXEC O_CLOEXEC

#define EPOLL_MAX_NESTS 4 /* epoll instances inside epoll instances */

/* The program's struct epoll_event: packed on x86-64 (12 bytes). */
struct epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));
_Static_assert(sizeof(struct epoll_event) == 12, "epoll_event is packed on x86-64");

/* A new, empty epoll file (one reference): 0 or -ENOMEM. */
int epoll_create_file(struct file **out);
bool epoll_is(const struct file *f);

/* epoll_ctl on ep (an epoll file) for target open on fd; ev is ignored for
 * EPOLL_CTL_DEL. Returns 0 or -EINVAL (ep is not an epoll file, target is ep, bad op,
 * bad EPOLLEXCLUSIVE use), -EPERM (target cannot be polled: regular files, directories),
 * -EEXIST, -ENOENT, -ELOOP (a cycle or nesting too deep), -ENOMEM. */
int epoll_ctl_file(struct file *ep, int op, int fd, struct file *target,
		   const struct epoll_event *ev);

/* Wait until an item is ready or deadline_ns (poll.h's POLL_FOREVER / POLL_NOW or a
 * CLOCK_MONOTONIC time); fill at most max events. Returns the count (0 at the deadline),
 * -EINTR (a signal: never restarted), -EINVAL (not an epoll file). */
int epoll_wait_file(struct file *ep, struct epoll_event *out, int max, uint64_t deadline_ns);

#endif
