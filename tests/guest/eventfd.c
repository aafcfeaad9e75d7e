/* eventfd.c: eventfd(2): counter and semaphore reads, 8-byte buffers, the 2^64-2
 * ceiling with EAGAIN, flags, fstat and /proc/self/fd naming, poll readiness, and a
 * blocking read ended by another thread's write. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

static void *adder(void *arg)
{
	uint64_t v = 5;
	usleep(100000);
	CHECK(write(*(int *)arg, &v, 8) == 8);
	return NULL;
}

int main(void)
{
	uint64_t v;
	char small[4], link[64], path[64];
	struct stat st;
	int fd, n;

	CHECK(eventfd(0, 0x10) == -1 && errno == EINVAL);
	fd = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK((fcntl(fd, F_GETFL) & (O_NONBLOCK | O_ACCMODE)) == (O_NONBLOCK | O_RDWR));
	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600, "%o", st.st_mode);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = (int)readlink(path, link, sizeof(link) - 1);
	CHECK(n > 0);
	link[n] = 0;
	CHECK(strcmp(link, "anon_inode:[eventfd]") == 0, "%s", link);
	CHECK(read(fd, small, 4) == -1 && errno == EINVAL);
	CHECK(write(fd, small, 4) == -1 && errno == EINVAL);
	CHECK(read(fd, &v, 8) == 8 && v == 3);
	CHECK(read(fd, &v, 8) == -1 && errno == EAGAIN);
	v = UINT64_MAX;
	CHECK(write(fd, &v, 8) == -1 && errno == EINVAL);
	v = UINT64_MAX - 1;
	CHECK(write(fd, &v, 8) == 8);
	struct pollfd p = {fd, POLLIN | POLLOUT, 0};
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN, "%#x", p.revents);
	v = 1;
	CHECK(write(fd, &v, 8) == -1 && errno == EAGAIN);
	CHECK(read(fd, &v, 8) == 8 && v == UINT64_MAX - 1);
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT);
	CHECK(close(fd) == 0);

	fd = eventfd(2, EFD_SEMAPHORE);
	CHECK(fd >= 0);
	uint64_t two[2];
	CHECK(read(fd, two, 16) == 8 && two[0] == 1);
	CHECK(read(fd, &v, 8) == 8 && v == 1);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, adder, &fd) == 0);
	CHECK(read(fd, &v, 8) == 8 && v == 1); /* blocks until the thread adds 5 */
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(eventfd_read(fd, &v) == 0 && v == 1);
	CHECK(close(fd) == 0);
	guest_pass("eventfd");
	return 0;
}
