/* spawn.c: fork + exec a host tool with captured output. Output is collected in
 * anonymous temporary files rather than pipes: no deadlock between two pipes, and no
 * size limit beyond the disk. A close-on-exec pipe carries an exec failure's errno back. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

static int anon_file(void)
{
	FILE *f = tmpfile();
	int fd;

	if (!f)
		return -errno;
	fd = fcntl(fileno(f), F_DUPFD_CLOEXEC, 3);
	fclose(f);
	return fd < 0 ? -errno : fd;
}

/* Reads the whole of fd (from offset 0) into a new NUL-terminated buffer. */
static char *slurp(int fd, size_t *len)
{
	size_t n = 0, cap = 4096;
	char *buf = util_xmalloc(cap);

	lseek(fd, 0, SEEK_SET);
	for (;;) {
		ssize_t r;

		if (cap - n < 2) {
			cap *= 2;
			buf = util_xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static _Noreturn void child(char *const argv[], int out_fd, int err_fd, int report)
{
	int null = open("/dev/null", O_RDONLY);
	int e;

	signal(SIGPIPE, SIG_DFL);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) {
		e = errno;
	} else {
		execvp(argv[0], argv);
		e = errno;
	}
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

int spawn_run(char *const argv[], int out_fd, struct spawn_result *r)
{
	int err_fd, cap_fd = -1, report[2], e = 0, st;
	pid_t pid;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	err_fd = anon_file();
	if (err_fd < 0)
		return err_fd;
	if (out_fd < 0) {
		cap_fd = anon_file();
		if (cap_fd < 0) {
			close(err_fd);
			return cap_fd;
		}
	}
	if (pipe2(report, O_CLOEXEC) < 0) {
		e = -errno;
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		e = -errno;
		close(report[0]);
		close(report[1]);
		goto out;
	}
	if (pid == 0)
		child(argv, out_fd >= 0 ? out_fd : cap_fd, err_fd, report[1]);
	close(report[1]);
	do
		n = read(report[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(report[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n == sizeof(e)) {
		e = -e;
		goto out;
	}
	e = 0;
	r->status = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	r->err = slurp(err_fd, NULL);
	if (cap_fd >= 0)
		r->out = slurp(cap_fd, &r->out_len);
out:
	close(err_fd);
	if (cap_fd >= 0)
		close(cap_fd);
	return e;
}

void spawn_result_free(struct spawn_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}
