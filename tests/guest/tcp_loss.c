/* tcp_loss.c: the guest side of the lossy-link test (tests/e2e/test_tcp_loss.py).
 * `tcp_loss PORT MIB`: listens on PORT and prints "READY PORT"; reads the first connection
 * to EOF and checks every byte against the stream of seed SEED_IN (order matters: a
 * misplaced segment fails at its offset), printing "RECV BYTES OK"; then sends MIB MiB of
 * the stream of seed SEED_OUT on the second connection, waits (bounded) until the peer has
 * acknowledged all of it, and prints "SENT BYTES". The stream is xorshift64 (13, 7, 17)
 * from the seed, each state a little-endian 64-bit word; the test regenerates it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest.h"

#define SEED_IN 0x9E3779B97F4A7C15ull
#define SEED_OUT 0xD1B54A32D192ED03ull
#define CHUNK 65536

struct stream {
	uint64_t x;
	unsigned char word[8];
	unsigned used; /* bytes of word already handed out; 8 = take the next state */
};

static void stream_init(struct stream *s, uint64_t seed)
{
	s->x = seed;
	s->used = 8;
}

static unsigned char stream_byte(struct stream *s)
{
	if (s->used == 8) {
		s->x ^= s->x << 13;
		s->x ^= s->x >> 7;
		s->x ^= s->x << 17;
		for (int i = 0; i < 8; i++)
			s->word[i] = (unsigned char)(s->x >> (8 * i));
		s->used = 0;
	}
	return s->word[s->used++];
}

static uint64_t receive_checked(int fd)
{
	static unsigned char buf[CHUNK];
	struct stream s;
	uint64_t got = 0;

	stream_init(&s, SEED_IN);
	for (;;) {
		ssize_t r = read(fd, buf, CHUNK);
		CHECK(r >= 0, "read: errno %d", errno);
		if (r == 0)
			return got;
		for (ssize_t i = 0; i < r; i++) {
			unsigned char want = stream_byte(&s);
			CHECK(buf[i] == want, "byte %llu is 0x%02x, expected 0x%02x",
			      (unsigned long long)(got + (uint64_t)i), buf[i], want);
		}
		got += (uint64_t)r;
	}
}

static void send_stream(int fd, uint64_t total)
{
	static unsigned char buf[CHUNK];
	struct stream s;

	stream_init(&s, SEED_OUT);
	while (total) {
		size_t n = total < CHUNK ? total : CHUNK;
		for (size_t i = 0; i < n; i++)
			buf[i] = stream_byte(&s);
		for (size_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, n - off);
			CHECK(w > 0, "write: errno %d", errno);
			off += (size_t)w;
		}
		total -= n;
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: tcp_loss PORT MIB\n");
		return 2;
	}
	uint16_t port = (uint16_t)atoi(argv[1]);
	uint64_t bytes = (uint64_t)strtoull(argv[2], NULL, 10) << 20;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);

	CHECK(l >= 0, "socket: errno %d", errno);
	CHECK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0, "bind: errno %d", errno);
	CHECK(listen(l, 4) == 0);
	printf("READY %u\n", port);
	fflush(stdout);

	int c = accept(l, NULL, NULL);
	CHECK(c >= 0, "accept: errno %d", errno);
	uint64_t got = receive_checked(c);
	CHECK(got == bytes, "received %llu bytes of %llu", (unsigned long long)got,
	      (unsigned long long)bytes);
	printf("RECV %llu OK\n", (unsigned long long)got);
	fflush(stdout);
	close(c);

	c = accept(l, NULL, NULL);
	CHECK(c >= 0, "accept: errno %d", errno);
	send_stream(c, bytes);
	CHECK(shutdown(c, SHUT_WR) == 0);
	/* Exit powers the VM off: first wait (bounded, 120 s) until the peer acked it all. */
	int unacked = -1;
	for (int k = 0; k < 12000; k++) {
		CHECK(ioctl(c, SIOCOUTQ, &unacked) == 0, "SIOCOUTQ: errno %d", errno);
		if (unacked == 0)
			break;
		usleep(10000);
	}
	CHECK(unacked == 0, "%d bytes still unacknowledged", unacked);
	printf("SENT %llu\n", (unsigned long long)bytes);
	close(c);
	close(l);
	guest_pass("tcp_loss");
	return 0;
}
