/* instance.c: `isle instance list|stop|delete` and the dispatch of the subcommands
 * (instance.h); create is in instcreate.c, logs in instlogs.c, the supervisor in
 * instsup.c. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "abi/exit.h"
#include "instance.h"
#include "stage.h"
#include "store.h"
#include "subopts.h"
#include "usage.h"
#include "util.h"

static int usage_error(const char *sub, const char *msg)
{
	return subopts_usage_error("instance", sub, msg);
}

static int parse(const char *sub, int argc, char **argv, const char *shorts,
		 const struct option *longs, int (*each)(int c, const char *arg, void *ctx),
		 void *ctx)
{
	struct subopts o = {.cmd = "instance",
			    .sub = sub,
			    .shorts = shorts,
			    .longs = longs,
			    .help = usage_instance,
			    .each = each,
			    .ctx = ctx};

	return subopts_parse(&o, argc, argv);
}

static char *instances_dir(void)
{
	return store_xdg_dir("state", "isle/instances");
}
static void show_duration(long long secs, char *buf, size_t len)
{
	if (secs < 60)
		snprintf(buf, len, "%llds", secs);
	else if (secs < 3600)
		snprintf(buf, len, "%lldm%02llds", secs / 60, secs % 60);
	else if (secs < 86400)
		snprintf(buf, len, "%lldh%02lldm", secs / 3600, secs / 60 % 60);
	else
		snprintf(buf, len, "%lldd%02lldh", secs / 86400, secs / 3600 % 24);
}

static int list(int argc, char **argv)
{
	static const struct option longs[] = {
		{"target", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct inst_entry *v;
	char *root;
	size_t n;
	int st = parse("list", argc, argv, ":t:h", longs, NULL, NULL);

	if (st)
		return st == 1 ? 0 : st;
	if (optind < argc)
		return usage_error("list", "isle instance list takes no arguments");
	root = instances_dir();
	if (!root)
		return 1;
	n = inst_scan(root, &v);
	printf("%-24s %-20s %-10s %-16s %8s %8s %8s\n", "NAME", "IMAGE", "STATE", "PORTS", "PID",
	       "UPTIME", "MEMORY");
	for (size_t i = 0; i < n; i++) {
		const struct inst_state *s = &v[i].s;
		char state[32], ports[NET_MAX_PORTS * 20], pid[16] = "-", up[48] = "-",
							   mem[16] = "-";

		inst_state_show(s, v[i].alive, state, sizeof(state));
		inst_ports_show(s->ports, s->nports, ports, sizeof(ports));
		if (v[i].alive) {
			long vm = inst_vm_pid(s->pid);

			snprintf(pid, sizeof(pid), "%ld", s->pid);
			show_duration((long long)time(NULL) - s->started, up, sizeof(up));
			if (vm > 0)
				snprintf(mem, sizeof(mem), "%lluM",
					 (unsigned long long)(inst_rss(vm) >> 20));
		}
		printf("%-24s %-20s %-10s %-16s %8s %8s %8s\n", s->name, util_basename(s->image),
		       state, ports, pid, up, mem);
	}
	free(v);
	free(root);
	return 0;
}

/* Stops the instance in dir (state s): SIGTERM to its supervisor, SIGKILL after timeout
 * seconds. Returns 0, or 1 after a message. */
static int stop_one(const char *dir, struct inst_state *s, int timeout, bool quiet)
{
	char *p = util_xasprintf("%s/stop", dir);
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	bool killed = false;

	free(p);
	if (fd >= 0)
		close(fd);
	if (!inst_alive(s)) {
		char state[32];

		inst_state_show(s, false, state, sizeof(state));
		if (!quiet)
			printf("instance %s is not running (%s)\n", s->name, state);
		return 0;
	}
	kill((pid_t)s->pid, SIGTERM);
	for (int i = 0; inst_alive(s); i++) {
		if (i == timeout * 10) {
			util_err("instance %s did not stop within %d s: killing it", s->name,
				 timeout);
			kill((pid_t)s->pid, SIGKILL);
			killed = true;
		}
		if (i > timeout * 10 + 100) {
			util_err("instance %s: supervisor %ld does not die", s->name, s->pid);
			return 1;
		}
		usleep(100000);
	}
	/* A killed supervisor recorded nothing: say stopped, not crashed. */
	if (inst_read_state(dir, s) == 0 &&
	    (s->phase == INST_RUNNING || s->phase == INST_STARTING)) {
		s->phase = INST_STOPPED;
		inst_write_state(dir, s);
	}
	if (!quiet)
		printf("instance %s stopped%s\n", s->name, killed ? " (killed)" : "");
	return 0;
}

static int timeout_opt(int c, const char *arg, void *ctx)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > 3600) {
		util_err("--timeout: expected seconds, 0 to 3600: '%s'", arg);
		return -1;
	}
	*(int *)ctx = (int)v;
	return 0;
}

/* stop and delete: NAME... Returns the worst status. */
static int stop_or_delete(const char *sub, int argc, char **argv)
{
	static const struct option longs[] = {
		{"timeout", required_argument, NULL, 'T'},
		{"target", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool del = !strcmp(sub, "delete");
	int timeout = INST_STOP_TIMEOUT,
	    st = parse(sub, argc, argv, ":t:h", longs, timeout_opt, &timeout);
	char *root;

	if (st)
		return st == 1 ? 0 : st;
	if (optind >= argc)
		return usage_error(sub, del ? "usage: isle instance delete NAME..."
					    : "usage: isle instance stop NAME... [--timeout S]");
	root = instances_dir();
	if (!root)
		return 1;
	for (int i = optind; i < argc; i++) {
		struct inst_state s;
		char *dir = util_xasprintf("%s/%s", root, argv[i]);

		if (!inst_name_valid(argv[i]) || inst_read_state(dir, &s)) {
			util_err("%s: no such instance (isle instance list shows them)", argv[i]);
			st = 1;
		} else if (stop_one(dir, &s, timeout, del)) {
			st = 1;
		} else if (del) {
			stage_remove(dir);
			printf("deleted instance %s\n", argv[i]);
		}
		free(dir);
	}
	free(root);
	return st;
}

int instance_main(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help"))) {
		usage_instance(stdout, NULL);
		return 0;
	}
	if (sub && !strcmp(sub, "create"))
		return instance_create(argc - 1, argv + 1);
	if (sub && !strcmp(sub, "list"))
		return list(argc - 1, argv + 1);
	if (sub && !strcmp(sub, "logs"))
		return instance_logs(argc - 1, argv + 1);
	if (sub && (!strcmp(sub, "stop") || !strcmp(sub, "delete")))
		return stop_or_delete(sub, argc - 1, argv + 1);
	util_err("usage: isle instance create|list|logs|stop|delete ... (isle instance --help)");
	return ISLE_EXIT_USAGE;
}
