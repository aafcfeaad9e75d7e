/* consolepoll.c: stdin as an event source: an epoll instance and poll(2) both watch fd 0
 * while the program reads everything the host sends, without ever blocking in read
 * (O_NONBLOCK, EAGAIN means wait again), until end of input; prints the byte count. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "guest.h"

int main(void)
{
	struct epoll_event e = {.events = EPOLLIN, .data.u64 = 42}, out;
	struct pollfd p = {0, POLLIN, 0};
	long total = 0;
	char buf[256];
	int ep = epoll_create1(0), turn = 0;

	CHECK(ep >= 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, 0, &e) == 0);
	CHECK(fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK) == 0);
	for (;;) {
		if (turn++ % 2)
			CHECK(epoll_wait(ep, &out, 1, -1) == 1 && out.data.u64 == 42);
		else
			CHECK(poll(&p, 1, -1) == 1 && (p.revents & (POLLIN | POLLHUP)));
		ssize_t n = read(0, buf, sizeof(buf));
		if (n == 0)
			break;
		if (n < 0) {
			CHECK(errno == EAGAIN, "errno %d", errno);
			continue;
		}
		total += n;
	}
	printf("bytes %ld\n", total);
	guest_pass("consolepoll");
	return 0;
}
