/* test_cli_vm.c: QEMU process handling, with /bin/sh scripts standing in for QEMU: stdin
 * relay and the final ^D, the log pipe on fd 3, exit statuses, exec failures, fd hygiene,
 * signals, and no deadlock when the guest ignores its input. The graceful stop (a QMP
 * power button press) has a python3 stand-in that serves QMP on a unix socket. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "abi/exit.h"
#include "../../cli/vm.h"

static char dir[] = "/tmp/isle-test-vm-XXXXXX";
static char outpath[256];

/* A regular file holding data, open for reading at offset 0. */
static int input(const void *data, size_t n)
{
	FILE *f = tmpfile();
	int fd;

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fflush(f);
	fd = dup(fileno(f));
	fclose(f);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* Everything in the file at fd, NUL-terminated; *n gets its size. */
static char *slurp_fd(int fd, size_t *n)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *buf = calloc(1, (size_t)size + 1);

	assert_int_equal(pread(fd, buf, (size_t)size, 0), size);
	if (n)
		*n = (size_t)size;
	return buf;
}

static char *slurp(const char *path, size_t *n)
{
	int fd = open(path, O_RDONLY);
	char *buf;

	assert_true(fd >= 0);
	buf = slurp_fd(fd, n);
	close(fd);
	return buf;
}

/* Runs a shell script as the "QEMU"; its stdin comes from in_fd, the log goes to a
 * temporary file returned in *log. OUT in the script is replaced by outpath. */
static int sh(const char *script, int in_fd, bool show_exit, char **log)
{
	char *argv[] = {"/bin/sh", "-c", NULL, NULL};
	FILE *lf = tmpfile();
	struct vm_io io = {.in_fd = in_fd, .log_out_fd = fileno(lf), .show_exit = show_exit};
	char *s = malloc(strlen(script) + strlen(outpath) * 8 + 1), *p = s;
	int r;

	for (const char *q = script; *q;) {
		if (!strncmp(q, "OUT", 3)) {
			p = stpcpy(p, outpath);
			q += 3;
		} else {
			*p++ = *q++;
		}
	}
	*p = '\0';
	argv[2] = s;
	r = vm_run(argv, &io);
	*log = slurp_fd(fileno(lf), NULL);
	fclose(lf);
	free(s);
	return r;
}

static int setup(void **state)
{
	if (!mkdtemp(dir) || vm_signals_block() < 0)
		return -1;
	snprintf(outpath, sizeof(outpath), "%s/out", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_relay_and_status(void **state)
{
	int in = input("hello\nworld", 11);
	char *log, *out;
	size_t n;
	int r;

	r = sh("cat > OUT; printf 'isle: up\\nisle: exit 7 (exited)\\n' >&3", in, false, &log);
	assert_int_equal(r, 7);
	assert_string_equal(log, "isle: up\n");
	out = slurp(outpath, &n);
	assert_int_equal(n, 12);
	assert_memory_equal(out, "hello\nworld\x04", 12); /* then EOF: the pipe was closed */
	free(out);
	free(log);
	close(in);

	in = input("", 0);
	r = sh("cat > OUT; printf 'isle: exit 0 (exited)\\n' >&3", in, true, &log);
	assert_int_equal(r, 0);
	assert_string_equal(log, "isle: exit 0 (exited)\n"); /* shown with -v */
	out = slurp(outpath, &n);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 0x04);
	free(out);
	free(log);
	close(in);
}

static void test_no_status(void **state)
{
	int in = input("", 0);
	char *log;

	assert_int_equal(sh("echo 'isle: panic' >&3; exit 3", in, false, &log), ISLE_EXIT_NOSTATUS);
	assert_string_equal(log, "isle: panic\n");
	free(log);
	assert_int_equal(sh("kill -9 $$", in, false, &log), ISLE_EXIT_NOSTATUS);
	free(log);
	/* QEMU's own exit code does not matter once the kernel reported a status. */
	assert_int_equal(sh("echo 'isle: exit 9 (exited)' >&3; exit 1", in, false, &log), 9);
	free(log);
	close(in);
}

static void test_exec_failure(void **state)
{
	struct vm_io io = {.in_fd = 0, .log_out_fd = 2};
	char *a1[] = {"/nonexistent/qemu", NULL};
	char *a2[] = {"isle-test-no-such-qemu", NULL};
	char *a3[] = {"/dev/null", NULL};

	assert_int_equal(vm_run(a1, &io), ISLE_EXIT_CANNOT_RUN);
	assert_int_equal(vm_run(a2, &io), ISLE_EXIT_CANNOT_RUN);
	assert_int_equal(vm_run(a3, &io), ISLE_EXIT_CANNOT_RUN);
}

static void test_fds(void **state)
{
	int in = input("", 0);
	/* Not close-on-exec, like an fd isle inherited from its parent: must not reach QEMU. */
	int leak = fcntl(0, F_DUPFD, 20);
	char *log, *out, want[32];
	long pgid = 0, pid = 0;

	assert_int_equal(leak, 20);
	assert_int_equal(sh("for f in $(seq 0 30); do"
			    "  if [ -e /proc/$$/fd/$f ]; then echo fd$f; fi; done > OUT;"
			    "read -r pid comm state ppid pgid rest < /proc/$$/stat;"
			    "echo pg $pgid $$ >> OUT;"
			    "echo 'isle: exit 0 (exited)' >&3",
			    in, false, &log),
			 0);
	out = slurp(outpath, NULL);
	assert_non_null(strstr(out, "fd0\nfd1\nfd2\nfd3\n"));
	snprintf(want, sizeof(want), "fd%d\n", leak);
	assert_null(strstr(out, want));
	/* Its own process group: pgid == pid. */
	assert_int_equal(sscanf(strstr(out, "pg "), "pg %ld %ld", &pgid, &pid), 2);
	assert_int_equal(pgid, pid);
	free(out);
	free(log);
	close(leak);
	close(in);
}

static void test_signals(void **state)
{
	int in = input("", 0);
	char *log;
	time_t t0 = time(NULL);

	assert_int_equal(sh("kill -INT $PPID; exec sleep 20", in, false, &log), ISLE_EXIT_SIGINT);
	free(log);
	assert_int_equal(sh("kill -TERM $PPID; exec sleep 20", in, false, &log), ISLE_EXIT_SIGTERM);
	free(log);
	assert_int_equal(sh("kill -HUP $PPID; exec sleep 20", in, false, &log), ISLE_EXIT_SIGTERM);
	free(log);
	/* A child that ignores SIGTERM is killed after the grace period. */
	assert_int_equal(
		sh("trap '' TERM; kill -TERM $PPID; while :; do sleep 1; done", in, false, &log),
		ISLE_EXIT_SIGTERM);
	free(log);
	assert_true(time(NULL) - t0 < 15);
	close(in);
}

static void test_no_deadlock(void **state)
{
	size_t n = 1 << 20, got;
	char *data = malloc(n);
	int in;
	char *log, *out;

	for (size_t i = 0; i < n; i++)
		data[i] = (char)('a' + i % 26);
	in = input(data, n);
	/* The "guest" logs 1 MiB before reading any input: isle must keep draining the log
	 * while QEMU's stdin pipe is full. */
	assert_int_equal(sh("head -c 1048576 /dev/zero | tr '\\0' x >&3; echo >&3;"
			    "cat > OUT; echo 'isle: exit 0 (exited)' >&3",
			    in, false, &log),
			 0);
	assert_int_equal(strlen(log), n + 1);
	out = slurp(outpath, &got);
	assert_int_equal(got, n + 1);
	assert_memory_equal(out, data, n);
	assert_int_equal(out[n], 0x04);
	free(out);
	free(log);
	close(in);

	/* A "guest" that closes its input early: EPIPE just stops the feeding. */
	in = input(data, n);
	assert_int_equal(
		sh("exec 0<&-; sleep 0.2; echo 'isle: exit 4 (exited)' >&3", in, false, &log), 4);
	free(log);
	close(in);
	free(data);
}

/* The stand-in QEMU for the graceful stop: listens on argv[2] (unless mode is "noqmp"),
 * sends SIGTERM to isle, answers QMP; on system_powerdown, mode "exit" logs the kernel's
 * lines with status 0 and exits, "again" sends isle a second SIGTERM and waits, "ignore"
 * only waits (60 s at most). Mode "held" first logs a line (the guest shows life), answers
 * isle's connection up to the capabilities, waits (10 s at most) for isle to remove the
 * socket, and only then sends SIGTERM; the press must come on that same connection. */
static const char fake_qemu[] =
	"import os, signal, socket, sys, time\n"
	"mode, path = sys.argv[1], sys.argv[2]\n"
	"log = os.fdopen(3, 'wb', buffering=0)\n"
	"if mode != 'noqmp':\n"
	"    s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(1)\n"
	"if mode == 'held':\n"
	"    log.write(b'isle: booting\\n')\n"
	"else:\n"
	"    os.kill(os.getppid(), signal.SIGTERM)\n"
	"if mode == 'noqmp':\n"
	"    time.sleep(60); sys.exit(0)\n"
	"c, _ = s.accept(); f = c.makefile('rwb', buffering=0)\n"
	"f.write(b'{\"QMP\": {\"version\": {}, \"capabilities\": []}}\\r\\n')\n"
	"for want in (b'qmp_capabilities', b'system_powerdown'):\n"
	"    line = f.readline()\n"
	"    if want not in line: sys.exit(9)\n"
	"    f.write(b'{\"return\": {}}\\r\\n')\n"
	"    if mode == 'held' and want == b'qmp_capabilities':\n"
	"        for i in range(1000):\n"
	"            if not os.path.exists(path): break\n"
	"            time.sleep(0.01)\n"
	"        else: sys.exit(7)\n"
	"        os.kill(os.getppid(), signal.SIGTERM)\n"
	"log.write(b'isle: power button: SIGTERM to the program\\n')\n"
	"if mode in ('exit', 'held'):\n"
	"    log.write(b'isle: exit 0 (exited)\\n'); sys.exit(0)\n"
	"if mode == 'again':\n"
	"    os.kill(os.getppid(), signal.SIGTERM)\n"
	"time.sleep(60)\n";

static int graceful(const char *mode, int stop_timeout_ms, const char *qmp_dir, char **log)
{
	char sock[300];
	char *argv[] = {"python3", "-c", (char *)fake_qemu, (char *)mode, sock, NULL};
	FILE *lf = tmpfile();
	int in = input("", 0), r;

	snprintf(sock, sizeof(sock), "%s/qmp.sock", qmp_dir ? qmp_dir : dir);
	unlink(sock);
	struct vm_io io = {.in_fd = in,
			   .log_out_fd = fileno(lf),
			   .qmp_socket = sock,
			   .qmp_dir = qmp_dir,
			   .stop_timeout_ms = stop_timeout_ms};
	r = vm_run(argv, &io);
	*log = slurp_fd(fileno(lf), NULL);
	fclose(lf);
	close(in);
	unlink(sock);
	return r;
}

static void test_graceful_stop(void **state)
{
	char *log;

	/* The VM powers off by itself: its status, not the signal's. */
	assert_int_equal(graceful("exit", 60000, NULL, &log), 0);
	assert_non_null(strstr(log, "isle: power button: SIGTERM to the program\n"));
	free(log);
	/* A second SIGTERM kills QEMU. */
	assert_int_equal(graceful("again", 60000, NULL, &log), ISLE_EXIT_SIGTERM);
	assert_non_null(strstr(log, "isle: power button"));
	free(log);
	/* No power off within the CLI's timeout: killed. */
	assert_int_equal(graceful("ignore", 500, NULL, &log), ISLE_EXIT_SIGTERM);
	assert_non_null(strstr(log, "isle: power button"));
	free(log);
	/* No QMP socket ever: pressed again until the timeout, then QEMU is stopped. */
	assert_int_equal(graceful("noqmp", 1500, NULL, &log), ISLE_EXIT_SIGTERM);
	assert_null(strstr(log, "isle: power button"));
	free(log);

	/* Once the guest shows life isle holds the connection and removes the socket and its
	 * directory; the press still works. */
	char qdir[300];
	struct stat st;
	snprintf(qdir, sizeof(qdir), "%s/qmpdir", dir);
	assert_int_equal(mkdir(qdir, 0700), 0);
	assert_int_equal(graceful("held", 60000, qdir, &log), 0);
	assert_non_null(strstr(log, "isle: booting\nisle: power button"));
	assert_int_equal(stat(qdir, &st), -1);
	assert_int_equal(errno, ENOENT);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay_and_status), cmocka_unit_test(test_no_status),
		cmocka_unit_test(test_exec_failure),	 cmocka_unit_test(test_fds),
		cmocka_unit_test(test_signals),		 cmocka_unit_test(test_no_deadlock),
		cmocka_unit_test(test_graceful_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
