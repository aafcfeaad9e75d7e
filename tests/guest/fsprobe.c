/* fsprobe.c: report what the file system answers, by errno name, on a damaged or full disk.
 * Usage:
 *   fsprobe read PATH...     for each PATH: a directory is listed, a file read to its end;
 *                            prints "PATH: OK" or "PATH: ENAME" (the first error)
 *   fsprobe write PATH       writes 64 KiB to PATH: "write PATH: OK" or "... ENAME"
 *   fsprobe fill DIR CAP_MB [nosync]
 *                            writes 1 MiB files DIR/fill-NNN (fsync unless nosync, close)
 *                            until an error or CAP_MB MiB:
 *                            "fill: ENAME after N KiB (open|write|fsync|close)" or
 *                            "fill: no error after N KiB"; after an error it removes the
 *                            first file and checks a new 64 KiB file fits again ("fill: space
 *                            back after unlink"), then prints the PASS line.
 * Exits 0 unless the program itself is misused or something impossible happens. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

#define CHUNK (64 * 1024)
#define FILE_BYTES (1024 * 1024)
#define MAX_ENTRIES 100000

static char buf[CHUNK];
static int nosync;

static const char *ename(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ENOENT, "ENOENT"},	  {EIO, "EIO"},
		{ENOSPC, "ENOSPC"},	  {EUCLEAN, "EUCLEAN"},
		{EROFS, "EROFS"},	  {ENOTDIR, "ENOTDIR"},
		{EISDIR, "EISDIR"},	  {EINVAL, "EINVAL"},
		{EFBIG, "EFBIG"},	  {ENOMEM, "ENOMEM"},
		{EDQUOT, "EDQUOT"},	  {ENAMETOOLONG, "ENAMETOOLONG"},
		{ELOOP, "ELOOP"},	  {EACCES, "EACCES"},
		{EPERM, "EPERM"},	  {ENOSYS, "ENOSYS"},
		{EFAULT, "EFAULT"},	  {EBADF, "EBADF"},
		{EEXIST, "EEXIST"},	  {ENOTEMPTY, "ENOTEMPTY"},
		{EOVERFLOW, "EOVERFLOW"},
	};
	static char other[32];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

/* 0, or the errno of the first failure listing the directory or reading the file. */
static int probe(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return e;
	}
	int e = 0;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = fdopendir(fd);
		if (!d) {
			e = errno;
			close(fd);
			return e;
		}
		unsigned n = 0;
		errno = 0;
		while (n < MAX_ENTRIES && readdir(d) != NULL)
			n++;
		e = errno;
		CHECK(n < MAX_ENTRIES, "%s: more than %d entries: a loop?", path, MAX_ENTRIES);
		closedir(d);
		return e;
	}
	ssize_t r;
	unsigned long long total = 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		total += (unsigned long long)r;
		CHECK(total <= (unsigned long long)st.st_size, "%s: more bytes than its size",
		      path);
	}
	if (r < 0)
		e = errno;
	close(fd);
	return e;
}

static int write_file(const char *path, size_t bytes, const char **where)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		*where = "open";
		return errno;
	}
	for (size_t off = 0; off < bytes; off += CHUNK) {
		ssize_t w = write(fd, buf, CHUNK);
		if (w != CHUNK) {
			int e = w < 0 ? errno : ENOSPC; /* a short write: the disk is full */
			*where = "write";
			close(fd);
			return e;
		}
	}
	/* /dev/full and the like cannot be fsynced: only files are. */
	struct stat st;
	if (!nosync && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fsync(fd) < 0) {
		int e = errno;
		*where = "fsync";
		close(fd);
		return e;
	}
	if (close(fd) < 0) {
		*where = "close";
		return errno;
	}
	return 0;
}

static int fill(const char *dir, long cap_mb)
{
	char path[512];
	const char *where = "";
	long n;
	int e = 0;

	CHECK(mkdir(dir, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", dir, strerror(errno));
	for (n = 0; n < cap_mb; n++) {
		snprintf(path, sizeof(path), "%s/fill-%03ld", dir, n);
		e = write_file(path, FILE_BYTES, &where);
		if (e)
			break;
	}
	if (!e) {
		printf("fill: no error after %ld KiB\n", n * (FILE_BYTES / 1024));
		return 0;
	}
	printf("fill: %s after %ld KiB (%s)\n", ename(e), n * (FILE_BYTES / 1024), where);
	fflush(stdout);
	/* Space comes back: remove the first file, then a new one fits. */
	snprintf(path, sizeof(path), "%s/fill-%03d", dir, 0);
	CHECK(unlink(path) == 0, "unlink %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/after", dir);
	e = write_file(path, CHUNK, &where);
	CHECK(e == 0, "after unlink: %s: %s", where, ename(e));
	printf("fill: space back after unlink\n");
	return 0;
}

int main(int argc, char **argv)
{
	CHECK(argc >= 3, "usage: fsprobe read PATH... | write PATH | fill DIR CAP_MB [nosync]");
	memset(buf, 0x6b, sizeof(buf));
	if (!strcmp(argv[1], "read")) {
		for (int i = 2; i < argc; i++) {
			int e = probe(argv[i]);
			printf("%s: %s\n", argv[i], e ? ename(e) : "OK");
		}
	} else if (!strcmp(argv[1], "write") && argc == 3) {
		const char *where = "";
		int e = write_file(argv[2], CHUNK, &where);
		printf("write %s: %s\n", argv[2], e ? ename(e) : "OK");
	} else if (!strcmp(argv[1], "fill") && (argc == 4 || argc == 5)) {
		nosync = argc == 5 && !strcmp(argv[4], "nosync");
		CHECK(argc == 4 || nosync, "fill: unknown option %s", argv[4]);
		fill(argv[2], atol(argv[3]));
	} else {
		CHECK(0, "unknown mode %s", argv[1]);
	}
	guest_pass("fsprobe");
	return 0;
}
