/* mmap_file.c: file mappings in DIR: MAP_SHARED stores reach read(2) and, after msync,
 * a second open; write(2) reaches the mapping; MAP_PRIVATE stores stay private (copy on
 * write) and MADV_DONTNEED shows the file again; the partial last page reads zeros past
 * the end; offsets, mremap, munmap and a new mapping keep the data; mincore, msync and
 * mmap/mprotect errors; /dev/zero maps zeros. With a second argument, maps that file
 * (read-only, e.g. the program itself on the image root) and compares it with read(2).
 * Usage: mmap_file DIR [FILE] */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

#define PG 4096
#define SIZE 10000 /* two pages and a part */

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 13 + 7);
}

static int open_in(const char *dir, const char *name, int flags)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, flags, 0644);
}

static void check_readonly_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	size_t len = st.st_size > 3 * PG ? 3 * PG : (size_t)st.st_size;
	CHECK(len > 4);
	unsigned char *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED, "%s", strerror(errno));
	static unsigned char buf[3 * PG];
	CHECK(pread(fd, buf, len, 0) == (ssize_t)len);
	CHECK(memcmp(m, buf, len) == 0);
	/* Shared and read-only is fine on a read-only fd; writable is not. */
	void *s = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED);
	CHECK(memcmp(s, buf, len) == 0);
	CHECK(mprotect(s, len, PROT_READ | PROT_WRITE) == -1 && errno == EACCES);
	CHECK(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
	      errno == EACCES);
	CHECK(mprotect(m, len, PROT_READ | PROT_WRITE) == 0); /* private: copy on write */
	m[0] ^= 0xff;
	CHECK(pread(fd, buf, 1, 0) == 1 && buf[0] == (unsigned char)(m[0] ^ 0xff));
	CHECK(munmap(m, len) == 0 && munmap(s, len) == 0);
	CHECK(close(fd) == 0);
}

static void check_errors(const char *dir)
{
	int rd = open_in(dir, "data", O_RDONLY), wr = open_in(dir, "data", O_WRONLY);
	CHECK(rd >= 0 && wr >= 0);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wr, 0) == MAP_FAILED && errno == EACCES);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, rd, 100) == MAP_FAILED && errno == EINVAL);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, guest_closed_fd(999), 0) == MAP_FAILED &&
	      errno == EBADF);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | 0x80000 /* MAP_SYNC */, rd, 0) ==
		      MAP_FAILED &&
	      errno == EOPNOTSUPP);
	int null = open("/dev/null", O_RDWR);
	CHECK(null >= 0);
	CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, null, 0) == MAP_FAILED && errno == ENODEV);
	int zero = open("/dev/zero", O_RDONLY);
	CHECK(zero >= 0);
	unsigned char *z = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, zero, 0);
	CHECK(z != MAP_FAILED, "%s", strerror(errno));
	CHECK(z[0] == 0 && z[2 * PG - 1] == 0);
	z[5] = 9;
	CHECK(z[5] == 9);
	CHECK(munmap(z, 2 * PG) == 0);
	CHECK(close(zero) == 0 && close(null) == 0 && close(rd) == 0 && close(wr) == 0);

	unsigned char vec[4];
	CHECK(mincore((void *)(PG + 1), PG, vec) == -1 && errno == EINVAL);
	CHECK(msync((void *)PG, PG, 8) == -1 && errno == EINVAL);
	CHECK(msync((void *)(PG + 1), PG, MS_SYNC) == -1 && errno == EINVAL);
	CHECK(msync((void *)PG, PG, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL);
	void *hole = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(hole != MAP_FAILED && munmap(hole, 2 * PG) == 0);
	CHECK(msync(hole, PG, MS_SYNC) == -1 && errno == ENOMEM);
	CHECK(mincore(hole, PG, vec) == -1 && errno == ENOMEM);
}

int main(int argc, char **argv)
{
	CHECK(argc >= 2);
	const char *dir = argv[1];
	static unsigned char buf[3 * PG];
	CHECK(mkdir(dir, 0755) == 0 || errno == EEXIST);

	/* write(2), then a shared mapping sees the data; zeros past the end. */
	int fd = open_in(dir, "data", O_RDWR | O_CREAT | O_TRUNC);
	CHECK(fd >= 0, "%s", strerror(errno));
	for (size_t i = 0; i < SIZE; i++)
		buf[i] = pattern(i);
	CHECK(write(fd, buf, SIZE) == SIZE);
	unsigned char *s = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED, "%s", strerror(errno));
	for (size_t i = 0; i < SIZE; i++)
		CHECK(s[i] == pattern(i), "at %zu", i);
	for (size_t i = SIZE; i < 3 * PG; i++)
		CHECK(s[i] == 0, "at %zu", i);

	/* Stores through the mapping reach read(2); write(2) reaches the mapping. */
	s[5] = 0xa5;
	s[5000] = 0x5a;
	CHECK(pread(fd, buf, SIZE, 0) == SIZE);
	CHECK(buf[5] == 0xa5 && buf[5000] == 0x5a);
	CHECK(pwrite(fd, "W", 1, 7000) == 1);
	CHECK(s[7000] == 'W');

	/* msync(MS_SYNC), then a second open sees the stores. */
	CHECK(msync(s, 3 * PG, MS_SYNC) == 0);
	CHECK(msync(s, PG, MS_ASYNC) == 0 && msync(s, PG, MS_INVALIDATE) == 0);
	int fd2 = open_in(dir, "data", O_RDONLY);
	CHECK(fd2 >= 0);
	CHECK(read(fd2, buf, SIZE) == SIZE);
	CHECK(buf[5] == 0xa5 && buf[5000] == 0x5a && buf[7000] == 'W');

	/* mincore: every page of the mapping is resident (touched, or in the cache). */
	unsigned char vec[3];
	CHECK(mincore(s, 3 * PG, vec) == 0);
	CHECK((vec[0] & 1) && (vec[1] & 1) && (vec[2] & 1));
	unsigned char *anon =
		mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(anon != MAP_FAILED);
	anon[PG] = 1;
	CHECK(mincore(anon, 2 * PG, vec) == 0);
	CHECK(!(vec[0] & 1) && (vec[1] & 1), "vec %d %d", vec[0], vec[1]);
	CHECK(munmap(anon, 2 * PG) == 0);

	/* MAP_PRIVATE: stores are private, the file and the shared mapping keep theirs. */
	unsigned char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd2, PG);
	CHECK(p != MAP_FAILED, "%s", strerror(errno));
	CHECK(p[5000 - PG] == 0x5a && p[0] == pattern(PG));
	p[1] = 0x11;
	CHECK(s[PG + 1] == pattern(PG + 1));
	CHECK(pread(fd, buf, 1, PG + 1) == 1 && buf[0] == pattern(PG + 1));
	s[PG + 2] = 0x22; /* the page was copied: the private mapping does not see this */
	CHECK(p[2] == pattern(PG + 2));
	CHECK(madvise(p, PG, MADV_DONTNEED) == 0); /* the copy goes: the file shows again */
	CHECK(p[1] == pattern(PG + 1) && p[2] == 0x22);
	CHECK(munmap(p, 2 * PG) == 0);
	CHECK(pread(fd, buf, 1, PG + 1) == 1 && buf[0] == pattern(PG + 1));

	/* mremap moves the mapping with its file and offset. */
	unsigned char *m = mremap(s, 3 * PG, 4 * PG, MREMAP_MAYMOVE);
	CHECK(m != MAP_FAILED, "%s", strerror(errno));
	CHECK(m[5] == 0xa5 && m[7000] == 'W');
	m[6] = 0x66;
	CHECK(pread(fd, buf, 1, 6) == 1 && buf[0] == 0x66);

	/* munmap, then a new mapping sees what the old one stored. */
	CHECK(munmap(m, 4 * PG) == 0);
	s = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd2, 0);
	CHECK(s != MAP_FAILED);
	CHECK(s[5] == 0xa5 && s[6] == 0x66 && s[5000] == 0x5a && s[PG + 2] == 0x22);
	CHECK(munmap(s, SIZE) == 0);
	CHECK(close(fd) == 0 && close(fd2) == 0);

	check_errors(dir);
	if (argc >= 3)
		check_readonly_file(argv[2]);
	guest_pass("mmap_file");
	return 0;
}
