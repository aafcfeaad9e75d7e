/* tcpbench.c: the guest end of the TCP throughput benchmark (bench/tcp.py). Listens on
 * PORT and serves one connection at a time, forever (the bench stops the VM). The client's
 * first byte chooses: 'S' the client sends until it shuts down its side, and the server
 * answers with the byte count as 8 bytes little-endian (so the client's clock stops when
 * everything has arrived); 'R' followed by an 8-byte little-endian count: the server sends
 * that many bytes and closes. Prints "tcpbench: listening on PORT" when ready.
 * Usage: tcpbench PORT. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];

static int read_full(int fd, void *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);
		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

static int write_full(int fd, const void *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(fd, (const char *)p + done, n - done);
		if (w <= 0)
			return -1;
		done += w;
	}
	return 0;
}

static void serve(int c)
{
	unsigned char mode, le[8];
	uint64_t n = 0;

	if (read_full(c, &mode, 1) != 0)
		return;
	if (mode == 'S') {
		ssize_t r;
		while ((r = read(c, buf, sizeof(buf))) > 0)
			n += r;
		for (int i = 0; i < 8; i++)
			le[i] = n >> (8 * i);
		write_full(c, le, 8);
	} else if (mode == 'R' && read_full(c, le, 8) == 0) {
		for (int i = 0; i < 8; i++)
			n |= (uint64_t)le[i] << (8 * i);
		while (n > 0) {
			size_t k = n < sizeof(buf) ? n : sizeof(buf);
			if (write_full(c, buf, k) != 0)
				break;
			n -= k;
		}
	}
}

int main(int argc, char **argv)
{
	long port = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	struct sockaddr_in a = {.sin_family = AF_INET};
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	if (port < 1 || port > 65535) {
		fprintf(stderr, "usage: tcpbench PORT (1..65535)\n");
		return 2;
	}
	a.sin_port = htons(port);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 4) != 0) {
		perror("tcpbench: listen");
		return 1;
	}
	memset(buf, 'x', sizeof(buf));
	printf("tcpbench: listening on %ld\n", port);
	fflush(stdout);
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		serve(c);
		close(c);
	}
}
