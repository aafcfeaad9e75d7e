/* vm.c: spawn QEMU and supervise it: one poll() loop over isle's stdin, QEMU's stdin
 * pipe, the kernel log pipe and a signalfd. QEMU's stdin pipe is non-blocking and fed
 * from a buffer, so a guest that does not read its input can never stop isle from
 * draining the log (a full log pipe would stall the guest: a deadlock).
 *
 * Graceful stop (docs/stop.md): with a QMP socket, the first stop signal presses the VM's
 * power button (qmp.h) and the same loop goes on until the VM ends by itself, a second
 * signal comes, or io->stop_timeout_ms passes; the last two kill QEMU as before. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abi/exit.h"
#include "klog.h"
#include "qemu.h"
#include "qmp.h"
#include "util.h"
#include "vm.h"

#define STOP_GRACE_MS 5000  /* after SIGTERM, how long QEMU gets before SIGKILL */
#define EOF_BYTE 0x04	    /* ^D: end of input for the kernel's console */
#define QMP_TIMEOUT_MS 5000 /* for the power button press itself */
#define REPRESS_MS 1000	    /* the button is pressed again this often while stopping */
#define REPRESS_TIMEOUT_MS 1000
#define HOLD_RETRY_MS 20   /* how often isle looks for QEMU's QMP socket at start */
#define HOLD_FOR_MS 60000  /* and for how long */
#define RELAY_TIMEOUT (-1) /* relay(): the deadline passed */

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int vm_signals_block(void)
{
	sigset_t set;

	stop_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -errno;
	return 0;
}

/* In the child after fork(): only async-signal-safe calls. Reports an exec failure as
 * an errno on err_wr (close-on-exec, so success shows as EOF in the parent). */
static _Noreturn void child(char *const argv[], int in_rd, int log_wr, int err_wr, pid_t parent)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;
	int e;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127); /* isle died before the line above took effect */
	sigaction(SIGPIPE, &dfl, NULL);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGHUP, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* All pipe fds are >= 3 (main() keeps 0..2 open), but one may be QEMU_LOG_FD. */
	if (err_wr <= QEMU_LOG_FD)
		err_wr = fcntl(err_wr, F_DUPFD_CLOEXEC, QEMU_LOG_FD + 1);
	if (err_wr < 0 || dup2(in_rd, 0) < 0)
		goto fail;
	if (log_wr == QEMU_LOG_FD) {
		if (fcntl(log_wr, F_SETFD, 0) < 0)
			goto fail;
	} else if (dup2(log_wr, QEMU_LOG_FD) < 0) {
		goto fail;
	}
	/* Whatever isle inherited from its own parent stays out of QEMU. */
	close_range(QEMU_LOG_FD + 1, ~0U, CLOSE_RANGE_CLOEXEC);
	execvp(argv[0], argv);
fail:
	e = errno;
	if (err_wr >= 0) {
		ssize_t w = write(err_wr, &e, sizeof(e));

		(void)w; /* nothing more to do if the parent cannot be told */
	}
	_exit(127);
}

static pid_t wait_child(pid_t pid, int *wstatus)
{
	pid_t r;

	do
		r = waitpid(pid, wstatus, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Starts argv. Returns the pid, or -1 after printing why (exec failure included). */
static pid_t spawn(char *const argv[], int in_rd, int log_wr)
{
	int errp[2], e = 0, ws;
	pid_t pid, parent = getpid();
	ssize_t n;

	if (pipe2(errp, O_CLOEXEC) < 0) {
		util_err("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		util_err("cannot start %s: %s", argv[0], strerror(errno));
		close(errp[0]);
		close(errp[1]);
		return -1;
	}
	if (pid == 0)
		child(argv, in_rd, log_wr, errp[1], parent);
	setpgid(pid, pid); /* also in the parent, so no signal can race the child's call */
	close(errp[1]);
	do
		n = read(errp[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	if (n == (ssize_t)sizeof(e)) {
		wait_child(pid, &ws);
		if (e == ENOENT && !strchr(argv[0], '/'))
			util_err("cannot run %s: not found in PATH (install Debian's "
				 "qemu-system-x86 "
				 "or use --qemu PATH)",
				 argv[0]);
		else
			util_err("cannot run %s: %s", argv[0], strerror(e));
		return -1;
	}
	return pid;
}

/* isle's stdin on its way to QEMU's stdin pipe. */
struct feed {
	int in_fd;    /* -1 once it reached EOF (or the pipe closed) */
	int pipe_fd;  /* non-blocking write end; -1 once closed */
	bool closing; /* close pipe_fd once buf is written */
	size_t off, len;
	char buf[65536];
};

static void feed_read(struct feed *f)
{
	ssize_t n = read(f->in_fd, f->buf, sizeof(f->buf));

	if (n > 0) {
		f->off = 0;
		f->len = (size_t)n;
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	/* EOF (or an unreadable stdin, treated the same): ^D, then close. */
	f->in_fd = -1;
	f->buf[0] = EOF_BYTE;
	f->off = 0;
	f->len = 1;
	f->closing = true;
}

static void feed_write(struct feed *f)
{
	ssize_t n = write(f->pipe_fd, f->buf + f->off, f->len - f->off);

	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		/* EPIPE: QEMU closed its stdin or is gone; stop feeding. */
		close(f->pipe_fd);
		f->pipe_fd = -1;
		f->in_fd = -1;
		return;
	}
	f->off += (size_t)n;
	if (f->off < f->len)
		return;
	f->off = f->len = 0;
	if (f->closing) {
		close(f->pipe_fd);
		f->pipe_fd = -1;
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the supervision loop works on. */
struct sup {
	const struct vm_io *io;
	int sigfd, log_rd;
	struct feed *f;
	struct klog *k;
	const char *unlink_path; /* io->unlink_when_running until the guest shows life */
	struct qmp_conn *qmp;	 /* the QMP connection held (hold_qmp), or NULL */
	long long hold_next_ms, hold_until_ms;
};

/* Connect to QEMU's QMP socket as soon as QEMU has made it (tried every HOLD_RETRY_MS
 * for HOLD_FOR_MS), keep the connection, and remove the socket and its directory at once,
 * so that not even a SIGKILL of isle can leave them behind. Without a connection presses
 * go by path (graceful_stop). */
static void hold_qmp(struct sup *s)
{
	char err[256];
	long long now = now_ms();
	int r;

	if (!s->io->qmp_socket || s->qmp || now < s->hold_next_ms || now > s->hold_until_ms)
		return;
	r = qmp_open(s->io->qmp_socket, QMP_TIMEOUT_MS, &s->qmp, err, sizeof(err));
	if (r == -ENOENT || r == -ECONNREFUSED || r == -ETIMEDOUT) { /* not up yet, or busy */
		s->hold_next_ms = now_ms() + HOLD_RETRY_MS;
		return;
	}
	if (r < 0) {
		s->hold_until_ms = 0; /* presses will go by path, and say why if they fail */
		return;
	}
	unlink(s->io->qmp_socket);
	if (s->io->qmp_dir)
		rmdir(s->io->qmp_dir);
	/* QEMU answers QMP from its main loop, after building the machine, which read the
	 * boot bundle (-initrd) into guest memory: the file is no longer needed. */
	if (s->unlink_path) {
		unlink(s->unlink_path);
		s->unlink_path = NULL;
	}
}

/* Reads the log pipe once. Returns false at EOF (or on a read error). */
static bool log_read(struct sup *s)
{
	char buf[4096];
	ssize_t n = read(s->log_rd, buf, sizeof(buf));

	if (n > 0) {
		if (s->unlink_path) {
			unlink(s->unlink_path);
			s->unlink_path = NULL;
		}
		klog_feed(s->k, buf, (size_t)n);
		return true;
	}
	return n < 0 && (errno == EINTR || errno == EAGAIN);
}

/* SIGTERM to the child (by pid only), keep draining the log so QEMU never blocks on it,
 * SIGKILL after STOP_GRACE_MS, then reap. */
static void stop_child(pid_t pid, struct sup *s)
{
	long long deadline = now_ms() + STOP_GRACE_MS;
	int ws;

	kill(pid, SIGTERM);
	for (;;) {
		struct pollfd pf = {.fd = s->log_rd, .events = POLLIN};
		long long left = deadline - now_ms();
		int r;

		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		r = poll(&pf, 1, (int)left);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && !log_read(s))
			break; /* EOF: QEMU is gone */
	}
	wait_child(pid, &ws);
}

/* The loop proper. Returns a signal number if one stopped isle, 0 at log EOF, or
 * RELAY_TIMEOUT once deadline_ms (now_ms() time; < 0: none) has passed. */
static int relay(struct sup *s, long long deadline_ms)
{
	struct feed *f = s->f;

	for (;;) {
		struct pollfd pf[3];
		int n = 0, i_in = -1, i_out = -1, i_log, i_sig, wait_ms = -1;

		if (deadline_ms >= 0) {
			long long left = deadline_ms - now_ms();

			if (left <= 0)
				return RELAY_TIMEOUT;
			wait_ms = left > 60000 ? 60000 : (int)left;
		}

		hold_qmp(s);
		if (s->io->qmp_socket && !s->qmp && s->hold_until_ms > now_ms() &&
		    (wait_ms < 0 || wait_ms > HOLD_RETRY_MS))
			wait_ms = HOLD_RETRY_MS;

		pf[i_sig = n++] = (struct pollfd){.fd = s->sigfd, .events = POLLIN};
		pf[i_log = n++] = (struct pollfd){.fd = s->log_rd, .events = POLLIN};
		if (f->pipe_fd >= 0 && f->off < f->len)
			pf[i_out = n++] = (struct pollfd){.fd = f->pipe_fd, .events = POLLOUT};
		else if (f->in_fd >= 0)
			pf[i_in = n++] = (struct pollfd){.fd = f->in_fd, .events = POLLIN};

		if (poll(pf, (nfds_t)n, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			util_err("poll: %s", strerror(errno));
			return SIGTERM;
		}
		if (pf[i_sig].revents) {
			struct signalfd_siginfo si;

			if (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				return (int)si.ssi_signo;
		}
		if (i_out >= 0 && pf[i_out].revents)
			feed_write(f);
		if (i_in >= 0 && pf[i_in].revents)
			feed_read(f);
		if (pf[i_log].revents && !log_read(s))
			return 0;
	}
}

/* One press: over the held connection, else by path. The connection is dropped when it
 * fails other than by a timeout (QEMU is going away); after a timeout the late reply is
 * taken as the next press's, which is the same {"return": {}}. */
static int press(struct sup *s, int timeout_ms, char *err, size_t errlen)
{
	if (s->qmp) {
		int r = qmp_command(s->qmp, "system_powerdown", timeout_ms, err, errlen);

		if (r < 0 && r != -ETIMEDOUT) {
			qmp_close(s->qmp);
			s->qmp = NULL;
		}
		return r;
	}
	return qmp_powerdown(s->io->qmp_socket, timeout_ms, err, errlen);
}

/* After the first stop signal sig: press the power button and keep relaying. The button
 * is pressed again every REPRESS_MS (the kernel ignores presses after the first it sees):
 * a press that reaches a VM still booting, before its kernel enabled the button, or one
 * sent before QEMU opened its QMP socket (ENOENT, ECONNREFUSED), or one QEMU was too busy
 * to answer in time (ETIMEDOUT), is not lost. Returns 0
 * when the VM ended by itself (log EOF), else the signal to report after killing QEMU. */
static int graceful_stop(struct sup *s, int sig)
{
	long long end = now_ms() + s->io->stop_timeout_ms;
	bool pressed = false;
	char err[256] = "";

	for (;;) {
		int r = press(s, pressed ? REPRESS_TIMEOUT_MS : QMP_TIMEOUT_MS, err, sizeof(err));

		if (r == 0) {
			pressed = true;
		} else if (!pressed && r != -ENOENT && r != -ECONNREFUSED && r != -ETIMEDOUT) {
			util_err("cannot press the VM's power button (%s); stopping QEMU", err);
			return sig;
		}
		long long next = now_ms() + REPRESS_MS;

		r = relay(s, next < end ? next : end);
		if (r != RELAY_TIMEOUT)
			return r; /* 0 at log EOF, or a second signal */
		if (now_ms() < end)
			continue;
		if (pressed)
			util_err("the VM did not power off within %g s of the power button; "
				 "stopping "
				 "QEMU",
				 s->io->stop_timeout_ms / 1000.0);
		else
			util_err("cannot press the VM's power button (%s); stopping QEMU", err);
		return sig;
	}
}

int vm_run(char *const argv[], const struct vm_io *io)
{
	int inp[2] = {-1, -1}, logp[2] = {-1, -1}, sigfd, sig, ws, status;
	struct klog *k = util_xmalloc(sizeof(*k));
	struct feed *f = util_xmalloc(sizeof(*f));
	struct sup s = {.io = io, .f = f, .k = k, .unlink_path = io->unlink_when_running};
	sigset_t set;
	pid_t pid;

	stop_signals(&set);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0 || pipe2(inp, O_CLOEXEC) < 0 || pipe2(logp, O_CLOEXEC) < 0) {
		util_err("cannot set up the VM's pipes: %s", strerror(errno));
		status = ISLE_EXIT_CANNOT_RUN;
		goto out;
	}
	pid = spawn(argv, inp[0], logp[1]);
	close(inp[0]);
	close(logp[1]);
	inp[0] = logp[1] = -1;
	if (pid < 0) {
		status = ISLE_EXIT_CANNOT_RUN;
		goto out;
	}
	fcntl(inp[1], F_SETFL, O_NONBLOCK);

	klog_init(k, io->log_out_fd, io->show_exit);
	memset(f, 0, offsetof(struct feed, buf));
	f->in_fd = io->in_fd;
	f->pipe_fd = inp[1];
	inp[1] = -1; /* owned by the feed now */

	s.sigfd = sigfd;
	s.log_rd = logp[0];
	s.hold_until_ms = now_ms() + HOLD_FOR_MS;
	sig = relay(&s, -1);
	if (sig && io->qmp_socket && !io->stop_at_once)
		sig = graceful_stop(&s, sig);
	if (sig) {
		stop_child(pid, &s);
		klog_finish(k);
		util_err("interrupted, VM stopped");
		status = sig == SIGINT ? ISLE_EXIT_SIGINT : ISLE_EXIT_SIGTERM;
	} else {
		klog_finish(k);
		wait_child(pid, &ws);
		if (k->have_status) {
			status = k->status;
		} else {
			if (WIFSIGNALED(ws))
				util_err(
					"the VM stopped without reporting an exit status (qemu was "
					"killed by signal %d)",
					WTERMSIG(ws));
			else
				util_err("the VM stopped without reporting an exit status (qemu "
					 "exited with %d)",
					 WEXITSTATUS(ws));
			status = ISLE_EXIT_NOSTATUS;
		}
	}
	if (f->pipe_fd >= 0)
		close(f->pipe_fd);
	qmp_close(s.qmp);
out:
	for (int i = 0; i < 2; i++) {
		if (inp[i] >= 0)
			close(inp[i]);
		if (logp[i] >= 0)
			close(logp[i]);
	}
	if (sigfd >= 0)
		close(sigfd);
	free(f);
	free(k);
	return status;
}
