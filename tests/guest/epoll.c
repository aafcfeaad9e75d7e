/* epoll.c: epoll(7) edge cases: ctl errors (EEXIST, ENOENT, EPERM for regular files and
 * directories, EINVAL for the epoll fd itself and for EPOLLEXCLUSIVE misuse, ELOOP for a
 * cycle), level-triggered, EPOLLET and EPOLLONESHOT reporting, EPOLLHUP, maxevents, the
 * packed 12-byte struct, an item living while a dup of its file is open and going with
 * the last one, nested epoll, epoll_pwait2's timeout, and an epoll_wait in one thread
 * woken by a write in another. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

static int ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = {.events = events, .data.u64 = data};
	return epoll_ctl(ep, op, fd, &e);
}

static void *late_writer(void *arg)
{
	usleep(100000);
	CHECK(write(*(int *)arg, "w", 1) == 1);
	return NULL;
}

int main(int argc, char **argv)
{
	struct epoll_event ev[8];
	int ep, p[2], q[2], reg, dir, ep2;
	char b[8];

	(void)argc;
	CHECK(sizeof(struct epoll_event) == 12);
	CHECK(syscall(SYS_epoll_create, 0) == -1 && errno == EINVAL); /* musl skips the check */
	CHECK(epoll_create1(1) == -1 && errno == EINVAL);
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0 && fcntl(ep, F_GETFD) == FD_CLOEXEC);
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	reg = open(argv[0], O_RDONLY);
	dir = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(reg >= 0 && dir >= 0);
	CHECK(ctl(ep, EPOLL_CTL_ADD, reg, EPOLLIN, 0) == -1 && errno == EPERM);
	CHECK(ctl(ep, EPOLL_CTL_ADD, dir, EPOLLIN, 0) == -1 && errno == EPERM);
	CHECK(ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0) == -1 && errno == EINVAL);
	CHECK(ctl(ep, EPOLL_CTL_ADD, guest_closed_fd(999), EPOLLIN, 0) == -1 && errno == EBADF);
	CHECK(ctl(p[0], EPOLL_CTL_ADD, p[1], EPOLLIN, 0) == -1 && errno == EINVAL);
	CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN, 0) == -1 && errno == ENOENT);
	CHECK(ctl(ep, EPOLL_CTL_DEL, p[0], 0, 0) == -1 && errno == ENOENT);
	CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLPRI | EPOLLEXCLUSIVE, 0) == -1 &&
	      errno == EINVAL);
	CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1) == 0);
	CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1) == -1 && errno == EEXIST);
	CHECK(epoll_wait(ep, ev, 0, 0) == -1 && errno == EINVAL);
	CHECK(epoll_wait(p[0], ev, 8, 0) == -1 && errno == EINVAL);
	CHECK(epoll_wait(ep, ev, 8, 0) == 0);

	/* Level-triggered: reported until drained. */
	CHECK(write(p[1], "ab", 2) == 2);
	for (int i = 0; i < 2; i++) {
		CHECK(epoll_wait(ep, ev, 8, 0) == 1);
		CHECK(ev[0].events == EPOLLIN && ev[0].data.u64 == 1);
	}
	CHECK(read(p[0], b, sizeof(b)) == 2);
	CHECK(epoll_wait(ep, ev, 8, 0) == 0);
	/* Edge-triggered: once per new write. */
	CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLET, 2) == 0);
	CHECK(write(p[1], "c", 1) == 1);
	CHECK(epoll_wait(ep, ev, 8, 0) == 1 && ev[0].data.u64 == 2);
	CHECK(epoll_wait(ep, ev, 8, 0) == 0);
	CHECK(write(p[1], "d", 1) == 1);
	CHECK(epoll_wait(ep, ev, 8, 0) == 1);
	/* One-shot: disabled after one report until MOD. */
	CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 3) == 0);
	CHECK(epoll_wait(ep, ev, 8, 0) == 1 && ev[0].data.u64 == 3);
	CHECK(write(p[1], "e", 1) == 1);
	CHECK(epoll_wait(ep, ev, 8, 0) == 0);
	CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN, 4) == 0);
	CHECK(epoll_wait(ep, ev, 8, 0) == 1 && ev[0].data.u64 == 4);
	/* Two ready items, maxevents 1. */
	CHECK(ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT, 5) == 0);
	CHECK(epoll_wait(ep, ev, 8, 0) == 2);
	CHECK(epoll_wait(ep, ev, 1, 0) == 1);
	CHECK(ctl(ep, EPOLL_CTL_DEL, p[1], 0, 0) == 0);

	/* The item lives while a dup of the file is open, even after its fd is closed. */
	int d = dup(p[0]);
	CHECK(close(p[0]) == 0);
	CHECK(epoll_wait(ep, ev, 8, 0) == 1 && ev[0].data.u64 == 4);
	CHECK(close(p[1]) == 0);
	CHECK(epoll_wait(ep, ev, 8, 0) == 1 && (ev[0].events & EPOLLHUP), "%#x", ev[0].events);
	CHECK(close(d) == 0); /* last reference: the item goes */
	CHECK(epoll_wait(ep, ev, 8, 0) == 0);

	/* Nesting, a loop, and readiness through the inner instance. */
	ep2 = epoll_create1(0);
	int efd = eventfd(0, EFD_NONBLOCK);
	CHECK(ctl(ep2, EPOLL_CTL_ADD, efd, EPOLLIN, 6) == 0);
	CHECK(ctl(ep, EPOLL_CTL_ADD, ep2, EPOLLIN, 7) == 0);
	CHECK(ctl(ep2, EPOLL_CTL_ADD, ep, EPOLLIN, 0) == -1 && errno == ELOOP);
	CHECK(epoll_wait(ep, ev, 8, 0) == 0);
	CHECK(eventfd_write(efd, 1) == 0);
	CHECK(epoll_wait(ep, ev, 8, 0) == 1 && ev[0].data.u64 == 7);
	CHECK(epoll_wait(ep2, ev, 8, 0) == 1 && ev[0].data.u64 == 6);

	/* epoll_pwait2: a timeout is at least as long as asked. */
	struct timespec t0, t1, to = {0, 50000000};
	eventfd_t v;
	CHECK(eventfd_read(efd, &v) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(syscall(SYS_epoll_pwait2, ep, ev, 8, &to, NULL, 8) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 49, "%ld ms", ms);
	to.tv_nsec = 1000000000;
	CHECK(syscall(SYS_epoll_pwait2, ep, ev, 8, &to, NULL, 8) == -1 && errno == EINVAL);

	/* A thread blocked in epoll_wait is woken by another thread's write. */
	pthread_t t;
	CHECK(pipe(q) == 0);
	CHECK(ctl(ep2, EPOLL_CTL_ADD, q[0], EPOLLIN, 8) == 0);
	CHECK(pthread_create(&t, NULL, late_writer, &q[1]) == 0);
	CHECK(epoll_wait(ep2, ev, 8, -1) == 1 && ev[0].data.u64 == 8);
	CHECK(pthread_join(t, NULL) == 0);
	guest_pass("epoll");
	return 0;
}
