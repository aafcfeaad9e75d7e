/* syncrace.c: syncfs in one thread while another creates, writes, closes and unlinks files
 * in DIR, so inodes are evicted while the file system's sync walks its in-memory inodes
 * (and sleeps on the disk between them). Found by sysfuzz (seed 60, threads=3, 2 vCPUs):
 * the walk read the next inode of its list from one that had been freed meanwhile, a
 * kernel fault in ext2_sync. Also (seed 91) ftruncate dropping a file's cached pages while
 * the sync wrote them back: a fault in pagecache_writeback. Usage: syncrace DIR [ROUNDS
 * [truncate|both]]; "truncate" churns by truncation only (no unlinks), "both" by
 * truncation and unlinks. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"

static const char *dir;
static int rounds = 1500;
static volatile int stop;
static int truncate_only; /* "truncate": no unlinks, every round truncates */
static int both;	  /* "both": truncates and unlinks */
static char page[3 * 4096];

static void *churn(void *arg)
{
	char path[4096];

	(void)arg;
	for (int i = 0; i < rounds * 4 && !stop; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i % 32);
		int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
		CHECK(write(fd, path, 16) == 16, "%s", strerror(errno));
		if (truncate_only ||
		    both) { /* cached pages dropped by a truncate, maybe mid-writeback */
			CHECK(pwrite(fd, page, sizeof(page), 8192) == sizeof(page), "%s",
			      strerror(errno));
			CHECK(ftruncate(fd, 0) == 0, "%s", strerror(errno));
		}
		CHECK(close(fd) == 0, "%s", strerror(errno));
		if (i % 2 && !truncate_only)
			CHECK(unlink(path) == 0, "unlink %s: %s", path, strerror(errno));
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	CHECK(argc >= 2, "usage: syncrace DIR [ROUNDS [truncate|both]]");
	dir = argv[1];
	if (argc > 2)
		rounds = atoi(argv[2]);
	if (argc > 3) {
		truncate_only = !strcmp(argv[3], "truncate");
		both = !strcmp(argv[3], "both");
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "%s: %s", dir, strerror(errno));
	CHECK(pthread_create(&t, NULL, churn, NULL) == 0);
	for (int i = 0; i < rounds; i++)
		CHECK(syncfs(dfd) == 0, "syncfs: %s", strerror(errno));
	stop = 1;
	CHECK(pthread_join(t, NULL) == 0);
	printf("%d syncfs calls against file churn\n", rounds);
	guest_pass("syncrace");
	return 0;
}
