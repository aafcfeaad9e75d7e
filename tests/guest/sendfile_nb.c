/* sendfile_nb.c: sendfile(2) with a NULL offset into a non-blocking socket that fills up:
 * each call sends what fits and stops (a short count, or EAGAIN once full), the file's
 * position advances by exactly what was sent, and the reader gets the file byte for byte
 * (isle once advanced the position by a whole chunk on EAGAIN, losing 64 KiB). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest.h"

#define SIZE (3u << 20)

static unsigned char pattern(size_t i)
{
	return (unsigned char)((i * 2654435761u) >> 13);
}

int main(void)
{
	static unsigned char buf[SIZE], got[SIZE];
	for (size_t i = 0; i < SIZE; i++)
		buf[i] = pattern(i);
	int fd = open("/tmp/sendfile_nb.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0, "open: %s", strerror(errno));
	CHECK(write(fd, buf, SIZE) == (ssize_t)SIZE);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);

	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
	size_t sent = 0, recvd = 0;
	int eagain = 0;
	for (int rounds = 0; recvd < SIZE && rounds < 100000; rounds++) {
		/* Fill the socket until sendfile says EAGAIN, then read some. */
		for (int k = 0; k < 1000 && sent < SIZE; k++) {
			ssize_t n = sendfile(sv[0], fd, NULL, SIZE - sent);
			if (n < 0)
				CHECK(errno == EAGAIN, "sendfile: %s", strerror(errno));
			else
				sent += (size_t)n;
			CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)sent, "position %ld after %zu sent",
			      (long)lseek(fd, 0, SEEK_CUR), sent);
			if (n < 0) {
				eagain++;
				break;
			}
		}
		ssize_t r = recv(sv[1], got + recvd, 100000 < SIZE - recvd ? 100000 : SIZE - recvd,
				 MSG_DONTWAIT);
		if (r > 0)
			recvd += (size_t)r;
		else
			CHECK(r < 0 && errno == EAGAIN, "recv: %zd %s", r, strerror(errno));
	}
	CHECK(recvd == SIZE && sent == SIZE, "sent %zu received %zu", sent, recvd);
	CHECK(eagain > 0, "the socket never filled up");
	for (size_t i = 0; i < SIZE; i++)
		CHECK(got[i] == buf[i], "byte %zu differs", i);
	unlink("/tmp/sendfile_nb.dat");
	guest_pass("sendfile_nb");
	return 0;
}
