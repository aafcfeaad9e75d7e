/* instsup.c: the supervisor of one instance (`isle __instance-supervise DIR`, started
 * detached by isle instance create). It records itself in DIR/state, starts a logger
 * process that copies its stdout and stderr (and so QEMU's, the program's console and the
 * kernel log) into DIR/log with a 1 MiB cap and one rotated generation, then runs the VM
 * with run_main (the code of `isle run`) on the argv in DIR/runargs. With RebootOnExit
 * in the image's manifest, a non-zero exit of the program starts it again, at most
 * INST_MAX_RESTARTS times with a doubling back-off. SIGTERM (isle instance stop) is read
 * by vm_run like isle run's; between runs it ends the back-off wait. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abi/exit.h"
#include "abi/manifest.h"
#include "instance.h"
#include "mfread.h"
#include "run.h"
#include "store.h"
#include "strvec.h"
#include "util.h"
#include "vm.h"

/* Splits the NUL-separated runargs into sv. */
static int read_runargs(const char *dir, struct strvec *sv)
{
	char *p = util_xasprintf("%s/runargs", dir), *text;
	FILE *f = fopen(p, "re");
	size_t n = 0, cap = 0;

	free(p);
	if (!f)
		return -errno;
	text = NULL;
	for (int c; (c = fgetc(f)) != EOF;) {
		if (n + 1 >= cap)
			text = util_xrealloc(text, cap = cap ? cap * 2 : 256);
		text[n++] = (char)c;
	}
	fclose(f);
	for (size_t i = 0; i < n;) {
		size_t len = strnlen(text + i, n - i);

		if (i + len == n) /* not NUL-terminated */
			break;
		strvec_push(sv, text + i);
		i += len + 1;
	}
	free(text);
	return sv->n ? 0 : -EINVAL;
}

/* The logger: copies fd into DIR/log until end of file. Never returns. */
static void logger(const char *dir, int fd)
{
	struct inst_log l;
	char *p = util_xasprintf("%s/log", dir), buf[8192];

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (inst_log_open(&l, p, INST_LOG_CAP))
		_exit(1);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		inst_log_write(&l, buf, (size_t)n);
	}
	inst_log_close(&l);
	_exit(0);
}

static bool stop_asked(const char *dir)
{
	char *p = util_xasprintf("%s/stop", dir);
	bool r = access(p, F_OK) == 0;

	free(p);
	return r;
}

/* Waits secs seconds for SIGINT, SIGTERM or SIGHUP (blocked). True when one came. */
static bool wait_for_stop(int secs)
{
	sigset_t set;
	struct timespec ts = {.tv_sec = secs};
	struct timespec end, now;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += secs;
	for (;;) {
		if (sigtimedwait(&set, NULL, &ts) >= 0)
			return true;
		if (errno != EINTR)
			return false;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec >= end.tv_sec)
			return false;
		ts.tv_sec = end.tv_sec - now.tv_sec;
	}
}

/* isle run's own statuses for "could not start": no point in restarting. */
static bool cannot_start(int status)
{
	return status == ISLE_EXIT_USAGE || status == ISLE_EXIT_CANNOT_RUN ||
	       status == ISLE_EXIT_NOT_FOUND;
}

static int supervise(const char *dir, struct inst_state *s, struct strvec *args, bool reboot)
{
	int backoff = 1;

	for (;;) {
		int status = run_main((int)args->n, args->v);

		fflush(NULL);
		if (stop_asked(dir) || status == ISLE_EXIT_SIGTERM || status == ISLE_EXIT_SIGINT) {
			s->phase = INST_STOPPED;
			s->status = status;
			break;
		}
		if (!status || !reboot || cannot_start(status) ||
		    s->restarts >= INST_MAX_RESTARTS) {
			if (status && reboot && s->restarts >= INST_MAX_RESTARTS)
				util_err("instance %s: exited with %d after %d restarts: giving up",
					 s->name, status, s->restarts);
			s->phase = INST_EXITED;
			s->status = status;
			break;
		}
		s->restarts++;
		util_err("instance %s: exited with %d; RebootOnExit: restart %d of %d in %d s",
			 s->name, status, s->restarts, INST_MAX_RESTARTS, backoff);
		inst_write_state(dir, s);
		if (wait_for_stop(backoff) || stop_asked(dir)) {
			s->phase = INST_STOPPED;
			s->status = status;
			break;
		}
		backoff = backoff * 2 > INST_BACKOFF_MAX ? INST_BACKOFF_MAX : backoff * 2;
	}
	return inst_write_state(dir, s);
}

int instance_supervise(int argc, char **argv)
{
	struct inst_state s;
	struct strvec args = {0};
	struct mf_info mf;
	bool reboot = false;
	int fds[2], r;
	pid_t log_pid;
	const char *dir = argc == 2 ? argv[1] : NULL;

	if (!dir || inst_read_state(dir, &s) || read_runargs(dir, &args)) {
		util_err("%s: not an instance directory", dir ? dir : "(none)");
		return 1;
	}
	/* Before anything can be interrupted: SIGTERM is then read by vm_run or by
	 * wait_for_stop, never lost. */
	if (vm_signals_block() < 0 || pipe2(fds, O_CLOEXEC) < 0) {
		util_err("instance %s: %s", s.name, strerror(errno));
		return 1;
	}
	log_pid = fork();
	if (log_pid == 0) {
		close(fds[1]);
		logger(dir, fds[0]);
	}
	close(fds[0]);
	if (log_pid > 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
	}
	close(fds[1]);
	s.pid = (long)getpid();
	s.pid_start = inst_proc_start(s.pid);
	s.started = (long long)time(NULL);
	s.phase = INST_RUNNING;
	inst_write_state(dir, &s);
	if (mf_read_image(s.disk, &mf) == 0) {
		reboot = mf.flags & ISLE_MF_REBOOT_ON_EXIT;
		mf_free(&mf);
	}
	util_err("instance %s: starting %s%s", s.name, s.image, reboot ? " (RebootOnExit)" : "");
	r = supervise(dir, &s, &args, reboot);
	util_err("instance %s: %s (status %d)", s.name,
		 s.phase == INST_STOPPED ? "stopped" : "exited", s.status);
	strvec_free(&args);
	fflush(NULL);
	close(1);
	close(2);
	if (log_pid > 0)
		waitpid(log_pid, NULL, 0);
	return r ? 1 : 0;
}
