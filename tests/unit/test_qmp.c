/* test_qmp.c: cli/qmp.c against a fake QMP server: a thread listening on a unix socket in
 * a private temporary directory that plays a script (send a line, receive a line and
 * record it, close). Covered: the normal exchange (greeting, capabilities, the command,
 * events before the return, CRLF line ends, replies split in small pieces), a connection
 * kept open across commands (an event split between them), error replies, EOF, silence
 * until the timeout, a missing socket, a bad greeting, an overlong line, a path too long
 * for a unix socket. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../cli/qmp.h"

#define GREETING                                                                                   \
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, "         \
	"\"capabilities\": [\"oob\"]}}\r\n"
#define RETURN "{\"return\": {}}\r\n"
#define EVENT "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"POWERDOWN\"}\r\n"
#define MAX_STEPS 8
#define MAX_RECV 4

enum step_kind { SEND, SEND_SLOWLY, RECV, CLOSE };
struct step {
	enum step_kind kind;
	const char *text;
};

struct server {
	int listen_fd;
	struct step steps[MAX_STEPS];
	char received[MAX_RECV][256];
	int n_received;
	pthread_t thread;
};

static char dir[] = "/tmp/isle-test-qmp-XXXXXX";
static char sock_path[128];

/* One line from fd, bounded by 10 s (a hang guard). */
static int recv_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	while (n + 1 < size) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		if (poll(&pf, 1, 10000) <= 0)
			return -1;
		if (read(fd, buf + n, 1) != 1)
			return -1;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return 0;
}

static void *serve(void *arg)
{
	struct server *s = arg;
	int fd = accept(s->listen_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	for (int i = 0; i < MAX_STEPS && s->steps[i].text; i++) {
		const struct step *st = &s->steps[i];
		if (st->kind == SEND) {
			if (write(fd, st->text, strlen(st->text)) < 0)
				break;
		} else if (st->kind == SEND_SLOWLY) {
			for (const char *p = st->text; *p; p++) {
				if (write(fd, p, 1) != 1)
					break;
				usleep(200);
			}
		} else if (st->kind == RECV) {
			if (s->n_received == MAX_RECV ||
			    recv_line(fd, s->received[s->n_received], 256) < 0)
				break;
			s->n_received++;
		} else {
			break; /* CLOSE */
		}
	}
	/* Keep the connection until the client goes (or 10 s), unless told to close. */
	char c;
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	int closing = 0;
	for (int i = 0; i < MAX_STEPS && s->steps[i].text; i++)
		closing |= s->steps[i].kind == CLOSE;
	while (!closing && poll(&pf, 1, 10000) > 0 && read(fd, &c, 1) == 1)
		;
	close(fd);
	return NULL;
}

static struct server *start(const struct step *steps, size_t n)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	assert_non_null(s);
	assert_true(n < MAX_STEPS);
	memcpy(s->steps, steps, n * sizeof(*steps));
	strcpy(sa.sun_path, sock_path);
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->listen_fd >= 0);
	assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->listen_fd, 1), 0);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
	return s;
}

static void stop(struct server *s)
{
	pthread_join(s->thread, NULL);
	close(s->listen_fd);
	unlink(sock_path);
	free(s);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/qmp.sock", dir);
	return 0;
}

static int teardown(void **state)
{
	unlink(sock_path);
	rmdir(dir);
	return 0;
}

static void test_powerdown(void **state)
{
	const struct step steps[] = {
		{SEND, GREETING}, {RECV, "caps"}, {SEND, RETURN},
		{RECV, "cmd"},	  {SEND, EVENT},  {SEND, RETURN},
	};
	struct server *s = start(steps, sizeof(steps) / sizeof(steps[0]));
	char err[256] = "unchanged";
	assert_int_equal(qmp_powerdown(sock_path, 10000, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	stop(s);
}

static void test_exchange_recorded(void **state)
{
	const struct step steps[] = {
		{SEND_SLOWLY, GREETING}, {RECV, "caps"},       {SEND_SLOWLY, RETURN},
		{RECV, "cmd"},		 {SEND_SLOWLY, EVENT}, {SEND_SLOWLY, RETURN},
	};
	struct server *s = start(steps, sizeof(steps) / sizeof(steps[0]));
	char err[256];
	assert_int_equal(qmp_execute(sock_path, "query-status", 10000, err, sizeof(err)), 0);
	pthread_join(s->thread, NULL);
	assert_int_equal(s->n_received, 2);
	assert_string_equal(s->received[0], "{\"execute\": \"qmp_capabilities\"}\n");
	assert_string_equal(s->received[1], "{\"execute\": \"query-status\"}\n");
	close(s->listen_fd);
	unlink(sock_path);
	free(s);
}

/* A connection kept open: an event split across two replies stays whole. */
static void test_held_connection(void **state)
{
	const struct step steps[] = {
		{SEND, GREETING},
		{RECV, "caps"},
		{SEND, RETURN},
		{RECV, "cmd1"},
		{SEND, RETURN "{\"timestamp\": {\"seconds\": 1, \"micro"},
		{RECV, "cmd2"},
		{SEND, "seconds\": 2}, \"event\": \"POWERDOWN\"}\r\n" RETURN},
	};
	struct server *s = start(steps, sizeof(steps) / sizeof(steps[0]));
	struct qmp_conn *q;
	char err[256];
	assert_int_equal(qmp_open(sock_path, 10000, &q, err, sizeof(err)), 0);
	assert_int_equal(qmp_command(q, "system_powerdown", 10000, err, sizeof(err)), 0);
	assert_int_equal(qmp_command(q, "system_powerdown", 10000, err, sizeof(err)), 0);
	qmp_close(q);
	pthread_join(s->thread, NULL);
	assert_int_equal(s->n_received, 3);
	assert_string_equal(s->received[2], "{\"execute\": \"system_powerdown\"}\n");
	close(s->listen_fd);
	unlink(sock_path);
	free(s);
	qmp_close(NULL);
}

static void test_error_reply(void **state)
{
	const struct step steps[] = {
		{SEND, GREETING},
		{RECV, "caps"},
		{SEND, RETURN},
		{RECV, "cmd"},
		{SEND, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command "
		       "nosuch has not been found\"}}\r\n"},
	};
	struct server *s = start(steps, sizeof(steps) / sizeof(steps[0]));
	char err[256];
	assert_int_equal(qmp_execute(sock_path, "nosuch", 10000, err, sizeof(err)), -EIO);
	assert_string_equal(err, "QEMU answered: The command nosuch has not been found");
	stop(s);
}

static void test_eof(void **state)
{
	const struct step steps[] = {{SEND, GREETING}, {RECV, "caps"}, {CLOSE, "close"}};
	struct server *s = start(steps, sizeof(steps) / sizeof(steps[0]));
	char err[256];
	assert_int_equal(qmp_powerdown(sock_path, 10000, err, sizeof(err)), -ECONNRESET);
	assert_string_equal(err, "QEMU closed the connection");
	stop(s);
}

static void test_timeout(void **state)
{
	/* Greets, then never answers (the server waits for the client to go). */
	const struct step steps[] = {{SEND, GREETING}};
	struct server *s = start(steps, sizeof(steps) / sizeof(steps[0]));
	char err[256];
	assert_int_equal(qmp_powerdown(sock_path, 200, err, sizeof(err)), -ETIMEDOUT);
	assert_string_equal(err, "no answer within 200 ms");
	stop(s);
}

static void test_no_socket(void **state)
{
	char err[256], expect[300];
	assert_int_equal(qmp_powerdown(sock_path, 1000, err, sizeof(err)), -ENOENT);
	snprintf(expect, sizeof(expect), "connect %s: No such file or directory", sock_path);
	assert_string_equal(err, expect);

	char long_path[200];
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(qmp_powerdown(long_path, 1000, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "path too long"));
}

static void test_bad_greeting(void **state)
{
	const struct step steps[] = {{SEND, "hello there\r\n"}};
	struct server *s = start(steps, sizeof(steps) / sizeof(steps[0]));
	char err[256];
	assert_int_equal(qmp_powerdown(sock_path, 10000, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "QEMU sent something that is not a JSON object: hello there");
	stop(s);

	const struct step not_qmp[] = {{SEND, "{\"return\": {}}\n"}};
	s = start(not_qmp, 1);
	assert_int_equal(qmp_powerdown(sock_path, 10000, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, "not a QMP greeting"));
	stop(s);
}

static void test_overlong_line(void **state)
{
	size_t n = 70000;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, ' ', n);
	big[n] = '\0';
	const struct step steps[] = {{SEND, big}};
	struct server *s = start(steps, 1);
	char err[256];
	assert_int_equal(qmp_powerdown(sock_path, 10000, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, "longer than"));
	stop(s);
	free(big);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* a server write after the client left fails with EPIPE */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_powerdown),
		cmocka_unit_test(test_held_connection),
		cmocka_unit_test(test_exchange_recorded),
		cmocka_unit_test(test_error_reply),
		cmocka_unit_test(test_eof),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_no_socket),
		cmocka_unit_test(test_bad_greeting),
		cmocka_unit_test(test_overlong_line),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
