/* qmp.c: QMP client (contract in qmp.h). The protocol (QEMU's docs/interop/qmp-spec):
 * the server greets with {"QMP": {...}}, the client sends {"execute": "qmp_capabilities"}
 * and then commands, one JSON object per line; each command is answered by an object with
 * "return" or "error", and objects with "event" may come at any time in between.
 *
 * One connection per call; one deadline for the whole exchange, every wait a poll()
 * bounded by what is left of it. Lines longer than QMP_LINE_MAX are refused. */
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

struct conn {
	int fd;
	long long deadline_ms;
	int timeout_ms;
	char *err;
	size_t errlen;
	size_t len; /* bytes in buf */
	char buf[QMP_LINE_MAX];
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
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);

		if (nl) {
			size_t n = (size_t)(nl - c->buf);

			memcpy(line, c->buf, n);
			line[n] = '\0';
			if (n > 0 && line[n - 1] == '\r')
				line[n - 1] = '\0';
			c->len -= n + 1;
			memmove(c->buf, nl + 1, c->len);
			return 0;
		}
		if (c->len == sizeof(c->buf))
			return fail(c, EPROTO, "QEMU sent a line longer than %s bytes", "65536");
		int r = wait_fd(c, POLLIN);
		if (r)
			return r;
		ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n == 0)
			return fail(c, ECONNRESET, "QEMU closed the connection%s", "");
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return fail(c, errno, "read: %s", strerror(errno));
		if (n > 0)
			c->len += (size_t)n;
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

int qmp_execute(const char *sock_path, const char *command, int timeout_ms, char *err,
		size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct conn *c;
	char *line;
	int r;

	if (errlen)
		err[0] = '\0';
	if (strlen(sock_path) >= sizeof(sa.sun_path)) {
		if (errlen)
			snprintf(err, errlen, "connect %s: path too long for a unix socket",
				 sock_path);
		return -ENAMETOOLONG;
	}
	if (strlen(command) > 128 || strpbrk(command, "\"\\\n")) {
		if (errlen)
			snprintf(err, errlen, "bad QMP command name");
		return -EINVAL;
	}
	c = malloc(sizeof(*c));
	line = malloc(QMP_LINE_MAX + 1);
	if (!c || !line) {
		free(c);
		free(line);
		if (errlen)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*c = (struct conn){.deadline_ms = now_ms() + timeout_ms,
			   .timeout_ms = timeout_ms,
			   .err = err,
			   .errlen = errlen};
	strcpy(sa.sun_path, sock_path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		r = fail(c, errno, "socket: %s", strerror(errno));
		goto out;
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		int e = errno;

		if (errlen)
			snprintf(err, errlen, "connect %s: %s", sock_path, strerror(e));
		r = -e;
		goto out;
	}
	r = greeting(c, line);
	if (!r)
		r = execute(c, "qmp_capabilities", line);
	if (!r)
		r = execute(c, command, line);
out:
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	free(line);
	return r;
}

int qmp_powerdown(const char *sock_path, int timeout_ms, char *err, size_t errlen)
{
	return qmp_execute(sock_path, "system_powerdown", timeout_ms, err, errlen);
}
