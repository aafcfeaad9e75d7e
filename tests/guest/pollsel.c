/* pollsel.c: poll, ppoll, select and pselect6: readiness of pipes, POLLNVAL for a
 * closed fd, POLLHUP, EBADF from select, timeouts that last at least as long as asked,
 * the time left written back by ppoll and select, EINVAL for bad timeouts and nfds, and
 * a signal that pselect6's mask lets through (EINTR, with the old mask back after). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

static volatile sig_atomic_t got;

static void on_usr1(int sig __attribute__((unused)))
{
	got++;
}

static long since_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void)
{
	struct pollfd pf[3];
	struct timespec t0, ts;
	struct timeval tv;
	fd_set rs, ws;
	int p[2];

	CHECK(pipe(p) == 0);
	pf[0] = (struct pollfd){p[0], POLLIN, 0};
	pf[1] = (struct pollfd){p[1], POLLOUT, 0};
	pf[2] = (struct pollfd){500, POLLIN, 0};
	CHECK(poll(pf, 3, 0) == 2);
	CHECK(pf[0].revents == 0 && pf[1].revents == POLLOUT && pf[2].revents == POLLNVAL);
	pf[2].fd = -1;
	CHECK(poll(pf, 3, 0) == 1 && pf[2].revents == 0);
	CHECK(syscall(SYS_poll, pf, 100000, 0) == -1 && errno == EINVAL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(poll(pf, 1, 60) == 0);
	CHECK(since_ms(&t0) >= 59);

	/* ppoll: the time left is written back. */
	ts = (struct timespec){5, 0};
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(ppoll(pf, 1, &ts, NULL) == 1 && pf[0].revents == POLLIN);
	CHECK(ts.tv_sec <= 5 && ts.tv_sec >= 3, "%ld", (long)ts.tv_sec);
	ts = (struct timespec){0, 1000000000};
	CHECK(ppoll(pf, 1, &ts, NULL) == -1 && errno == EINVAL);

	/* select. */
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(p[0], &rs);
	FD_SET(p[1], &ws);
	tv = (struct timeval){0, 0};
	CHECK(select(p[1] + 1, &rs, &ws, NULL, &tv) == 2);
	CHECK(FD_ISSET(p[0], &rs) && FD_ISSET(p[1], &ws));
	char c;
	CHECK(read(p[0], &c, 1) == 1);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	tv = (struct timeval){0, 60000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The raw call: musl's select does not pass the program's timeval to the kernel. */
	CHECK(syscall(SYS_select, p[0] + 1, &rs, NULL, NULL, &tv) == 0);
	CHECK(since_ms(&t0) >= 59);
	CHECK(!FD_ISSET(p[0], &rs) && tv.tv_sec == 0 && tv.tv_usec == 0);
	/* Below 64: Linux's select ignores descriptors past the size of the process's fd
	 * table (at least 64, but inherited from the parent), so a higher one may give 0. */
	int bad = guest_closed_fd(20);
	CHECK(bad < 64, "%d", bad);
	FD_ZERO(&rs);
	FD_SET(bad, &rs);
	tv = (struct timeval){0, 0};
	CHECK(select(bad + 1, &rs, NULL, NULL, &tv) == -1 && errno == EBADF);
	CHECK(select(-1, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL);
	tv = (struct timeval){-1, 0};
	CHECK(select(0, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL);

	/* Hang-up once the writer is gone. */
	CHECK(close(p[1]) == 0);
	pf[0] = (struct pollfd){p[0], POLLIN, 0};
	CHECK(poll(pf, 1, 0) == 1 && pf[0].revents == POLLHUP, "%#x", pf[0].revents);

	/* pselect6: SIGUSR1 blocked, then let through by the call's mask only. */
	sigset_t block, none, now;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&none);
	CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(got == 0);
	ts = (struct timespec){5, 0};
	CHECK(pselect(0, NULL, NULL, NULL, &ts, &none) == -1 && errno == EINTR);
	CHECK(got == 1);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && sigismember(&now, SIGUSR1));
	CHECK(kill(getpid(), SIGUSR1) == 0);
	pf[0] = (struct pollfd){-1, 0, 0};
	CHECK(ppoll(pf, 1, &ts, &none) == -1 && errno == EINTR);
	CHECK(got == 2);
	guest_pass("pollsel");
	return 0;
}
