/* stopme.c: a program to be stopped by SIGTERM (the power button, docs/stop.md). Prints
 * "READY" (stdout, flushed) once its SIGTERM disposition is in place, then waits in
 * one-second ppoll() calls for at most MAX_WAIT seconds; if nothing stops it, it fails
 * with status 3. With a handler SIGTERM stays blocked except inside ppoll, which unblocks
 * it atomically: a signal landing between the flag test and the wait cannot be slept
 * through (as it could with sleep()).
 * Usage: stopme default          SIGTERM's default action ends it (status 128 + 15)
 *        stopme handler FILE     a handler sets a flag; the program then writes
 *                                "stopped cleanly after SIGTERM\n" to FILE (no fsync: the
 *                                exit path must write it back) and exits 0
 *        stopme ignore           SIGTERM ignored (the kernel's stop timeout must end it) */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define MAX_WAIT 300
#define MESSAGE "stopped cleanly after SIGTERM\n"

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void write_file(const char *path)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL, "fopen %s: %s", path, strerror(errno));
	CHECK(fputs(MESSAGE, f) >= 0);
	CHECK(fclose(f) == 0, "fclose %s: %s", path, strerror(errno));
}

int main(int argc, char **argv)
{
	CHECK(argc >= 2, "usage: stopme default|handler FILE|ignore");
	const char *mode = argv[1];
	sigset_t wait_mask; /* the mask inside ppoll */
	CHECK(sigprocmask(SIG_SETMASK, NULL, &wait_mask) == 0);
	if (strcmp(mode, "handler") == 0) {
		CHECK(argc == 3, "usage: stopme handler FILE");
		struct sigaction sa = {.sa_handler = on_term};
		sigset_t term;
		sigemptyset(&sa.sa_mask);
		CHECK(sigaction(SIGTERM, &sa, NULL) == 0);
		sigemptyset(&term);
		sigaddset(&term, SIGTERM);
		CHECK(sigprocmask(SIG_BLOCK, &term, NULL) == 0);
		sigdelset(&wait_mask, SIGTERM);
	} else if (strcmp(mode, "ignore") == 0) {
		CHECK(signal(SIGTERM, SIG_IGN) != SIG_ERR);
	} else {
		CHECK(strcmp(mode, "default") == 0, "unknown mode %s", mode);
	}
	printf("READY\n");
	fflush(stdout);
	for (int i = 0; i < MAX_WAIT && !got_term; i++) {
		struct timespec one = {.tv_sec = 1};
		int r = ppoll(NULL, 0, &one, &wait_mask);
		CHECK(r == 0 || errno == EINTR, "ppoll: %s", strerror(errno));
	}
	if (got_term) {
		write_file(argv[2]);
		printf("wrote %s\n", argv[2]);
		return 0;
	}
	fprintf(stderr, "FAIL stopme: not stopped within %d s\n", MAX_WAIT);
	return 3;
}
