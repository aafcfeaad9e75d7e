/* storecmd.c: `isle image create|list|delete|inspect` on the local image store (store.h).
 * create builds with build_image() (build.h) into a temporary directory of the store and
 * renames it into place, replacing an image of the same name. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "abi/exit.h"
#include "abi/manifest.h"
#include "build.h"
#include "config.h"
#include "copy.h"
#include "imgexec.h"
#include "interrupt.h"
#include "inststate.h"
#include "mfread.h"
#include "stage.h"
#include "store.h"
#include "subopts.h"
#include "usage.h"
#include "util.h"

struct create_opts {
	const char *config, *program, *name;
};

static int usage_error(const char *sub, const char *msg)
{
	return subopts_usage_error("image", sub, msg);
}

static int parse(const char *sub, int argc, char **argv, const char *shorts,
		 const struct option *longs, int (*each)(int c, const char *arg, void *ctx),
		 void *ctx)
{
	struct subopts o = {.cmd = "image",
			    .sub = sub,
			    .shorts = shorts,
			    .longs = longs,
			    .help = usage_image,
			    .each = each,
			    .ctx = ctx};

	return subopts_parse(&o, argc, argv);
}

static int create_opt(int c, const char *arg, void *ctx)
{
	struct create_opts *o = ctx;

	if (c == 'c')
		o->config = arg;
	else if (c == 'a' || c == 1) {
		if (o->program && strcmp(o->program, arg)) {
			util_err("two programs given: %s and %s", o->program, arg);
			return -1;
		}
		o->program = arg;
	} else if (c == 'i')
		o->name = arg;
	return 0;
}

static char *images_dir(void)
{
	return store_xdg_dir("data", "isle/images");
}

/* Moves the built directory tmp to dir/name, replacing an existing image. */
static int install(const char *dir, const char *name, const char *tmp, bool *replaced)
{
	char *dst = util_xasprintf("%s/%s", dir, name);
	char *old = util_xasprintf("%s/.%s.old.%ld", dir, name, (long)getpid());
	struct stat st;
	int r = 0;

	*replaced = lstat(dst, &st) == 0;
	if (*replaced && rename(dst, old) < 0)
		r = -errno;
	if (!r && rename(tmp, dst) < 0) {
		r = -errno;
		if (*replaced)
			rename(old, dst);
	}
	if (!r && *replaced)
		stage_remove(old);
	if (r)
		util_err("cannot move the new image to %s: %s", dst, strerror(-r));
	free(dst);
	free(old);
	return r ? ISLE_EXIT_CANNOT_RUN : 0;
}

static int create(int argc, char **argv)
{
	static const struct option longs[] = {
		{"config", required_argument, NULL, 'c'},
		{"program", required_argument, NULL, 'a'},
		{"image-name", required_argument, NULL, 'i'},
		{"target", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct create_opts o = {0};
	struct config c;
	struct store_meta m;
	struct stat st;
	char *dir = NULL, *tmp = NULL, *disk = NULL, *name = NULL, *text = NULL;
	bool replaced;
	int st_ = parse("create", argc, argv, "-:c:a:i:t:h", longs, create_opt, &o);

	if (st_)
		return st_ == 1 ? 0 : st_;
	config_init(&c);
	if (o.config && config_load(o.config, &c))
		return ISLE_EXIT_USAGE;
	if (!o.program && !c.program) {
		config_free(&c);
		return usage_error("create", "no program: give PROGRAM or -a PROGRAM (or Program "
					     "in the config)");
	}
	name = o.name ? util_xstrdup(o.name)
		      : util_xasprintf("%s-image",
				       util_basename(o.program ? o.program : c.program));
	if (!inst_name_valid(name)) {
		util_err("bad image name '%s': use 1 to %d of A-Z a-z 0-9 . _ - (starting with a "
			 "letter or digit)",
			 name, INST_NAME_MAX);
		st_ = ISLE_EXIT_USAGE;
		goto out;
	}
	st_ = ISLE_EXIT_CANNOT_RUN;
	dir = images_dir();
	if (!dir)
		goto out;
	tmp = util_xasprintf("%s/.%s.new.%ld", dir, name, (long)getpid());
	if (mkdir(tmp, 0700) < 0) {
		util_err("cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	disk = util_xasprintf("%s/%s", tmp, STORE_DISK);
	interrupt_install();
	struct build_request req = {
		.program = o.program,
		.config = o.config ? &c : NULL,
		.output = disk,
		.quiet = true,
	};
	st_ = build_image(&req);
	if (st_)
		goto out;
	st_ = ISLE_EXIT_CANNOT_RUN;
	if (o.config) {
		char *cfg = util_xasprintf("%s/%s", tmp, STORE_CONFIG);
		int r = copy_file("config", o.config, cfg);

		free(cfg);
		if (r)
			goto out;
	}
	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "%s", name);
	snprintf(m.program, sizeof(m.program), "%s", o.program ? o.program : c.program);
	m.created = (long long)time(NULL);
	m.size = stat(disk, &st) == 0 ? (uint64_t)st.st_size : 0;
	text = store_meta_format(&m);
	{
		char *mp = util_xasprintf("%s/%s", tmp, STORE_META);
		int r = store_write_file(mp, text);

		if (r)
			util_err("cannot write %s: %s", mp, strerror(-r));
		free(mp);
		if (r)
			goto out;
	}
	st_ = install(dir, name, tmp, &replaced);
	if (st_)
		goto out;
	free(tmp);
	tmp = NULL;
	printf("%s: %llu MiB image of %s in %s/%s%s\n", name, (unsigned long long)(m.size >> 20),
	       m.program, dir, name, replaced ? " (replaced the previous image of that name)" : "");
out:
	if (tmp)
		stage_remove(tmp);
	free(tmp);
	free(text);
	free(disk);
	free(dir);
	free(name);
	config_free(&c);
	return st_;
}

static int noopt(int c, const char *arg, void *ctx)
{
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct store_meta *)a)->name, ((const struct store_meta *)b)->name);
}

/* Reads dir/NAME/meta. 0 or -errno/-EINVAL. */
static int read_meta(const char *dir, const char *name, struct store_meta *m)
{
	char *p = util_xasprintf("%s/%s/%s", dir, name, STORE_META), *text;
	int r = store_read_file(p, &text);

	free(p);
	if (r)
		return r;
	r = store_meta_parse(text, m);
	free(text);
	return r;
}

static void show_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}

static int list(int argc, char **argv)
{
	static const struct option longs[] = {
		{"target", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct store_meta *ms = NULL;
	size_t n = 0;
	struct dirent *e;
	char *dir;
	DIR *d;
	int st = parse("list", argc, argv, ":t:h", longs, noopt, NULL);

	if (st)
		return st == 1 ? 0 : st;
	if (optind < argc)
		return usage_error("list", "isle image list takes no arguments");
	dir = images_dir();
	if (!dir)
		return ISLE_EXIT_CANNOT_RUN;
	d = opendir(dir);
	if (!d) {
		util_err("%s: %s", dir, strerror(errno));
		free(dir);
		return ISLE_EXIT_CANNOT_RUN;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ms = util_xrealloc(ms, (n + 1) * sizeof(*ms));
		if (read_meta(dir, e->d_name, &ms[n]) == 0 && !strcmp(ms[n].name, e->d_name))
			n++;
	}
	closedir(d);
	if (n)
		qsort(ms, n, sizeof(*ms), by_name);
	printf("%-24s %8s  %-20s  %s\n", "NAME", "SIZE", "CREATED", "PROGRAM");
	for (size_t i = 0; i < n; i++) {
		char when[32];

		show_time(ms[i].created, when, sizeof(when));
		printf("%-24s %7lluM  %-20s  %s\n", ms[i].name,
		       (unsigned long long)((ms[i].size + (1 << 20) - 1) >> 20), when,
		       ms[i].program);
	}
	free(ms);
	free(dir);
	return 0;
}

static int del(int argc, char **argv)
{
	static const struct option longs[] = {
		{"target", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *dir;
	int st = parse("delete", argc, argv, ":t:h", longs, noopt, NULL);

	if (st)
		return st == 1 ? 0 : st;
	if (optind >= argc)
		return usage_error("delete", "usage: isle image delete NAME...");
	dir = images_dir();
	if (!dir)
		return ISLE_EXIT_CANNOT_RUN;
	for (int i = optind; i < argc; i++) {
		struct store_meta m;
		char *p;

		if (!inst_name_valid(argv[i]) || read_meta(dir, argv[i], &m)) {
			util_err("%s: no such image in the store (isle image list shows them)",
				 argv[i]);
			st = 1;
			continue;
		}
		p = util_xasprintf("%s/%s", dir, argv[i]);
		stage_remove(p);
		printf("deleted image %s\n", argv[i]);
		free(p);
	}
	free(dir);
	return st;
}

static int inspect(int argc, char **argv)
{
	static const struct option longs[] = {
		{"target", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct store_meta m;
	struct mf_info mf;
	char *dir, *p, *text, when[32];
	int st = parse("inspect", argc, argv, ":t:h", longs, noopt, NULL);

	if (st)
		return st == 1 ? 0 : st;
	if (optind + 1 != argc)
		return usage_error("inspect", "usage: isle image inspect NAME");
	dir = images_dir();
	if (!dir)
		return ISLE_EXIT_CANNOT_RUN;
	if (!inst_name_valid(argv[optind]) || read_meta(dir, argv[optind], &m)) {
		util_err("%s: no such image in the store (isle image list shows them)",
			 argv[optind]);
		free(dir);
		return 1;
	}
	show_time(m.created, when, sizeof(when));
	p = util_xasprintf("%s/%s/%s", dir, m.name, STORE_DISK);
	printf("Name:     %s\nDisk:     %s\nSize:     %llu bytes\nCreated:  %s\nProgram:  %s\n",
	       m.name, p, (unsigned long long)m.size, when, m.program);
	st = mf_read_image(p, &mf);
	if (!st) {
		printf("Manifest:\n  program:   %s\n  cwd:       %s\n  built by:  isle %s\n"
		       "  flags:    %s%s%s%s\n",
		       mf.program, mf.cwd, mf.version, mf.flags ? "" : " none",
		       mf.flags & ISLE_MF_EXEC_PROTECTION ? " ExecProtection" : "",
		       mf.flags & ISLE_MF_NOASLR ? " NoASLR" : "",
		       mf.flags & ISLE_MF_REBOOT_ON_EXIT ? " RebootOnExit" : "");
		for (size_t i = 0; i < mf.argv.n; i++)
			printf("  argv[%zu]:   %s\n", i, mf.argv.v[i]);
		for (size_t i = 0; i < mf.envp.n; i++)
			printf("  env:       %s\n", mf.envp.v[i]);
		mf_free(&mf);
		printf("Executables (regular files with an execute bit):\n");
		fflush(stdout); /* before any message of imgexec_list on stderr */
		if (imgexec_list(p, stdout))
			st = ISLE_EXIT_CANNOT_RUN;
	}
	free(p);
	p = util_xasprintf("%s/%s/%s", dir, m.name, STORE_CONFIG);
	if (store_read_file(p, &text) == 0) {
		printf("Config (%s):\n%s%s", p, text,
		       *text && text[strlen(text) - 1] == '\n' ? "" : "\n");
		free(text);
	} else {
		printf("Config:   (none: built without -c)\n");
	}
	free(p);
	free(dir);
	return st;
}

int store_main(int argc, char **argv)
{
	const char *sub = argv[1];

	if (!strcmp(sub, "create"))
		return create(argc - 1, argv + 1);
	if (!strcmp(sub, "list"))
		return list(argc - 1, argv + 1);
	if (!strcmp(sub, "delete"))
		return del(argc - 1, argv + 1);
	return inspect(argc - 1, argv + 1);
}
