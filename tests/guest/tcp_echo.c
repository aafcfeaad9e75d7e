/* tcp_echo.c: a TCP echo server for tests driven from the host: listens on the port in
 * argv[1] (all addresses), prints READY, serves argv[2] connections one after the other
 * (echoing until the client closes), prints the bytes echoed per connection and exits. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest.h"

int main(int argc, char **argv)
{
	CHECK(argc == 3, "usage: tcp_echo PORT CONNECTIONS");
	int port = atoi(argv[1]), conns = atoi(argv[2]);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(ls >= 0, "socket: %s", strerror(errno));
	int one = 1;
	CHECK(setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	CHECK(bind(ls, (struct sockaddr *)&a, sizeof(a)) == 0, "bind: %s", strerror(errno));
	CHECK(listen(ls, 4) == 0, "listen: %s", strerror(errno));
	printf("READY\n");
	fflush(stdout);
	for (int i = 0; i < conns; i++) {
		int c = accept(ls, NULL, NULL);
		CHECK(c >= 0, "accept: %s", strerror(errno));
		static char buf[16384];
		long total = 0;
		for (;;) {
			ssize_t n = recv(c, buf, sizeof(buf), 0);
			CHECK(n >= 0, "recv: %s", strerror(errno));
			if (n == 0)
				break;
			for (ssize_t off = 0; off < n;) {
				ssize_t w = send(c, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
				CHECK(w > 0, "send: %s", strerror(errno));
				off += w;
			}
			total += n;
		}
		close(c);
		printf("ECHOED %ld\n", total);
	}
	close(ls);
	guest_pass("tcp_echo");
	return 0;
}
