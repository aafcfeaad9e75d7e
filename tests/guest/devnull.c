/* devnull.c: the character devices every program may use: /dev/null, /dev/zero,
 * /dev/full, /dev/urandom and /dev/random, and what stat says about them. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "guest.h"

int main(void)
{
	char buf[4096];
	struct stat st;
	int fd;

	fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 3);
	close(fd);

	fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0);
	memset(buf, 1, sizeof(buf));
	CHECK(read(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == 0);
	close(fd);

	fd = open("/dev/full", O_WRONLY);
	CHECK(fd >= 0);
	CHECK(write(fd, "x", 1) == -1 && errno == ENOSPC);
	close(fd);

	const char *rnd[] = {"/dev/urandom", "/dev/random"};
	for (int k = 0; k < 2; k++) {
		char a[64], b[64];
		fd = open(rnd[k], O_RDONLY);
		CHECK(fd >= 0, "%s", rnd[k]);
		CHECK(read(fd, a, sizeof(a)) == (ssize_t)sizeof(a));
		CHECK(read(fd, b, sizeof(b)) == (ssize_t)sizeof(b));
		CHECK(memcmp(a, b, sizeof(a)) != 0, "%s repeats", rnd[k]);
		close(fd);
	}
	CHECK(stat("/dev", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(access("/tmp", W_OK) == 0);
	guest_pass("devnull");
	return 0;
}
