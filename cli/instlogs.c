/* instlogs.c: `isle instance logs NAME [-f]`: log.1 (the rotated generation) then log;
 * with -f, keeps following log (reopened when the supervisor rotates it) until the
 * instance's supervisor has ended and everything is printed, or ^C. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/exit.h"
#include "instance.h"
#include "store.h"
#include "subopts.h"
#include "usage.h"
#include "util.h"

/* Copies fd from its offset to stdout until end of file. 0 or -errno. */
static int drain(int fd)
{
	char buf[8192];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return -EIO;
	}
}

static int follow(const char *dir, const char *log, int fd)
{
	struct inst_state s;
	struct stat a, b;

	for (;;) {
		bool alive = inst_read_state(dir, &s) == 0 && inst_alive(&s);

		drain(fd);
		fflush(stdout);
		/* Rotated: finish the old file, then continue in the new one. */
		if (stat(log, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino != b.st_ino) {
			int nfd = open(log, O_RDONLY | O_CLOEXEC);

			if (nfd >= 0) {
				drain(fd);
				close(fd);
				fd = nfd;
				continue;
			}
		}
		if (!alive) {
			drain(fd);
			break;
		}
		usleep(200000);
	}
	close(fd);
	fflush(stdout);
	return 0;
}

static int follow_opt(int c, const char *arg, void *ctx)
{
	*(bool *)ctx = true; /* -f, the only other option */
	return 0;
}

int instance_logs(int argc, char **argv)
{
	static const struct option longs[] = {
		{"follow", no_argument, NULL, 'f'},
		{"target", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct inst_state s;
	bool f = false;
	struct subopts o = {.cmd = "instance",
			    .sub = "logs",
			    .shorts = ":ft:h",
			    .longs = longs,
			    .help = usage_instance,
			    .each = follow_opt,
			    .ctx = &f};
	char *root, *dir, *log, *old;
	int st, fd;

	st = subopts_parse(&o, argc, argv);
	if (st)
		return st == 1 ? 0 : st;
	if (optind + 1 != argc) {
		util_err("usage: isle instance logs NAME [-f]");
		return ISLE_EXIT_USAGE;
	}
	root = store_xdg_dir("state", "isle/instances");
	if (!root)
		return 1;
	dir = util_xasprintf("%s/%s", root, argv[optind]);
	free(root);
	if (!inst_name_valid(argv[optind]) || inst_read_state(dir, &s)) {
		util_err("%s: no such instance (isle instance list shows them)", argv[optind]);
		free(dir);
		return 1;
	}
	log = util_xasprintf("%s/log", dir);
	old = util_xasprintf("%s/log.1", dir);
	fd = open(old, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		drain(fd);
		close(fd);
	}
	fd = open(log, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (f)
			follow(dir, log, fd);
		else {
			drain(fd);
			close(fd);
		}
	}
	fflush(stdout);
	free(log);
	free(old);
	free(dir);
	return 0;
}
