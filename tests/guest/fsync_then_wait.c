/* fsync_then_wait.c: data made durable with fsync survives the machine being killed. Writes
 * DIR/synced.bin (SIZE bytes of a pattern whose every 4 KiB block differs, in chunks of odd
 * sizes), fsyncs it, then fsyncs DIR and DIR's parent (the durable-create idiom: the file's
 * data and inode, its directory entry, and DIR's own entry). Then writes DIR/unsynced.txt
 * without any fsync, prints "synced" and flushes stdout, and sleeps SECONDS (at most 60).
 * The test kills the machine during that sleep. If nobody does, it prints the PASS line.
 * Byte i of synced.bin is (i * 7 + (i >> 12) * 13 + 1) & 0xff.
 * Usage: fsync_then_wait DIR SECONDS [SIZE] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define DEFAULT_SIZE ((1u << 20) + 123u)
#define MAX_SECONDS 60

static unsigned char pattern(size_t i)
{
	return (unsigned char)((i * 7 + (i >> 12) * 13 + 1) & 0xff);
}

static void fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	CHECK(fsync(fd) == 0, "fsync %s: %s", path, strerror(errno));
	CHECK(close(fd) == 0);
}

static void write_synced(const char *dir, size_t size)
{
	static unsigned char buf[70000];
	char path[512];
	size_t off = 0, chunk = 0;
	/* Odd chunk sizes so writes start and end inside pages and blocks. */
	static const size_t chunks[] = {4096, 1, 65536, 3000, 69999, 8191, 12289};

	snprintf(path, sizeof(path), "%s/synced.bin", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	while (off < size) {
		size_t n = chunks[chunk++ % (sizeof(chunks) / sizeof(chunks[0]))];
		if (n > size - off)
			n = size - off;
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(off + i);
		ssize_t w = write(fd, buf, n);
		CHECK(w == (ssize_t)n, "write %s at %zu: %zd (%s)", path, off, w, strerror(errno));
		off += n;
	}
	CHECK(fsync(fd) == 0, "fsync %s: %s", path, strerror(errno));
	CHECK(close(fd) == 0);
}

static void write_unsynced(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/unsynced.txt", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL, "fopen %s: %s", path, strerror(errno));
	for (int i = 0; i < 100; i++)
		fprintf(f, "line %d of a file that is never fsynced\n", i);
	CHECK(fclose(f) == 0);
}

int main(int argc, char **argv)
{
	CHECK(argc == 3 || argc == 4, "usage: fsync_then_wait DIR SECONDS [SIZE]");
	const char *dir = argv[1];
	long seconds = atol(argv[2]);
	size_t size = argc == 4 ? (size_t)atol(argv[3]) : DEFAULT_SIZE;
	if (seconds < 0)
		seconds = 0;
	if (seconds > MAX_SECONDS)
		seconds = MAX_SECONDS;

	CHECK(mkdir(dir, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", dir, strerror(errno));
	write_synced(dir, size);
	fsync_path(dir);
	char parent[512];
	snprintf(parent, sizeof(parent), "%s", dir);
	char *slash = strrchr(parent, '/');
	if (slash == parent)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(parent, sizeof(parent), ".");
	fsync_path(parent);
	write_unsynced(dir);

	printf("synced\n");
	fflush(stdout);

	struct timespec ts = {.tv_sec = seconds, .tv_nsec = 0};
	while (nanosleep(&ts, &ts) != 0)
		CHECK(errno == EINTR, "nanosleep: %s", strerror(errno));
	guest_pass("fsync_then_wait");
	return 0;
}
