/* closerace.c: a thread blocked in read() (a pipe) or recv() (a UNIX stream socket) while
 * another thread closes that very descriptor. Linux keeps the open file alive until the
 * blocked call returns, so the other end still has a reader: a write there succeeds (no
 * EPIPE) and the blocked call receives it. A kernel that frees the file on close instead
 * sends EPIPE and leaves the sleeper in freed memory.
 *
 * The closing thread cannot see that the reader is asleep in the kernel; it waits for the
 * reader to announce the call and then sleeps. If the close still came first (the read
 * then fails with EBADF), the round is repeated with a longer sleep, at most ROUNDS times. */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define ROUNDS 5

struct reader {
	int fd;
	volatile int started;
	ssize_t got;
	int err;
	char buf[16];
};

static void *read_it(void *arg)
{
	struct reader *r = arg;

	r->started = 1;
	r->got = read(r->fd, r->buf, sizeof(r->buf));
	r->err = r->got < 0 ? errno : 0;
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One round on the pair (rd, wr): 1 when the close beat the read (retry), 0 when the
 * read was blocked and behaved as Linux's. */
static int round_on(const char *what, int rd, int wr, long wait_ms)
{
	struct reader r = {.fd = rd};
	pthread_t t;

	CHECK(pthread_create(&t, NULL, read_it, &r) == 0);
	while (!r.started)
		sched_yield();
	sleep_ms(wait_ms);
	CHECK(close(rd) == 0, "%s: close: %s", what, strerror(errno));
	ssize_t w = write(wr, "hello", 5);
	int werr = errno;
	CHECK(pthread_join(t, NULL) == 0);
	if (r.got < 0 && r.err == EBADF) {
		close(wr);
		return 1;
	}
	CHECK(w == 5,
	      "%s: write after the reader's fd was closed: %zd (%s); the blocked read "
	      "should keep the file open",
	      what, w, strerror(werr));
	CHECK(r.got == 5 && memcmp(r.buf, "hello", 5) == 0, "%s: the blocked read got %zd (%s)",
	      what, r.got, strerror(r.err));
	close(wr);
	printf("%s: blocked read survived the close and got the data\n", what);
	return 0;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	for (int kind = 0; kind < 2; kind++) {
		const char *what = kind ? "socketpair" : "pipe";
		long wait_ms = 100;
		int i;
		for (i = 0; i < ROUNDS; i++, wait_ms *= 2) {
			int fds[2];
			if (kind)
				CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
			else
				CHECK(pipe(fds) == 0);
			if (!round_on(what, fds[0], fds[1], wait_ms))
				break;
		}
		CHECK(i < ROUNDS, "%s: the reader never got into read() before the close", what);
	}
	guest_pass("closerace");
	return 0;
}
