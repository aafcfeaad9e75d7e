/* createrace.c: THREADS threads create FILES files each in DIR at once, every file 20 KiB
 * of its own pattern, then every file is checked: its contents, and that no two files
 * share an inode number. File creation and block allocation read the file system's
 * bitmaps through the block cache, and writing data pushes those blocks out of it, so
 * two threads often miss the same bitmap block together; two copies of it in memory
 * would hand out one inode or block twice (isle did: "new inode already in memory", EIO,
 * or one file's data in another). Usage: createrace DIR FILES THREADS. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

#define MAX_THREADS 8
#define MAX_FILES 256
#define FILE_BYTES (20 * 1024)

static const char *dir;
static int nfiles, nthreads;
static ino_t inos[MAX_THREADS * MAX_FILES];

/* Every 8 bytes name the thread, the file and the offset. */
static void fill(char *buf, int t, int i)
{
	for (int k = 0; k < FILE_BYTES; k += 8) {
		uint64_t v = (uint64_t)t << 48 | (uint64_t)i << 32 | (uint64_t)k;
		memcpy(buf + k, &v, 8);
	}
}

static void *creator(void *arg)
{
	int t = (int)(intptr_t)arg;
	static __thread char buf[FILE_BYTES];
	char path[4096];

	for (int i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/t%d-%03d", dir, t, i);
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		CHECK(fd >= 0, "create %s: %s", path, strerror(errno));
		fill(buf, t, i);
		CHECK(write(fd, buf, FILE_BYTES) == FILE_BYTES, "write %s: %s", path,
		      strerror(errno));
		CHECK(close(fd) == 0, "close %s: %s", path, strerror(errno));
	}
	return NULL;
}

static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static char want[FILE_BYTES], got[FILE_BYTES + 1];
	pthread_t th[MAX_THREADS];
	char path[4096];
	int n = 0;

	CHECK(argc == 4, "usage: createrace DIR FILES THREADS");
	dir = argv[1];
	nfiles = atoi(argv[2]);
	nthreads = atoi(argv[3]);
	CHECK(nfiles > 0 && nfiles <= MAX_FILES && nthreads > 0 && nthreads <= MAX_THREADS,
	      "FILES must be 1..%d, THREADS 1..%d", MAX_FILES, MAX_THREADS);
	for (int t = 0; t < nthreads; t++)
		CHECK(pthread_create(&th[t], NULL, creator, (void *)(intptr_t)t) == 0);
	for (int t = 0; t < nthreads; t++)
		CHECK(pthread_join(th[t], NULL) == 0);
	for (int t = 0; t < nthreads; t++) {
		for (int i = 0; i < nfiles; i++) {
			struct stat st;
			snprintf(path, sizeof(path), "%s/t%d-%03d", dir, t, i);
			int fd = open(path, O_RDONLY);
			CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
			CHECK(fstat(fd, &st) == 0, "%s", strerror(errno));
			CHECK(st.st_size == FILE_BYTES, "%s: size %lld", path,
			      (long long)st.st_size);
			ssize_t r = read(fd, got, sizeof(got));
			CHECK(r == FILE_BYTES, "%s: read %zd", path, r);
			fill(want, t, i);
			CHECK(memcmp(want, got, FILE_BYTES) == 0, "%s: contents differ", path);
			CHECK(close(fd) == 0, "%s", strerror(errno));
			inos[n++] = st.st_ino;
		}
	}
	qsort(inos, (size_t)n, sizeof(inos[0]), cmp_ino);
	for (int k = 1; k < n; k++)
		CHECK(inos[k] != inos[k - 1], "two files share inode %llu",
		      (unsigned long long)inos[k]);
	printf("%d threads created %d files of %d bytes\n", nthreads, n, FILE_BYTES);
	guest_pass("createrace");
	return 0;
}
