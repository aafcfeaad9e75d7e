/* test_events.c: pipes, eventfd, epoll and poll through the VFS (kernel/fs/pipe.c,
 * pipe_ring.c, eventfd.c, epoll.c, poll.c), single-threaded over wait queues that never
 * block (events_fakes.c): a wait that nothing satisfies returns as if a signal came, so
 * blocking paths show up as -ERESTARTSYS / -EINTR. Checks the pipe ring's wrap and move,
 * PIPE_BUF atomicity, EOF, EPIPE with SIGPIPE, eventfd's counter rules, epoll's level,
 * edge and one-shot reporting, removal when the last file reference goes, nesting and
 * loops, and poll's POLLNVAL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "fs/epoll.h"
#include "fs/eventfd.h"
#include "fs/fdtable.h"
#include "fs/pipe.h"
#include "fs/pipe_ring.h"
#include "fs/poll.h"
#include "fs/tmpfs.h"
#include "mm_fakes.h"

extern int fake_last_signal;

static int setup(void **state)
{
	fake_ram_init(0x100000, 16 << 20);
	vfs_mount_root(tmpfs_create(0755));
	vfs_namei_init();
	return 0;
}

static void test_ring(void **state)
{
	uint8_t buf[8], out[8];
	struct pipe_ring r;
	uint8_t big[16], *old;

	pipe_ring_init(&r, buf, 8);
	r.head = r.tail = UINT32_MAX - 2; /* counters wrap during the test */
	assert_int_equal(pipe_ring_put(&r, "abcdef", 6), 6);
	assert_int_equal(pipe_ring_get(&r, out, 4), 4);
	assert_memory_equal(out, "abcd", 4);
	assert_int_equal(pipe_ring_put(&r, "ghijklmn", 8), 6); /* wraps; 2 did not fit */
	assert_int_equal(pipe_ring_used(&r), 8);
	assert_int_equal(pipe_ring_space(&r), 0);
	assert_int_equal(pipe_ring_move(&r, big, 4, &old), -EBUSY);
	assert_int_equal(pipe_ring_move(&r, big, 16, &old), 0);
	assert_ptr_equal(old, buf);
	assert_int_equal(pipe_ring_get(&r, out, 8), 8);
	assert_memory_equal(out, "efghijkl", 8);
	assert_int_equal(pipe_ring_get(&r, out, 8), 0);
}

static void test_pipe(void **state)
{
	static char chunk[PIPE_DEFAULT_SIZE];
	struct file *rd, *wr;
	char b[16];

	assert_int_equal(pipe_create(O_NONBLOCK, &rd, &wr), 0);
	assert_int_equal(vfs_read(rd, b, 4, 0), -EAGAIN);
	assert_int_equal(vfs_write(rd, "x", 1, 0, NULL), -EBADF);
	assert_int_equal(vfs_poll(rd, NULL), 0);
	assert_int_equal(vfs_poll(wr, NULL), POLLOUT | POLLWRNORM);
	assert_int_equal(vfs_write(wr, "hello", 5, 0, NULL), 5);
	assert_int_equal(vfs_poll(rd, NULL), POLLIN | POLLRDNORM);
	assert_int_equal(vfs_read(rd, b, 3, 0), 3);
	assert_memory_equal(b, "hel", 3);
	/* Fill: 2 bytes in, so a non-atomic write takes what fits, an atomic one nothing. */
	assert_int_equal(vfs_write(wr, chunk, sizeof(chunk), 0, NULL), sizeof(chunk) - 2);
	assert_int_equal(vfs_poll(wr, NULL), 0);
	assert_int_equal(vfs_write(wr, "y", 1, 0, NULL), -EAGAIN);
	assert_int_equal(vfs_read(rd, b, 10, 0), 10);
	assert_int_equal(vfs_write(wr, chunk, 11, 0, NULL), -EAGAIN); /* 10 free < 11 */
	assert_int_equal(vfs_write(wr, chunk, 10, 0, NULL), 10);
	assert_int_equal(pipe_set_size(rd, 0), PIPE_DEFAULT_SIZE);
	assert_int_equal(pipe_set_size(rd, 4096), -EBUSY);
	/* Blocking write on a full pipe: the fake "signal" ends it. */
	wr->flags &= ~(unsigned)O_NONBLOCK;
	assert_int_equal(vfs_write(wr, "z", 1, 0, NULL), -ERESTARTSYS);
	vfs_file_put(rd);
	fake_last_signal = 0;
	assert_int_equal(vfs_write(wr, "z", 1, 0, NULL), -EPIPE);
	assert_int_equal(fake_last_signal, 13);
	assert_true(vfs_poll(wr, NULL) & POLLERR);
	vfs_file_put(wr);

	assert_int_equal(pipe_create(0, &rd, &wr), 0);
	assert_int_equal(vfs_read(rd, b, 4, 0), -ERESTARTSYS);
	assert_int_equal(pipe_set_size(wr, 5000), 8192);
	vfs_file_put(wr);
	assert_int_equal(vfs_read(rd, b, 4, 0), 0); /* end of file */
	assert_int_equal(vfs_poll(rd, NULL), POLLHUP);
	vfs_file_put(rd);
}

static void test_eventfd(void **state)
{
	struct file *f;
	uint64_t v;

	assert_int_equal(eventfd_create(0, 0x10, &f), -EINVAL);
	assert_int_equal(eventfd_create(3, EFD_NONBLOCK | EFD_SEMAPHORE, &f), 0);
	assert_int_equal(vfs_read(f, &v, 4, 0), -EINVAL);
	assert_int_equal(vfs_read(f, &v, 8, 0), 8);
	assert_int_equal(v, 1);
	assert_int_equal(vfs_poll(f, NULL), POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
	v = UINT64_MAX;
	assert_int_equal(vfs_write(f, &v, 8, 0, NULL), -EINVAL);
	v = UINT64_MAX - 2; /* 2 + this = 0xffffffffffffffff: too much */
	assert_int_equal(vfs_write(f, &v, 8, 0, NULL), -EAGAIN);
	v = UINT64_MAX - 3; /* up to 0xfffffffffffffffe exactly */
	assert_int_equal(vfs_write(f, &v, 8, 0, NULL), 8);
	assert_int_equal(vfs_poll(f, NULL), POLLIN | POLLRDNORM);
	vfs_file_put(f);

	assert_int_equal(eventfd_create(7, 0, &f), 0);
	assert_int_equal(vfs_read(f, &v, 8, 0), 8);
	assert_int_equal(v, 7);
	assert_int_equal(vfs_read(f, &v, 8, 0), -ERESTARTSYS);
	vfs_file_put(f);
}

static int wait_now(struct file *ep, struct epoll_event *ev, int max)
{
	return epoll_wait_file(ep, ev, max, POLL_NOW);
}

static void add(struct file *ep, int fd, struct file *f, uint32_t events, uint64_t data)
{
	struct epoll_event e = {events, data};
	assert_int_equal(epoll_ctl_file(ep, EPOLL_CTL_ADD, fd, f, &e), 0);
}

static void test_epoll_modes(void **state)
{
	struct file *ep, *rd, *wr, *e2;
	struct epoll_event ev[4], e = {EPOLLIN, 1};
	char b[4];

	assert_int_equal(epoll_create_file(&ep), 0);
	assert_int_equal(pipe_create(O_NONBLOCK, &rd, &wr), 0);
	add(ep, 3, rd, EPOLLIN, 11);
	assert_int_equal(epoll_ctl_file(ep, EPOLL_CTL_ADD, 3, rd, &e), -EEXIST);
	assert_int_equal(epoll_ctl_file(ep, EPOLL_CTL_MOD, 4, rd, &e), -ENOENT);
	assert_int_equal(epoll_ctl_file(ep, EPOLL_CTL_ADD, 5, ep, &e), -EINVAL);
	assert_int_equal(wait_now(ep, ev, 4), 0);
	assert_int_equal(vfs_write(wr, "ab", 2, 0, NULL), 2);
	/* Level-triggered: reported while readable. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(wait_now(ep, ev, 4), 1);
		assert_int_equal(ev[0].events, EPOLLIN);
		assert_int_equal(ev[0].data, 11);
	}
	assert_int_equal(vfs_read(rd, b, 2, 0), 2);
	assert_int_equal(wait_now(ep, ev, 4), 0);
	/* Edge-triggered: once per write. */
	e.events = EPOLLIN | EPOLLET;
	e.data = 12;
	assert_int_equal(epoll_ctl_file(ep, EPOLL_CTL_MOD, 3, rd, &e), 0);
	assert_int_equal(vfs_write(wr, "c", 1, 0, NULL), 1);
	assert_int_equal(wait_now(ep, ev, 4), 1);
	assert_int_equal(ev[0].data, 12);
	assert_int_equal(wait_now(ep, ev, 4), 0);
	assert_int_equal(vfs_write(wr, "d", 1, 0, NULL), 1);
	assert_int_equal(wait_now(ep, ev, 4), 1);
	/* One-shot: once, then nothing until MOD re-arms it. */
	e.events = EPOLLIN | EPOLLONESHOT;
	assert_int_equal(epoll_ctl_file(ep, EPOLL_CTL_MOD, 3, rd, &e), 0);
	assert_int_equal(wait_now(ep, ev, 4), 1);
	assert_int_equal(vfs_write(wr, "e", 1, 0, NULL), 1);
	assert_int_equal(wait_now(ep, ev, 4), 0);
	assert_int_equal(epoll_ctl_file(ep, EPOLL_CTL_MOD, 3, rd, &e), 0);
	assert_int_equal(wait_now(ep, ev, 4), 1);
	/* The write end, and the hang-up when it goes. */
	add(ep, 4, wr, EPOLLOUT, 20);
	assert_int_equal(
		epoll_ctl_file(ep, EPOLL_CTL_MOD, 3, rd, &(struct epoll_event){EPOLLIN, 11}), 0);
	assert_int_equal(wait_now(ep, ev, 4), 2);
	assert_int_equal(wait_now(ep, ev, 1), 1); /* maxevents respected */
	/* Blocking wait with nothing new: the fake signal ends it with -EINTR. */
	assert_int_equal(vfs_read(rd, b, 4, 0), 3);
	assert_int_equal(epoll_ctl_file(ep, EPOLL_CTL_DEL, 4, wr, NULL), 0);
	assert_int_equal(epoll_ctl_file(ep, EPOLL_CTL_DEL, 4, wr, NULL), -ENOENT);
	assert_int_equal(epoll_wait_file(ep, ev, 4, POLL_FOREVER), -EINTR);
	assert_int_equal(epoll_wait_file(ep, ev, 4, 5), 0); /* a deadline: timed out */
	/* A wake-up while sleeping puts the item on the ready list. */
	vfs_file_put(wr);
	assert_int_equal(wait_now(ep, ev, 4), 1);
	assert_int_equal(ev[0].events, EPOLLHUP);
	/* The last reference to rd goes: the item goes with it (ASan would see a use). */
	assert_int_equal(eventfd_create(0, EFD_NONBLOCK, &e2), 0);
	add(ep, 6, e2, EPOLLIN | EPOLLOUT, 30);
	vfs_file_put(rd);
	assert_int_equal(wait_now(ep, ev, 4), 1);
	assert_int_equal(ev[0].data, 30);
	vfs_file_put(ep); /* removes its items from e2's watch list */
	assert_null(e2->watches);
	vfs_file_put(e2);
}

static void test_epoll_nest(void **state)
{
	struct file *ep1, *ep2, *ep3, *efd, *reg;
	struct epoll_event ev[2], e = {EPOLLIN, 0};
	uint64_t one = 1;

	assert_int_equal(epoll_create_file(&ep1), 0);
	assert_int_equal(epoll_create_file(&ep2), 0);
	assert_int_equal(epoll_create_file(&ep3), 0);
	assert_int_equal(eventfd_create(0, EFD_NONBLOCK, &efd), 0);
	assert_int_equal(vfs_open(NULL, "/f", O_CREAT | O_RDWR, 0644, &reg), 0);
	assert_int_equal(epoll_ctl_file(ep1, EPOLL_CTL_ADD, 9, reg, &e), -EPERM);
	e.events = EPOLLIN | EPOLLEXCLUSIVE;
	assert_int_equal(epoll_ctl_file(ep1, EPOLL_CTL_ADD, 2, ep2, &e), -EINVAL);
	add(ep1, 7, efd, EPOLLIN | EPOLLEXCLUSIVE, 5);
	e.events = EPOLLIN;
	assert_int_equal(epoll_ctl_file(ep1, EPOLL_CTL_MOD, 7, efd, &e), -EINVAL);
	add(ep2, 1, ep1, EPOLLIN, 1);
	add(ep3, 2, ep2, EPOLLIN, 2);
	assert_int_equal(epoll_ctl_file(ep1, EPOLL_CTL_ADD, 3, ep3, &e), -ELOOP);
	assert_int_equal(vfs_poll(ep2, NULL), 0);
	assert_int_equal(vfs_write(efd, &one, 8, 0, NULL), 8);
	assert_int_equal(vfs_poll(ep2, NULL), POLLIN | POLLRDNORM);
	assert_int_equal(wait_now(ep3, ev, 2), 1);
	assert_int_equal(ev[0].data, 2);
	vfs_file_put(ep1);
	assert_int_equal(wait_now(ep2, ev, 2), 0);
	vfs_file_put(ep3);
	vfs_file_put(ep2);
	vfs_file_put(efd);
	vfs_file_put(reg);
}

static void test_poll(void **state)
{
	struct file *rd, *wr;
	struct kpollfd p[3];
	uint64_t in[16] = {0}, out[16] = {0};
	int r0, w0;

	assert_int_equal(pipe_create(0, &rd, &wr), 0);
	r0 = fd_install(rd, 0, false);
	w0 = fd_install(wr, 0, false);
	p[0] = (struct kpollfd){r0, POLLIN, 0};
	p[1] = (struct kpollfd){w0, POLLOUT, 0};
	p[2] = (struct kpollfd){900, POLLIN, 0};
	assert_int_equal(vfs_poll_fds(p, 3, POLL_NOW), 2);
	assert_int_equal(p[0].revents, 0);
	assert_int_equal(p[1].revents, POLLOUT);
	assert_int_equal(p[2].revents, POLLNVAL);
	assert_int_equal(vfs_poll_fds(p, 1, POLL_FOREVER), -EINTR);
	assert_int_equal(vfs_poll_fds(p, 1, 5), 0);
	in[0] = 1ull << r0;
	out[0] = 1ull << w0;
	assert_int_equal(vfs_select((unsigned)w0 + 1, in, out, NULL, POLL_NOW), 1);
	assert_int_equal(in[0], 0);
	assert_int_equal(out[0], 1ull << w0);
	in[0] = 1ull << 20;
	assert_int_equal(vfs_select(21, in, NULL, NULL, POLL_NOW), -EBADF);
	fd_close(w0);
	p[0].events = POLLIN;
	assert_int_equal(vfs_poll_fds(p, 1, POLL_NOW), 1);
	assert_int_equal(p[0].revents, POLLHUP);
	fd_close(r0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring),	   cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_eventfd),	   cmocka_unit_test(test_epoll_modes),
		cmocka_unit_test(test_epoll_nest), cmocka_unit_test(test_poll),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
