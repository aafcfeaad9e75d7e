/* instcreate.c: `isle instance create`. It checks everything it can before starting
 * anything: the isle run options (parsed by runopts_parse exactly as the supervisor
 * will), the image, the name, and that no host port is claimed by another live instance
 * or bound on the host; then copies the image, writes the state and starts the detached
 * supervisor (instsup.c), and returns once its QEMU runs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abi/exit.h"
#include "config.h"
#include "copy.h"
#include "instance.h"
#include "runconfig.h"
#include "runopts.h"
#include "stage.h"
#include "store.h"
#include "subopts.h"
#include "usage.h"
#include "util.h"

static int usage_error(const char *sub, const char *msg)
{
	return subopts_usage_error("instance", sub, msg);
}

struct create_opts {
	const char *image, *config, *name;
	struct strvec run;		 /* isle run options */
	bool memory, cpus, accel, ports; /* given on the command line */
};

static int create_opt(int c, const char *arg, void *ctx)
{
	struct create_opts *o = ctx;

	switch (c) {
	case 1:
	case 'i':
		if (o->image && strcmp(o->image, arg)) {
			util_err("two images given: %s and %s", o->image, arg);
			return -1;
		}
		o->image = arg;
		return 0;
	case 'c':
		o->config = arg;
		return 0;
	case 'n':
		o->name = arg;
		return 0;
	case 'p':
		o->ports = true;
		strvec_push(&o->run, "-p");
		break;
	case 'N':
		strvec_push(&o->run, "--net");
		break;
	case 'm':
		o->memory = true;
		strvec_push(&o->run, "-m");
		break;
	case 'S':
		o->cpus = true;
		strvec_push(&o->run, "--smp");
		break;
	case 'A':
		o->accel = true;
		strvec_push(&o->run, "--accel");
		break;
	}
	strvec_push(&o->run, arg);
	return 0;
}

/* The config's RunConfig as isle run options, for what the command line left unset: an
 * instance's content, Args and Env are the image's, so only Memory, CPUs, Accel and the
 * ports are taken (isle run -c would warn that the content keys do not apply). */
static int add_runconfig(struct strvec *run, const char *path, const struct create_opts *o)
{
	static const char *const accels[] = {
		[ACCEL_AUTO] = "auto", [ACCEL_KVM] = "kvm", [ACCEL_TCG] = "tcg"};
	struct config c;

	config_init(&c);
	if (config_load(path, &c)) {
		config_free(&c);
		return ISLE_EXIT_USAGE;
	}
	if (c.memory && !o->memory) {
		strvec_push(run, "-m");
		strvec_pushf(run, "%lluK", (unsigned long long)(c.memory >> 10));
	}
	if (c.cpus && !o->cpus) {
		strvec_push(run, "--smp");
		strvec_pushf(run, "%d", c.cpus);
	}
	if (c.has_accel && !o->accel) {
		strvec_push(run, "--accel");
		strvec_push(run, accels[c.accel]);
	}
	for (size_t i = 0; i < c.net.nports && !o->ports; i++) {
		strvec_push(run, "-p");
		strvec_pushf(run, "%u:%u/%s", c.net.ports[i].host, c.net.ports[i].guest,
			     c.net.ports[i].udp ? "udp" : "tcp");
	}
	config_free(&c);
	return 0;
}

/* Checks the run options as the supervisor will parse them; fills ports and memory. */
static int check_run(struct strvec *argv, struct inst_state *s)
{
	struct run_options o;
	struct config c;
	const char *why;
	int st = ISLE_EXIT_USAGE;

	runopts_init(&o);
	config_init(&c);
	if (runopts_parse(&o, (int)argv->n, argv->v) < 0)
		goto out;
	if (o.config && config_load(o.config, &c))
		goto out;
	if (o.config)
		runconfig_apply(&o, &c, RUN_TARGET_IMAGE);
	if (net_finish(&o.net, &why)) {
		util_err("%s", why);
		goto out;
	}
	memcpy(s->ports, o.net.ports, o.net.nports * sizeof(s->ports[0]));
	s->nports = o.net.nports;
	s->memory = o.memory;
	st = 0;
out:
	runopts_free(&o);
	config_free(&c);
	return st;
}

/* 0 when every host port is free: not claimed by a live instance, bindable on
 * 127.0.0.1. Otherwise 1 after a message. */
static int check_ports(const char *dir, const struct inst_state *s)
{
	struct inst_entry *v;
	size_t n = inst_scan(dir, &v);
	int st = 0;

	for (size_t i = 0; i < n && !st; i++) {
		int k;

		if (!v[i].alive)
			continue;
		k = inst_ports_clash(s->ports, s->nports, v[i].s.ports, v[i].s.nports);
		if (k >= 0) {
			util_err("host port %u/%s is already used by instance %s", s->ports[k].host,
				 s->ports[k].udp ? "udp" : "tcp", v[i].s.name);
			st = 1;
		}
	}
	free(v);
	for (size_t i = 0; i < s->nports && !st; i++) {
		struct sockaddr_in a = {.sin_family = AF_INET,
					.sin_port = htons(s->ports[i].host),
					.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		int fd = socket(AF_INET, s->ports[i].udp ? SOCK_DGRAM : SOCK_STREAM, 0);

		if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			util_err("host port %u/%s is in use on this host: %s", s->ports[i].host,
				 s->ports[i].udp ? "udp" : "tcp", strerror(errno));
			st = 1;
		}
		if (fd >= 0)
			close(fd);
	}
	return st;
}

/* An exclusive lock on ROOT/.lock (flock), released by closing the returned fd; -1 after
 * a message. */
static int lock_instances(const char *root)
{
	char *p = util_xasprintf("%s/.lock", root);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		util_err("cannot lock %s: %s", p, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(p);
	return fd;
}

/* The default name: the image's name (a path's file name without .img) and 4 hex
 * digits. */
static char *default_name(const char *image)
{
	const char *base = util_basename(image);
	size_t len = strlen(base);
	unsigned r;
	FILE *f = fopen("/dev/urandom", "re");

	if (len > 4 && !strcmp(base + len - 4, ".img"))
		len -= 4;
	if (len > INST_NAME_MAX - 5)
		len = INST_NAME_MAX - 5;
	if (!f || fread(&r, sizeof(r), 1, f) != 1)
		r = (unsigned)getpid() ^ (unsigned)time(NULL);
	if (f)
		fclose(f);
	return util_xasprintf("%.*s-%04x", (int)len, base, r & 0xffff);
}

static int write_runargs(const char *dir, const struct strvec *sv)
{
	char *p = util_xasprintf("%s/runargs", dir);
	FILE *f = fopen(p, "we");
	int r = 0;

	free(p);
	if (!f)
		return -errno;
	for (size_t i = 0; i < sv->n; i++)
		fwrite(sv->v[i], 1, strlen(sv->v[i]) + 1, f);
	if (fclose(f) != 0)
		r = -errno;
	return r;
}

/* Starts the supervisor detached: its own session, stdin /dev/null, stdout and stderr
 * to DIR/log. Returns its pid or -1. */
static pid_t spawn_supervisor(const char *dir)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	pid_t pid;

	if (n <= 0) {
		util_err("cannot find the isle binary (/proc/self/exe): %s", strerror(errno));
		return -1;
	}
	self[n] = '\0';
	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid;
	char *log = util_xasprintf("%s/log", dir);
	int in = open("/dev/null", O_RDONLY), out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

	setsid();
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(1);
	close(in);
	close(out);
	execl(self, "isle", INST_SUPERVISE_CMD, dir, (char *)NULL);
	_exit(127);
}

/* Waits until the supervisor runs QEMU (0), or ends first, bounded. A VM can start and
 * end between two looks (a program that exits at once): the supervisor's final state in
 * dir tells, and then *ended holds isle run's status. Returns 0 (started; *ended is -1
 * while it runs) or 1 (it did not start). */
static int wait_started(const char *dir, pid_t sup, int *ended)
{
	struct inst_state s;

	*ended = -1;
	for (int i = 0; i < INST_START_TIMEOUT * 10; i++) {
		int wst;

		if (waitpid(sup, &wst, WNOHANG) == sup) {
			if (inst_read_state(dir, &s) || s.phase != INST_EXITED ||
			    s.status == ISLE_EXIT_USAGE || s.status == ISLE_EXIT_CANNOT_RUN ||
			    s.status == ISLE_EXIT_NOT_FOUND)
				return 1;
			*ended = s.status;
			return 0;
		}
		if (inst_vm_pid(sup) > 0)
			return 0;
		usleep(100000);
	}
	util_err("the VM did not start within %d s (see isle instance logs)", INST_START_TIMEOUT);
	return 1;
}

int instance_create(int argc, char **argv)
{
	static const struct option longs[] = {
		{"image", required_argument, NULL, 'i'},  {"config", required_argument, NULL, 'c'},
		{"port", required_argument, NULL, 'p'},	  {"publish", required_argument, NULL, 'p'},
		{"name", required_argument, NULL, 'n'},	  {"net", required_argument, NULL, 'N'},
		{"memory", required_argument, NULL, 'm'}, {"smp", required_argument, NULL, 'S'},
		{"accel", required_argument, NULL, 'A'},  {"target", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	struct create_opts o = {0};
	struct inst_state s;
	struct strvec run = {0};
	const char *store_name;
	char *disk = NULL, *cfg = NULL, *name = NULL, *root = NULL, *dir = NULL, *copy = NULL;
	int st, lock = -1, ended;
	bool started;
	pid_t sup;

	strvec_push(&o.run, "run");
	struct subopts so = {.cmd = "instance",
			     .sub = "create",
			     .shorts = "-:i:c:p:m:t:h",
			     .longs = longs,
			     .help = usage_instance,
			     .each = create_opt,
			     .ctx = &o};

	st = subopts_parse(&so, argc, argv);
	if (st) {
		strvec_free(&o.run);
		return st == 1 ? 0 : st;
	}
	memset(&s, 0, sizeof(s));
	/* The isle run options first: a usage error wins over a missing image. */
	strvec_push(&o.run, "image");
	st = check_run(&o.run, &s);
	free(o.run.v[--o.run.n]);
	o.run.v[o.run.n] = NULL;
	if (st)
		goto out;
	if (!o.image) {
		st = usage_error("create", "no image: isle instance create IMAGE (or -i IMAGE)");
		goto out;
	}
	st = store_resolve(o.image, &disk, &store_name);
	if (st)
		goto out;
	st = ISLE_EXIT_USAGE;
	if (o.config) {
		cfg = realpath(o.config, NULL);
		if (!cfg) {
			util_err("config %s: %s", o.config, strerror(errno));
			goto out;
		}
	} else if (store_name) {
		struct stat sb;

		/* disk is STORE/NAME/disk.img: the config copy is next to it */
		cfg = util_xasprintf("%.*s%s", (int)(strlen(disk) - strlen(STORE_DISK)), disk,
				     STORE_CONFIG);
		if (stat(cfg, &sb) < 0) {
			free(cfg);
			cfg = NULL;
		}
	}
	name = o.name ? util_xstrdup(o.name) : default_name(o.image);
	if (!inst_name_valid(name)) {
		util_err("bad instance name '%s': use 1 to %d of A-Z a-z 0-9 . _ - (starting "
			 "with a letter or digit)",
			 name, INST_NAME_MAX);
		goto out;
	}
	root = store_xdg_dir("state", "isle/instances");
	if (!root) {
		st = 1;
		goto out;
	}
	dir = util_xasprintf("%s/%s", root, name);
	copy = util_xasprintf("%s/disk.img", dir);
	for (size_t i = 0; i < o.run.n; i++)
		strvec_push(&run, o.run.v[i]);
	if (cfg && add_runconfig(&run, cfg, &o)) {
		st = ISLE_EXIT_USAGE;
		goto out;
	}
	strvec_push(&run, copy);
	st = check_run(&run, &s);
	if (st)
		goto out;
	st = 1;
	/* Held until the new VM runs (or create gives up): a concurrent create then sees this
	 * instance's supervisor alive, with its ports, when it checks its own. */
	lock = lock_instances(root);
	if (lock < 0 || check_ports(root, &s))
		goto out;
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			util_err("an instance named %s exists (isle instance delete %s first)",
				 name, name);
		else
			util_err("cannot create %s: %s", dir, strerror(errno));
		free(dir);
		dir = NULL; /* not ours to remove */
		goto out;
	}
	if (copy_file("image", disk, copy))
		goto out;
	snprintf(s.name, sizeof(s.name), "%s", name);
	snprintf(s.image, sizeof(s.image), "%s", o.image);
	snprintf(s.disk, sizeof(s.disk), "%s", copy);
	s.phase = INST_STARTING;
	s.started = (long long)time(NULL);
	if (write_runargs(dir, &run) || inst_write_state(dir, &s)) {
		util_err("cannot write the state of %s in %s", name, dir);
		goto out;
	}
	sup = spawn_supervisor(dir);
	if (sup < 0)
		goto out;
	started = wait_started(dir, sup, &ended) == 0;
	free(dir);
	dir = NULL; /* it exists now: isle instance delete removes it */
	if (!started) {
		util_err("instance %s did not start: isle instance logs %s shows why; isle "
			 "instance delete %s removes it",
			 name, name, name);
		goto out;
	}
	{
		char ports[NET_MAX_PORTS * 20];

		inst_ports_show(s.ports, s.nports, ports, sizeof(ports));
		printf("instance %s started (image %s, ports %s, pid %ld)\n", name, o.image, ports,
		       (long)sup);
		if (ended >= 0)
			printf("instance %s has already ended: status %d (isle instance logs %s)\n",
			       name, ended, name);
	}
	st = 0;
out:
	if (lock >= 0)
		close(lock);
	if (dir)
		stage_remove(dir);
	free(dir);
	free(copy);
	free(root);
	free(name);
	free(cfg);
	free(disk);
	strvec_free(&run);
	strvec_free(&o.run);
	return st;
}
