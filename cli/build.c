/* build.c: `isle build`, in order: options, config, program check, manifest, staging tree
 * in $TMPDIR, size, mke2fs into a temporary file next to the output, rename. The staging
 * tree and the temporary image are removed on every path out of here, so a failed or
 * interrupted build leaves neither them nor a partial image behind. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/exit.h"
#include "abi/manifest.h"
#include "build.h"
#include "buildopts.h"
#include "config.h"
#include "e2fs.h"
#include "env.h"
#include "imgexec.h"
#include "imgpath.h"
#include "interrupt.h"
#include "manifest.h"
#include "program.h"
#include "stage.h"
#include "usage.h"
#include "util.h"

#ifndef ISLE_VERSION
#define ISLE_VERSION "unknown"
#endif

#define MIB (1ULL << 20)

/* Everything one build holds, released by build_free(). */
struct build {
	struct build_options opts;
	struct config config;	  /* owned: loaded by build() (build_main) */
	const struct config *cfg; /* the config in use: &config, or the caller's */
	bool bare_env, quiet;	  /* struct build_request */
	char *program_host;	  /* host path of the program */
	char *program_image;	  /* its canonical path in the image */
	struct program prog;
	struct strvec argv, envp;
	void *manifest;
	size_t manifest_size;
	char *output;
	char *staging; /* NULL until created */
	char *tmp_image;
};

static void build_free(struct build *b)
{
	if (b->staging)
		stage_remove(b->staging);
	if (b->tmp_image)
		unlink(b->tmp_image);
	free(b->staging);
	free(b->tmp_image);
	free(b->output);
	free(b->manifest);
	strvec_free(&b->argv);
	strvec_free(&b->envp);
	program_unload(&b->prog);
	free(b->program_host);
	free(b->program_image);
	config_free(&b->config);
	buildopts_free(&b->opts);
}

static int interrupted(void)
{
	int sig = interrupt_pending();

	if (!sig)
		return 0;
	util_err("interrupted; nothing written");
	return sig == SIGINT ? ISLE_EXIT_SIGINT : ISLE_EXIT_SIGTERM;
}

/* The program: PROGRAM on the command line (in the image at /NAME), else the config's
 * Program, relative to the config's directory (in the image at that relative path, or at
 * /NAME when it is absolute). */
static int choose_program(struct build *b)
{
	const char *given = b->opts.program;
	int abs = 1;

	if (given) {
		b->program_host = util_xstrdup(given);
	} else if (b->cfg->program) {
		given = b->cfg->program;
		b->program_host = imgpath_host(b->cfg->dir, given);
		if (imgpath_clean(given, &b->program_image, &abs) == 0 && abs) {
			free(b->program_image);
			b->program_image = NULL;
		}
	} else {
		util_err("no PROGRAM given, and no Program in %s: usage: isle build PROGRAM "
			 "[-c CONFIG] [-o IMAGE]",
			 b->opts.config ? b->opts.config : "a config (-c)");
		return ISLE_EXIT_USAGE;
	}
	if (!b->program_image)
		b->program_image = util_xasprintf("/%s", util_basename(given));
	return program_load(b->program_host, &b->prog);
}

static int make_manifest(struct build *b)
{
	const struct config *c = b->cfg;
	const struct strvec *args = b->opts.has_args ? &b->opts.args : &c->args;
	const char *cwd = c->cwd ? c->cwd : "/";
	struct manifest_input in;
	char why[256];

	strvec_push(&b->argv, b->program_image);
	for (size_t i = 0; i < args->n; i++)
		strvec_push(&b->argv, args->v[i]);
	for (size_t i = 0; i < c->env.n; i++)
		env_set(&b->envp, c->env.v[i]);
	for (size_t i = 0; i < b->opts.env.n; i++)
		env_set(&b->envp, b->opts.env.v[i]);
	if (!b->bare_env) {
		env_default(&b->envp, BUILD_DEFAULT_PATH);
		env_default(&b->envp, "HOME=/");
		if (!env_has(&b->envp, "PWD"))
			strvec_pushf(&b->envp, "PWD=%s", cwd);
		env_default(&b->envp, "USER=root");
	}

	in = (struct manifest_input){
		.program = b->program_image,
		.cwd = cwd,
		.version = ISLE_VERSION,
		.argv = b->argv.v,
		.argc = b->argv.n,
		.envp = b->envp.v,
		.envc = b->envp.n,
		.flags = (c->exec_protection ? ISLE_MF_EXEC_PROTECTION : 0) |
			 (c->noaslr ? ISLE_MF_NOASLR : 0) |
			 (c->reboot_on_exit ? ISLE_MF_REBOOT_ON_EXIT : 0),
	};
	if (manifest_encode(&in, &b->manifest, &b->manifest_size, why, sizeof(why))) {
		util_err("%s", why);
		return ISLE_EXIT_USAGE;
	}
	return 0;
}

static int choose_output(struct build *b)
{
	struct stat st;

	if (b->opts.output)
		b->output = util_xstrdup(b->opts.output);
	else
		b->output = util_xasprintf("%s.img", util_basename(b->program_image));
	struct stat prog;
	char *dir;
	int dir_ok;

	if (stat(b->output, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			util_err("output %s: exists and is not a regular file", b->output);
			return ISLE_EXIT_USAGE;
		}
		if (stat(b->program_host, &prog) == 0 && prog.st_dev == st.st_dev &&
		    prog.st_ino == st.st_ino) {
			util_err("output %s: is the program itself; choose another name with -o",
				 b->output);
			return ISLE_EXIT_USAGE;
		}
	}
	dir = imgpath_dirname(b->output);
	errno = 0;
	dir_ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	if (!dir_ok)
		util_err("output directory %s: %s", dir,
			 errno ? strerror(errno) : "not a directory");
	free(dir);
	return dir_ok ? 0 : ISLE_EXIT_USAGE;
}

static int stage(struct build *b)
{
	const char *dir = getenv("TMPDIR");
	struct stage_plan plan = {
		.config = b->cfg,
		.program_image = b->program_image,
		.program = b->prog.data,
		.program_size = b->prog.size,
		.manifest = b->manifest,
		.manifest_size = b->manifest_size,
		.cwd = b->cfg->cwd ? b->cfg->cwd : "/",
	};
	int r;

	b->staging = util_xasprintf("%s/isle-build-XXXXXX", dir && *dir ? dir : "/tmp");
	if (!mkdtemp(b->staging)) {
		util_err("cannot create a staging directory %s: %s", b->staging, strerror(errno));
		free(b->staging);
		b->staging = NULL;
		return ISLE_EXIT_CANNOT_RUN;
	}
	r = stage_build(b->staging, &plan);
	if (r == -EINTR)
		return interrupted();
	if (r)
		return r == -EINVAL ? ISLE_EXIT_USAGE : ISLE_EXIT_CANNOT_RUN;
	return interrupted();
}

/* The filesystem size: BaseVolumeSz (which the content must fit), or the content plus
 * 20% plus 4 MiB and at least 16 KiB per inode (mke2fs gives big filesystems one inode
 * per 16 KiB), rounded up to MiB. */
static int choose_size(struct build *b, uint64_t *size)
{
	uint64_t content, inodes, s;

	if (stage_measure(b->staging, &content, &inodes) < 0) {
		util_err("cannot measure the staging tree %s: %s", b->staging, strerror(errno));
		return ISLE_EXIT_CANNOT_RUN;
	}
	if (b->cfg->volume_size) {
		s = (b->cfg->volume_size + E2FS_BLOCK_SIZE - 1) & ~(uint64_t)(E2FS_BLOCK_SIZE - 1);
		if (content > s) {
			util_err("%s: BaseVolumeSz: image content is %llu MiB but BaseVolumeSz is "
				 "%llu MiB",
				 b->cfg->name, (unsigned long long)((content + MIB - 1) / MIB),
				 (unsigned long long)(s / MIB));
			return ISLE_EXIT_USAGE;
		}
		*size = s;
		return 0;
	}
	s = content + content / 5 + 4 * MIB;
	if (s < inodes * 16384 + 4 * MIB)
		s = inodes * 16384 + 4 * MIB;
	*size = (s + MIB - 1) & ~(MIB - 1);
	return 0;
}

static int write_image(struct build *b, uint64_t size)
{
	char *dir = imgpath_dirname(b->output);
	mode_t mask;
	int fd, r;

	b->tmp_image = util_xasprintf("%s/.%s.XXXXXX", dir, util_basename(b->output));
	free(dir);
	fd = mkostemp(b->tmp_image, O_CLOEXEC);
	if (fd < 0) {
		util_err("cannot create %s: %s", b->tmp_image, strerror(errno));
		free(b->tmp_image);
		b->tmp_image = NULL;
		return ISLE_EXIT_CANNOT_RUN;
	}
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0644 & ~mask);
	close(fd);
	r = e2fs_mkfs(b->staging, b->tmp_image, size);
	if (interrupt_pending())
		return interrupted();
	if (r) {
		if (b->cfg->volume_size)
			util_err("%s: BaseVolumeSz %llu MiB may be too small for the content plus "
				 "the filesystem's own metadata",
				 b->cfg->name, (unsigned long long)(size / MIB));
		return b->cfg->volume_size ? ISLE_EXIT_USAGE : ISLE_EXIT_CANNOT_RUN;
	}
	if (rename(b->tmp_image, b->output) < 0) {
		util_err("cannot rename %s to %s: %s", b->tmp_image, b->output, strerror(errno));
		return ISLE_EXIT_CANNOT_RUN;
	}
	free(b->tmp_image);
	b->tmp_image = NULL;
	return 0;
}

/* Everything after the config is loaded (b->cfg set). */
static int build_with_config(struct build *b)
{
	uint64_t size = 0;
	int status;

	status = choose_program(b);
	if (!status)
		status = make_manifest(b);
	if (!status)
		status = choose_output(b);
	if (status)
		return status;
	status = stage(b);
	if (!status) /* warnings only: the image is still built (docs/security.md) */
		imgexec_warn_tree(b->staging, b->program_image);
	if (!status)
		status = choose_size(b, &size);
	if (!status)
		status = write_image(b, size);
	if (!status && !b->quiet)
		printf("%s: %llu MiB ext2 image, program %s\n", b->output,
		       (unsigned long long)(size / MIB), b->program_image);
	return status;
}

static int build(struct build *b)
{
	if (b->opts.config) {
		if (config_load(b->opts.config, &b->config))
			return ISLE_EXIT_USAGE;
	} else {
		config_init(&b->config);
		b->config.name = util_xstrdup("(no config)");
		b->config.dir = util_xstrdup(".");
	}
	b->cfg = &b->config;
	interrupt_install();
	return build_with_config(b);
}

int build_image(const struct build_request *r)
{
	struct config none;
	struct build b;
	int status;

	memset(&b, 0, sizeof(b));
	config_init(&b.config); /* unused: freed empty */
	config_init(&none);
	none.name = util_xstrdup("(no config)");
	none.dir = util_xstrdup(".");
	b.cfg = r->config ? r->config : &none;
	b.opts.program = r->program;
	b.opts.output = r->output;
	b.bare_env = r->bare_env;
	b.quiet = r->quiet;
	status = build_with_config(&b);
	build_free(&b);
	config_free(&none);
	return status;
}

int build_main(int argc, char **argv)
{
	struct build b;
	int status;

	memset(&b, 0, sizeof(b));
	if (buildopts_parse(&b.opts, argc, argv) < 0) {
		buildopts_free(&b.opts);
		return ISLE_EXIT_USAGE;
	}
	if (b.opts.help) {
		usage_print(stdout);
		buildopts_free(&b.opts);
		return 0;
	}
	status = build(&b);
	build_free(&b);
	return status;
}
