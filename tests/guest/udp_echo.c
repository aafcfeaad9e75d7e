/* udp_echo.c: a UDP echo server: bind 0.0.0.0:PORT (argv[1]), send each of N datagrams
 * (argv[2], default 1) back to where it came from, then exit. Prints "READY port" once
 * bound so a test driving it from outside knows when to start, and "GOT LEN TEXT" for each
 * datagram (QEMU's restrict=on user networking drops every UDP datagram the guest sends
 * that is not DHCP, so a host test behind --net isolated can only see these lines). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest.h"

int main(int argc, char **argv)
{
	CHECK(argc >= 2, "usage: udp_echo PORT [N]");
	int port = atoi(argv[1]), n = argc > 2 ? atoi(argv[2]) : 1;
	CHECK(port > 0 && port < 65536 && n > 0);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0, "socket: %s", strerror(errno));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "bind: %s", strerror(errno));
	printf("READY %d\n", port);
	fflush(stdout);
	static char buf[65536];
	for (int i = 0; i < n; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		CHECK(r >= 0, "recvfrom: %s", strerror(errno));
		printf("GOT %zd %.*s\n", r, (int)(r < 40 ? r : 40), buf);
		fflush(stdout);
		CHECK(sendto(fd, buf, (size_t)r, 0, (struct sockaddr *)&from, fl) == r,
		      "sendto: %s", strerror(errno));
	}
	close(fd);
	guest_pass("udp_echo");
	return 0;
}
