/* qmp.c: QMP client (contract in qmp.h). The protocol (QEMU's docs/interop/qmp-spec):
 * the server greets with {"QMP": {...}}, the client sends {"execute": "qmp_capabilities"}
 * and then commands, one JSON object per line; each command is answered by an object with
 * "return" or "error", and objects with "event" may come at any time in between.
 *
 * qmp_execute: one connection per call; one deadline for the whole exchange, every wait a
 * poll() bounded by what is left of it. A connection kept open (qmp_open) keeps its
 * partial input between commands, so an event half read stays whole. Lines longer than
 * QMP_LINE_MAX are refused. */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "qmp.h"

#define QMP_LINE_MAX 65536

struct qmp_conn {
	int fd;
	size_t len; /* bytes in buf: what has been read past the last whole line */
	char buf[QMP_LINE_MAX];
	char line[QMP_LINE_MAX + 1];
};

/* One call's context: the connection, the deadline, where the reason goes. */
struct conn {
	struct qmp_conn *q;
	int fd;
	long long deadline_ms;
	int timeout_ms;
	char *err;
	size_t errlen;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int fail(struct conn *c, int e, const char *fmt, const char *arg)
{
	if (c->errlen)
		snprintf(c->err, c->errlen, fmt, arg);
	return -e;
}

static int timed_out(struct conn *c)
{
	if (c->errlen)
		snprintf(c->err, c->errlen, "no answer within %d ms", c->timeout_ms);
	return -ETIMEDOUT;
}

/* Waits for events on c->fd until the deadline: 0, or -ETIMEDOUT / -errno. */
static int wait_fd(struct conn *c, short events)
{
	for (;;) {
		struct pollfd pf = {.fd = c->fd, .events = events};
		long long left = c->deadline_ms - now_ms();
		int r;

		if (left <= 0)
			return timed_out(c);
		r = poll(&pf, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return fail(c, errno, "poll: %s", strerror(errno));
	}
}

/* The next line (without its line end, NUL-terminated) into line[QMP_LINE_MAX]. */
static int read_line(struct conn *c, char *line)
{
	struct qmp_conn *q = c->q;

	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);

		if (nl) {
			size_t n = (size_t)(nl - q->buf);

			memcpy(line, q->buf, n);
			line[n] = '\0';
			if (n > 0 && line[n - 1] == '\r')
				line[n - 1] = '\0';
			q->len -= n + 1;
			memmove(q->buf, nl + 1, q->len);
			return 0;
		}
		if (q->len == sizeof(q->buf))
			return fail(c, EPROTO, "QEMU sent a line longer than %s bytes", "65536");
		int r = wait_fd(c, POLLIN);
		if (r)
			return r;
		ssize_t n = read(c->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (n == 0)
			return fail(c, ECONNRESET, "QEMU closed the connection%s", "");
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return fail(c, errno, "read: %s", strerror(errno));
		if (n > 0)
			q->len += (size_t)n;
	}
}

/* The next JSON object from the server (caller json_decref()s it). */
static int read_object(struct conn *c, json_t **out, char *line)
{
	json_error_t je;
	int r;

	do
		r = read_line(c, line);
	while (!r && line[strspn(line, " \t")] == '\0');
	if (r)
		return r;
	*out = json_loads(line, 0, &je);
	if (!*out || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return fail(c, EPROTO, "QEMU sent something that is not a JSON object: %.200s",
			    line);
	}
	return 0;
}

static int send_all(struct conn *c, const char *s)
{
	size_t off = 0, len = strlen(s);

	while (off < len) {
		int r = wait_fd(c, POLLOUT);
		if (r)
			return r;
		ssize_t n = send(c->fd, s + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return fail(c, errno, "write: %s", strerror(errno));
		if (n > 0)
			off += (size_t)n;
	}
	return 0;
}

/* Sends {"execute": command} and reads up to its answer, skipping events. */
static int execute(struct conn *c, const char *command, char *line)
{
	char msg[256];
	json_t *o = NULL;
	int r;

	snprintf(msg, sizeof(msg), "{\"execute\": \"%s\"}\n", command);
	r = send_all(c, msg);
	while (!r) {
		r = read_object(c, &o, line);
		if (r)
			break;
		if (json_object_get(o, "return")) {
			json_decref(o);
			return 0;
		}
		json_t *e = json_object_get(o, "error");
		if (e) {
			const char *desc = json_string_value(json_object_get(e, "desc"));

			r = fail(c, EIO, "QEMU answered: %s", desc ? desc : "an error");
			json_decref(o);
			return r;
		}
		if (!json_object_get(o, "event"))
			r = fail(c, EPROTO, "QEMU sent an unexpected object: %.200s", line);
		json_decref(o);
	}
	return r;
}

static int greeting(struct conn *c, char *line)
{
	json_t *o = NULL;
	int r = read_object(c, &o, line);

	if (!r && !json_object_get(o, "QMP"))
		r = fail(c, EPROTO, "not a QMP greeting: %.200s", line);
	json_decref(o);
	return r;
}

static void call_init(struct conn *c, struct qmp_conn *q, int timeout_ms, char *err, size_t errlen)
{
	*c = (struct conn){.q = q,
			   .fd = q ? q->fd : -1,
			   .deadline_ms = now_ms() + timeout_ms,
			   .timeout_ms = timeout_ms,
			   .err = err,
			   .errlen = errlen};
	if (errlen)
		err[0] = '\0';
}

int qmp_open(const char *sock_path, int timeout_ms, struct qmp_conn **out, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct qmp_conn *q;
	struct conn c;
	int r;

	*out = NULL;
	call_init(&c, NULL, timeout_ms, err, errlen);
	if (strlen(sock_path) >= sizeof(sa.sun_path))
		return fail(&c, ENAMETOOLONG, "connect %s: path too long for a unix socket",
			    sock_path);
	q = malloc(sizeof(*q));
	if (!q)
		return fail(&c, ENOMEM, "out of memory%s", "");
	q->len = 0;
	strcpy(sa.sun_path, sock_path);
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (q->fd < 0) {
		r = fail(&c, errno, "socket: %s", strerror(errno));
		free(q);
		return r;
	}
	c.q = q;
	c.fd = q->fd;
	if (connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		int e = errno;

		if (errlen)
			snprintf(err, errlen, "connect %s: %s", sock_path, strerror(e));
		r = -e;
	} else {
		r = greeting(&c, q->line);
		if (!r)
			r = execute(&c, "qmp_capabilities", q->line);
	}
	if (r) {
		qmp_close(q);
		return r;
	}
	*out = q;
	return 0;
}

int qmp_command(struct qmp_conn *q, const char *command, int timeout_ms, char *err, size_t errlen)
{
	struct conn c;

	call_init(&c, q, timeout_ms, err, errlen);
	if (strlen(command) > 128 || strpbrk(command, "\"\\\n"))
		return fail(&c, EINVAL, "bad QMP command name%s", "");
	return execute(&c, command, q->line);
}

void qmp_close(struct qmp_conn *q)
{
	if (!q)
		return;
	if (q->fd >= 0)
		close(q->fd);
	free(q);
}

int qmp_execute(const char *sock_path, const char *command, int timeout_ms, char *err,
		size_t errlen)
{
	long long deadline = now_ms() + timeout_ms;
	struct qmp_conn *q;
	int r = qmp_open(sock_path, timeout_ms, &q, err, errlen);

	if (r)
		return r;
	long long left = deadline - now_ms();
	r = qmp_command(q, command, left > 0 ? (int)left : 0, err, errlen);
	if (r == -ETIMEDOUT && errlen) /* name the caller's whole budget */
		snprintf(err, errlen, "no answer within %d ms", timeout_ms);
	qmp_close(q);
	return r;
}

int qmp_powerdown(const char *sock_path, int timeout_ms, char *err, size_t errlen)
{
	return qmp_execute(sock_path, "system_powerdown", timeout_ms, err, errlen);
}
