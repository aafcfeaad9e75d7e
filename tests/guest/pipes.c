/* pipes.c: pipe(2)/pipe2(2) as Linux does them: flags, fstat type, 64 KiB capacity and
 * F_GETPIPE_SZ/F_SETPIPE_SZ, PIPE_BUF atomicity under O_NONBLOCK, FIONREAD, end of file
 * once the writers are gone, EPIPE with SIGPIPE once the readers are, /proc/self/fd
 * naming, and a blocking read woken by another thread's write. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

static volatile sig_atomic_t pipes_seen;

static void on_pipe(int sig __attribute__((unused)))
{
	pipes_seen++;
}

static void *late_writer(void *arg)
{
	int fd = *(int *)arg;
	usleep(100000);
	CHECK(write(fd, "late", 4) == 4);
	return NULL;
}

int main(void)
{
	static char big[70000];
	int p[2], n, flags;
	struct stat st;
	char buf[64], link[64], path[64];

	CHECK(pipe2(p, 0x1) == -1 && errno == EINVAL);
	CHECK(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0);
	CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC);
	flags = fcntl(p[1], F_GETFL);
	CHECK((flags & O_NONBLOCK) && (flags & O_ACCMODE) == O_WRONLY, "flags %#x", flags);
	CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "mode %o", st.st_mode);
	struct stat st2;
	CHECK(fstat(p[1], &st2) == 0 && st2.st_ino == st.st_ino);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	n = (int)readlink(path, link, sizeof(link) - 1);
	CHECK(n > 0);
	link[n] = 0;
	snprintf(buf, sizeof(buf), "pipe:[%lu]", (unsigned long)st.st_ino);
	CHECK(strcmp(link, buf) == 0, "%s", link);
	CHECK(lseek(p[0], 0, SEEK_CUR) == -1 && errno == ESPIPE);
	CHECK(read(p[0], buf, 1) == -1 && errno == EAGAIN);
	CHECK(write(p[0], "x", 1) == -1 && errno == EBADF);
	CHECK(fcntl(p[0], F_GETPIPE_SZ) == 65536);

	/* Capacity, then PIPE_BUF atomicity: a short write all or nothing. */
	CHECK(write(p[1], big, sizeof(big)) == 65536);
	CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 65536, "%d", n);
	CHECK(write(p[1], "x", 1) == -1 && errno == EAGAIN);
	CHECK(read(p[0], big, 100) == 100);
	CHECK(write(p[1], big, 101) == -1 && errno == EAGAIN);
	CHECK(read(p[0], big, 2 * PIPE_BUF - 100) == 2 * PIPE_BUF - 100);
	/* Not atomic: takes what fits (two pages here, on Linux's page-sized slots too). */
	CHECK(write(p[1], big, 3 * PIPE_BUF) == 2 * PIPE_BUF);
	CHECK(fcntl(p[0], F_SETPIPE_SZ, 4096) == -1 && errno == EBUSY);
	while (read(p[0], big, sizeof(big)) > 0)
		;
	CHECK(fcntl(p[0], F_SETPIPE_SZ, 5000) == 8192);
	CHECK(write(p[1], big, sizeof(big)) == 8192);
	CHECK(close(p[1]) == 0);
	CHECK(read(p[0], big, sizeof(big)) == 8192);
	CHECK(read(p[0], big, sizeof(big)) == 0); /* end of file */
	CHECK(close(p[0]) == 0);

	/* No readers: EPIPE, and SIGPIPE (caught, then ignored). */
	CHECK(pipe(p) == 0);
	CHECK(signal(SIGPIPE, on_pipe) != SIG_ERR);
	CHECK(close(p[0]) == 0);
	CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);
	CHECK(pipes_seen == 1, "%d", (int)pipes_seen);
	CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);
	CHECK(close(p[1]) == 0);

	/* Readers and writers are counted by open files: a dup keeps the end open. */
	CHECK(pipe(p) == 0);
	int d = dup(p[1]);
	CHECK(close(p[1]) == 0);
	CHECK(write(d, "ab", 2) == 2);
	CHECK(read(p[0], buf, sizeof(buf)) == 2);
	CHECK(close(d) == 0);
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	CHECK(close(p[0]) == 0);

	/* A blocking read that another thread's write ends. */
	pthread_t t;
	CHECK(pipe(p) == 0);
	CHECK(pthread_create(&t, NULL, late_writer, &p[1]) == 0);
	CHECK(read(p[0], buf, sizeof(buf)) == 4);
	CHECK(memcmp(buf, "late", 4) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	guest_pass("pipes");
	return 0;
}
