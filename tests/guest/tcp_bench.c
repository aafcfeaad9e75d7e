/* tcp_bench.c: TCP throughput for measuring (bench, not a pass/fail speed test).
 * `tcp_bench local MIB`: a thread sends MIB MiB over 127.0.0.1 to a reader that checks
 * the byte count and a checksum; prints "local BYTES bytes NS ns MBPS MB/s".
 * `tcp_bench serve PORT MIB`: accepts two connections on PORT: reads the first to EOF
 * (host -> guest), then sends MIB MiB on the second (guest -> host); prints the byte
 * count read and "READY" once listening. Both end with the PASS line. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define CHUNK 65536

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int listen_on(uint16_t *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(*port)};
	socklen_t len = sizeof(a);
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	CHECK(s >= 0, "socket: errno %d", errno);
	CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	a.sin_addr.s_addr = htonl(*port ? INADDR_ANY : INADDR_LOOPBACK);
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0, "bind: errno %d", errno);
	CHECK(listen(s, 4) == 0);
	CHECK(getsockname(s, (struct sockaddr *)&a, &len) == 0);
	*port = ntohs(a.sin_port);
	return s;
}

static void send_all(int fd, uint64_t total)
{
	static unsigned char buf[CHUNK];

	for (uint32_t i = 0; i < CHUNK; i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	while (total) {
		size_t n = total < CHUNK ? total : CHUNK;
		ssize_t w = write(fd, buf, n);
		CHECK(w > 0, "write: errno %d", errno);
		total -= (uint64_t)w;
	}
}

/* Read to EOF; returns the byte count, *sum the sum of all bytes. */
static uint64_t read_all(int fd, uint64_t *sum)
{
	static unsigned char buf[CHUNK];
	uint64_t got = 0, s = 0;

	for (;;) {
		ssize_t r = read(fd, buf, CHUNK);
		CHECK(r >= 0, "read: errno %d", errno);
		if (r == 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			s += buf[i];
		got += (uint64_t)r;
	}
	*sum = s;
	return got;
}

struct job {
	uint16_t port;
	uint64_t bytes;
};

static void *sender(void *p)
{
	struct job *j = p;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(j->port)};
	int s = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(connect(s, (struct sockaddr *)&a, sizeof(a)) == 0, "connect: errno %d", errno);
	send_all(s, j->bytes);
	close(s);
	return NULL;
}

static uint64_t expected_sum(uint64_t total)
{
	uint64_t per = 0, s;

	for (uint32_t i = 0; i < CHUNK; i++)
		per += (unsigned char)(i * 7 + 3);
	s = per * (total / CHUNK);
	for (uint32_t i = 0; i < total % CHUNK; i++)
		s += (unsigned char)(i * 7 + 3);
	return s;
}

static void local(uint64_t bytes)
{
	struct job j = {.port = 0, .bytes = bytes};
	int l = listen_on(&j.port);
	pthread_t th;
	uint64_t t0 = now_ns(), sum;

	CHECK(pthread_create(&th, NULL, sender, &j) == 0);
	int c = accept(l, NULL, NULL);
	CHECK(c >= 0, "accept: errno %d", errno);
	uint64_t got = read_all(c, &sum);
	uint64_t ns = now_ns() - t0;
	pthread_join(th, NULL);
	CHECK(got == bytes, "got %llu of %llu", (unsigned long long)got, (unsigned long long)bytes);
	CHECK(sum == expected_sum(bytes), "checksum");
	printf("local %llu bytes %llu ns %.1f MB/s\n", (unsigned long long)got,
	       (unsigned long long)ns, (double)got / 1e6 / ((double)ns / 1e9));
	close(c);
	close(l);
}

static void serve(uint16_t port, uint64_t bytes)
{
	int l = listen_on(&port);
	uint64_t sum;

	printf("READY %u\n", port);
	fflush(stdout);
	int c = accept(l, NULL, NULL);
	CHECK(c >= 0, "accept: errno %d", errno);
	uint64_t got = read_all(c, &sum);
	printf("READ %llu\n", (unsigned long long)got);
	fflush(stdout);
	close(c);
	c = accept(l, NULL, NULL);
	CHECK(c >= 0, "accept: errno %d", errno);
	send_all(c, bytes);
	/* The exit powers the VM off at once: first wait (bounded) until all is acked. */
	CHECK(shutdown(c, SHUT_WR) == 0);
	for (int k = 0; k < 6000; k++) {
		int unacked = 0;
		CHECK(ioctl(c, SIOCOUTQ, &unacked) == 0, "SIOCOUTQ: errno %d", errno);
		if (unacked == 0)
			break;
		usleep(10000);
	}
	close(c);
	close(l);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "local")) {
		local((uint64_t)strtoull(argv[2], NULL, 10) << 20);
	} else if (argc == 4 && !strcmp(argv[1], "serve")) {
		serve((uint16_t)atoi(argv[2]), (uint64_t)strtoull(argv[3], NULL, 10) << 20);
	} else {
		fprintf(stderr, "usage: tcp_bench local MIB | serve PORT MIB\n");
		return 2;
	}
	guest_pass("tcp_bench");
	return 0;
}
