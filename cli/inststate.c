/* inststate.c: instance names, the state file, the STATE and PORTS columns, port clashes
 * and the capped log (inststate.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inststate.h"
#include "util.h"

static const char *const phase_names[] = {
	[INST_STARTING] = "starting",
	[INST_RUNNING] = "running",
	[INST_STOPPED] = "stopped",
	[INST_EXITED] = "exited",
};

bool inst_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > INST_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum =
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

char *inst_state_format(const struct inst_state *s)
{
	char ports[NET_MAX_PORTS * 20];

	inst_ports_show(s->ports, s->nports, ports, sizeof(ports));
	return util_xasprintf("name=%s\nimage=%s\ndisk=%s\npid=%ld\npid_start=%llu\n"
			      "started=%lld\nstate=%s\nstatus=%d\nrestarts=%d\nmemory=%" PRIu64
			      "\nports=%s\n",
			      s->name, s->image, s->disk, s->pid, s->pid_start, s->started,
			      phase_names[s->phase], s->status, s->restarts, s->memory, ports);
}

static int parse_ll(const char *v, long long lo, long long hi, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(v, &end, 10);
	if (errno || end == v || *end || *out < lo || *out > hi)
		return -EINVAL;
	return 0;
}

static int parse_ports(const char *v, struct inst_state *s)
{
	char *copy, *save = NULL, *tok;
	const char *why;
	int r = 0;

	s->nports = 0;
	if (!strcmp(v, "-"))
		return 0;
	copy = util_xstrdup(v);
	for (tok = strtok_r(copy, ",", &save); tok && !r; tok = strtok_r(NULL, ",", &save)) {
		if (s->nports == NET_MAX_PORTS ||
		    net_port_parse(tok, false, &s->ports[s->nports], &why))
			r = -EINVAL;
		else
			s->nports++;
	}
	free(copy);
	return r;
}

static int set_string(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len)
		return -EINVAL;
	strcpy(dst, v);
	return 0;
}

/* One "key=value" line into s. */
static int parse_line(char *line, struct inst_state *s, bool *have_phase)
{
	char *v = strchr(line, '=');
	long long n;
	int r = 0;

	if (!v)
		return *line ? -EINVAL : 0;
	*v++ = '\0';
	if (!strcmp(line, "name"))
		return set_string(s->name, sizeof(s->name), v);
	if (!strcmp(line, "image"))
		return set_string(s->image, sizeof(s->image), v);
	if (!strcmp(line, "disk"))
		return set_string(s->disk, sizeof(s->disk), v);
	if (!strcmp(line, "ports"))
		return parse_ports(v, s);
	if (!strcmp(line, "state")) {
		for (size_t i = 0; i < sizeof(phase_names) / sizeof(phase_names[0]); i++) {
			if (!strcmp(v, phase_names[i])) {
				s->phase = (enum inst_phase)i;
				*have_phase = true;
				return 0;
			}
		}
		return -EINVAL;
	}
	if (!strcmp(line, "pid_start")) {
		char *end;

		errno = 0;
		s->pid_start = strtoull(v, &end, 10);
		return errno || end == v || *end ? -EINVAL : 0;
	}
	if (!strcmp(line, "memory")) {
		char *end;

		errno = 0;
		s->memory = strtoull(v, &end, 10);
		return errno || end == v || *end ? -EINVAL : 0;
	}
	if (!strcmp(line, "pid") && !(r = parse_ll(v, 0, 0x7fffffff, &n)))
		s->pid = (long)n;
	else if (!strcmp(line, "started") && !(r = parse_ll(v, 0, INT64_MAX, &n)))
		s->started = n;
	else if (!strcmp(line, "status") && !(r = parse_ll(v, 0, 255, &n)))
		s->status = (int)n;
	else if (!strcmp(line, "restarts") && !(r = parse_ll(v, 0, 1000000, &n)))
		s->restarts = (int)n;
	return r;
}

int inst_state_parse(const char *text, struct inst_state *s)
{
	char *copy = util_xstrdup(text), *save = NULL, *line;
	bool have_phase = false;
	int r = 0;

	memset(s, 0, sizeof(*s));
	for (line = strtok_r(copy, "\n", &save); line && !r; line = strtok_r(NULL, "\n", &save))
		r = parse_line(line, s, &have_phase);
	free(copy);
	if (!r && (!have_phase || !inst_name_valid(s->name)))
		r = -EINVAL;
	return r;
}

void inst_state_show(const struct inst_state *s, bool alive, char *buf, size_t len)
{
	if ((s->phase == INST_STARTING || s->phase == INST_RUNNING) && !alive)
		snprintf(buf, len, "crashed");
	else if (s->phase == INST_EXITED)
		snprintf(buf, len, "exited(%d)", s->status);
	else
		snprintf(buf, len, "%s", phase_names[s->phase]);
}

void inst_ports_show(const struct qemu_port *p, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	snprintf(buf, len, "-");
	for (size_t i = 0; i < n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%u:%u/%s", i ? "," : "", p[i].host,
				 p[i].guest, p[i].udp ? "udp" : "tcp");
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

int inst_ports_clash(const struct qemu_port *want, size_t nwant, const struct qemu_port *have,
		     size_t nhave)
{
	for (size_t i = 0; i < nwant; i++)
		for (size_t j = 0; j < nhave; j++)
			if (want[i].host == have[j].host && want[i].udp == have[j].udp)
				return (int)i;
	return -1;
}

int inst_log_open(struct inst_log *l, const char *path, uint64_t cap)
{
	struct stat st;

	if (strlen(path) + 3 > sizeof(l->path))
		return -ENAMETOOLONG;
	strcpy(l->path, path);
	l->cap = cap;
	l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (l->fd < 0)
		return -errno;
	l->size = fstat(l->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

static int rotate(struct inst_log *l)
{
	char old[INST_PATH_MAX + 2];
	int fd;

	snprintf(old, sizeof(old), "%s.1", l->path);
	if (rename(l->path, old) < 0)
		return -errno;
	fd = open(l->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(l->fd);
	l->fd = fd;
	l->size = 0;
	return 0;
}

int inst_log_write(struct inst_log *l, const void *buf, size_t n)
{
	const char *p = buf;
	int r;

	if (l->size && l->size + n > l->cap && (r = rotate(l)) < 0)
		return r;
	while (n) {
		ssize_t w = write(l->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
		l->size += (uint64_t)w;
	}
	return 0;
}

void inst_log_close(struct inst_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
