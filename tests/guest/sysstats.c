/* sysstats.c: known numbers of system calls for --syscall-summary, --missing-files and the
 * last-syscalls list of a kernel panic (tests/e2e/test_sysstats.py).
 *
 *   sysstats summary    100 getppid, 7 openat of a missing path (ENOENT), 3 writes
 *                       (raw syscalls: the C library adds none of these)
 *   sysstats missing D  looks up three missing paths under directory D (created if
 *                       absent): D/missing-a twice by absolute path, D/sub/missing-b
 *                       relative to the working directory D/sub, D/nested/missing-c
 *                       with openat on a descriptor of D; and one path that exists. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest.h"

static void summary(void)
{
	for (int i = 0; i < 100; i++)
		CHECK(syscall(SYS_getppid) >= 0);
	for (int i = 0; i < 7; i++) {
		long r = syscall(SYS_openat, AT_FDCWD, "/isle-sysstats-none", O_RDONLY);
		CHECK(r == -1 && errno == ENOENT, "openat of a missing path: %ld", r);
	}
	for (int i = 0; i < 3; i++)
		CHECK(syscall(SYS_write, 1, "w\n", 2) == 2);
}

static void missing(const char *d)
{
	char path[4096], sub[4096];
	int dirfd;

	CHECK(mkdir(d, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", d, strerror(errno));
	snprintf(sub, sizeof(sub), "%s/sub", d);
	CHECK(mkdir(sub, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", sub, strerror(errno));
	snprintf(path, sizeof(path), "%s/missing-a", d);
	for (int i = 0; i < 2; i++)
		CHECK(open(path, O_RDONLY) == -1 && errno == ENOENT, "%s", path);
	CHECK(chdir(sub) == 0, "chdir %s: %s", sub, strerror(errno));
	CHECK(open("missing-b", O_RDONLY) == -1 && errno == ENOENT);
	dirfd = open(d, O_RDONLY | O_DIRECTORY);
	CHECK(dirfd >= 0, "open %s: %s", d, strerror(errno));
	CHECK(openat(dirfd, "nested/missing-c", O_RDONLY) == -1 && errno == ENOENT);
	int fd = openat(dirfd, "sub", O_RDONLY | O_DIRECTORY); /* exists */
	CHECK(fd >= 0, "openat sub: %s", strerror(errno));
	close(fd);
	close(dirfd);
	guest_pass("sysstats missing");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "summary"))
		summary();
	else if (argc == 3 && !strcmp(argv[1], "missing"))
		missing(argv[2]);
	else
		CHECK(0, "usage: sysstats summary | sysstats missing DIR");
	return 0;
}
