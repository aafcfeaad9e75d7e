/* dirrace.c: THREADS threads create FILES files each in DIR at once, with long names so
 * the directory grows by many blocks; every third is renamed and every fifth removed.
 * Then every name is checked: present exactly when it should be. A directory operation
 * sleeps on the disk between reading and writing the directory's blocks; without a lock
 * per directory two threads grew it by the same new block (isle did: "directory inode 2
 * has a hole at block 2", EIO on create, an unclean e2fsck). Usage: dirrace DIR FILES
 * THREADS. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

#define MAX_THREADS 8
#define LONG_NAME "with-a-rather-long-name-so-the-directory-needs-many-blocks"

static const char *dir;
static int nfiles;

/* The name file i of thread t ends with: renamed ones carry ".renamed". */
static void name_of(char *buf, size_t n, int t, int i, bool renamed)
{
	snprintf(buf, n, "%s/t%d-%04d-%s%s", dir, t, i, LONG_NAME, renamed ? ".renamed" : "");
}

static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	char path[4096], moved[4096];

	for (int i = 0; i < nfiles; i++) {
		name_of(path, sizeof(path), t, i, false);
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		CHECK(fd >= 0, "create %s: %s", path, strerror(errno));
		CHECK(close(fd) == 0, "%s", strerror(errno));
		name_of(moved, sizeof(moved), t, i, true);
		if (i % 3 == 0)
			CHECK(rename(path, moved) == 0, "rename %s: %s", path, strerror(errno));
		if (i % 5 == 0)
			CHECK(unlink(i % 3 == 0 ? moved : path) == 0, "unlink: %s",
			      strerror(errno));
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[MAX_THREADS];
	char path[4096];
	int nthreads, present = 0;

	CHECK(argc == 4, "usage: dirrace DIR FILES THREADS");
	dir = argv[1];
	nfiles = atoi(argv[2]);
	nthreads = atoi(argv[3]);
	CHECK(nfiles > 0 && nfiles <= 5000 && nthreads > 0 && nthreads <= MAX_THREADS,
	      "FILES must be 1..5000, THREADS 1..%d", MAX_THREADS);
	for (int t = 0; t < nthreads; t++)
		CHECK(pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t) == 0);
	for (int t = 0; t < nthreads; t++)
		CHECK(pthread_join(th[t], NULL) == 0);
	for (int t = 0; t < nthreads; t++) {
		for (int i = 0; i < nfiles; i++) {
			struct stat st;
			name_of(path, sizeof(path), t, i, i % 3 == 0);
			int r = stat(path, &st);
			CHECK(r == (i % 5 == 0 ? -1 : 0), "%s: stat gave %d (%s)", path, r,
			      strerror(errno));
			present += r == 0;
		}
	}
	printf("%d threads: %d names left of %d created\n", nthreads, present, nthreads * nfiles);
	guest_pass("dirrace");
	return 0;
}
