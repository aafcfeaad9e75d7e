/* statrace.c: THREADS threads look up the same files of DIR at the same moment (a barrier
 * per file): DIR/fNNN for NNN in 0..N-1, each NNN+1 bytes long, every byte NNN % 251.
 * On a fresh boot the files' inodes are not in memory yet, and reading an inode sleeps on
 * the disk: a thread that finds the inode another one is still reading must wait for it,
 * not use it half filled (isle did: stat gave mode 0 or size 0). Usage: statrace DIR N
 * THREADS. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

#define MAX_THREADS 8

static const char *dir;
static int nfiles;
static pthread_barrier_t barrier;

static void check_file(int i)
{
	char path[4096], buf[512];
	struct stat st;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/f%03d", dir, i);
	CHECK(stat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
	CHECK(S_ISREG(st.st_mode), "%s: mode %o", path, (unsigned)st.st_mode);
	CHECK(st.st_size == i + 1, "%s: size %lld, not %d", path, (long long)st.st_size, i + 1);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf));
	CHECK(n == i + 1, "%s: read %zd bytes, not %d", path, n, i + 1);
	for (int k = 0; k < n; k++)
		CHECK(buf[k] == (char)(i % 251), "%s: byte %d is %d", path, k, buf[k]);
	CHECK(close(fd) == 0, "%s", strerror(errno));
}

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < nfiles; i++) {
		int r = pthread_barrier_wait(&barrier);
		CHECK(r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD, "barrier: %d", r);
		check_file(i);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[MAX_THREADS];
	int threads;

	CHECK(argc == 4, "usage: statrace DIR N THREADS");
	dir = argv[1];
	nfiles = atoi(argv[2]);
	threads = atoi(argv[3]);
	CHECK(nfiles > 0 && nfiles <= 500 && threads > 0 && threads <= MAX_THREADS,
	      "N must be 1..500, THREADS 1..%d", MAX_THREADS);
	CHECK(pthread_barrier_init(&barrier, NULL, (unsigned)threads) == 0);
	for (int k = 0; k < threads; k++)
		CHECK(pthread_create(&t[k], NULL, worker, NULL) == 0);
	for (int k = 0; k < threads; k++)
		CHECK(pthread_join(t[k], NULL) == 0);
	printf("%d threads looked up %d files together\n", threads, nfiles);
	guest_pass("statrace");
	return 0;
}
