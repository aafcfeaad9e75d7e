/* run.c: `isle run`, in order: options, program check, kernel, accelerator, boot bundle
 * in a private temporary file, QEMU command line, then --dry-run output or the VM. An
 * image (made by isle build) is attached as a disk instead, with no boot bundle. The
 * temporary file is removed on every path out of here; SIGINT/SIGTERM/SIGHUP are blocked
 * from before it exists (vm.c reads them), so an interrupt cannot skip that. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/exit.h"
#include "bundle.h"
#include "config.h"
#include "e2fs.h"
#include "program.h"
#include "qemu.h"
#include "run.h"
#include "runconfig.h"
#include "runopts.h"
#include "usage.h"
#include "util.h"
#include "vm.h"

/* Returns the kernel path to use (caller frees), or NULL after printing why. */
static char *find_kernel(const char *given)
{
	char *path, *dir;
	struct stat st;

	if (given) {
		path = util_xstrdup(given);
	} else {
		dir = util_self_dir();
		if (!dir) {
			util_err("cannot locate the isle binary (/proc/self/exe): %s; use --kernel "
				 "PATH",
				 strerror(errno));
			return NULL;
		}
		path = util_xasprintf("%s%skernel.elf", dir, strcmp(dir, "/") ? "/" : "");
		free(dir);
	}
	if (stat(path, &st) < 0 || access(path, R_OK) < 0) {
		util_err("kernel %s: %s%s", path, strerror(errno),
			 given ? "" : " (build it with make, or use --kernel PATH)");
		free(path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		util_err("kernel %s: not a regular file", path);
		free(path);
		return NULL;
	}
	return path;
}

static void print_command(char *const *argv)
{
	for (size_t i = 0; argv[i]; i++) {
		char *q = util_shell_quote(argv[i]);

		printf("%s%s", i ? " " : "", q);
		free(q);
	}
	putchar('\n');
	fflush(stdout);
}

/* Writes the bundle for o and prog into a new temporary file, whose path goes to *path.
 * Returns 0 or an exit status (message printed). */
static int make_bundle(const struct run_options *o, const struct program *prog, char **path)
{
	struct strvec args = {0};
	struct bundle_input in;
	char why[256];
	int fd, r, status = ISLE_EXIT_CANNOT_RUN;

	*path = NULL;
	strvec_push(&args, o->program);
	for (int i = 0; i < o->nargs; i++)
		strvec_push(&args, o->args[i]);
	in = (struct bundle_input){
		.guest_path = bundle_guest_path(o->program),
		.argv = args.v,
		.argc = args.n,
		.envp = o->env.v,
		.envc = o->env.n,
		.program = prog->data,
		.program_size = prog->size,
	};
	if (bundle_check(&in, why, sizeof(why))) {
		util_err("%s", why);
		goto out;
	}
	fd = bundle_tempfile(path);
	if (fd < 0) {
		const char *dir = getenv("TMPDIR");

		util_err("cannot create the boot bundle in %s: %s", dir && *dir ? dir : "/tmp",
			 strerror(-fd));
		goto out;
	}
	r = bundle_write(fd, &in);
	if (!r && close(fd) < 0)
		r = -errno;
	else if (r)
		close(fd);
	if (r) {
		util_err("cannot write the boot bundle %s: %s", *path, strerror(-r));
		goto out;
	}
	status = 0;
out:
	free((char *)in.guest_path);
	strvec_free(&args);
	return status;
}

/* The program travels in guest RAM (the boot bundle) and stays there while it runs, and
 * its segments are copied out of it, so the guest needs about twice the program's size
 * plus RUN_MIN_MEMORY. Refusing here beats QEMU's "initrd is too large" or a kernel out
 * of memory at load time. */
static int check_memory_fits(const struct run_options *o, const struct program *prog)
{
	uint64_t need =
		RUN_MIN_MEMORY + ((2 * prog->size + (1ULL << 20) - 1) & ~((1ULL << 20) - 1));
	if (o->memory >= need)
		return 0;
	util_err("memory size %lluK is too small for %s (%llu KiB): it needs at least %lluM "
		 "(-m %lluM)",
		 (unsigned long long)(o->memory >> 10), o->program,
		 (unsigned long long)(prog->size >> 10), (unsigned long long)(need >> 20),
		 (unsigned long long)(need >> 20));
	return ISLE_EXIT_USAGE;
}

/* An image carries its own argv and environment (the manifest); changing them at run
 * time needs a mechanism the kernel does not have yet. */
static int check_image_options(const struct run_options *o)
{
	if (!o->env.n && !o->nargs)
		return 0;
	util_err("%s is an image: %s not supported yet for images; set %s in the config and "
		 "rebuild it with isle build",
		 o->program, o->env.n ? "-e is" : "program arguments are",
		 o->env.n ? "Env" : "Args");
	return ISLE_EXIT_USAGE;
}

static int run(const struct run_options *o)
{
	struct program prog = {0};
	struct strvec argv = {0};
	struct qemu_config qc;
	char *kernel = NULL, *bundle = NULL, *append = NULL;
	bool kvm, is_image;
	int status;

	if (vm_signals_block() < 0) {
		util_err("cannot set up signal handling: %s", strerror(errno));
		return ISLE_EXIT_CANNOT_RUN;
	}
	is_image = e2fs_is_image(o->program) == 1;
	if (is_image) {
		status = check_image_options(o);
	} else {
		status = program_load(o->program, &prog);
		if (!status)
			status = check_memory_fits(o, &prog);
	}
	if (status)
		goto out;
	status = ISLE_EXIT_CANNOT_RUN;
	kernel = find_kernel(o->kernel);
	if (!kernel)
		goto out;
	if (accel_choose(o->accel, &accel_host_probe, &kvm) < 0)
		goto out;
	if (!is_image) {
		status = make_bundle(o, &prog, &bundle);
		if (status)
			goto out;
		program_unload(&prog); /* the bundle has its own copy now */
	}

	append = runopts_kernel_cmdline(o);
	qc = (struct qemu_config){
		.qemu = o->qemu,
		.machine = o->machine,
		.kvm = kvm,
		.memory = o->memory,
		.kernel = kernel,
		.initrd = bundle,
		.disk = is_image ? o->program : NULL,
		.append = append,
	};
	qemu_build_argv(&qc, &argv);
	if (o->dry_run) {
		print_command(argv.v);
		status = 0;
	} else {
		struct vm_io io = {
			.in_fd = 0,
			.log_out_fd = 2,
			.show_exit = o->verbose,
			.unlink_when_running = bundle,
		};

		fflush(NULL);
		qemu_prepare_stderr(2);
		status = vm_run(argv.v, &io);
	}
out:
	if (bundle)
		unlink(bundle); /* may be gone already (vm.c), which is fine */
	free(bundle);
	free(append);
	free(kernel);
	strvec_free(&argv);
	program_unload(&prog);
	return status;
}

int run_main(int argc, char **argv)
{
	struct run_options o;
	struct config c;
	int status;

	runopts_init(&o);
	if (runopts_parse(&o, argc, argv) < 0) {
		runopts_free(&o);
		return ISLE_EXIT_USAGE;
	}
	if (o.help) {
		usage_print(stdout);
		runopts_free(&o);
		return 0;
	}
	config_init(&c);
	if (o.config) {
		if (config_load(o.config, &c)) {
			runopts_free(&o);
			config_free(&c);
			return ISLE_EXIT_USAGE;
		}
		runconfig_apply(&o, &c, e2fs_is_image(o.program) == 1);
	}
	status = run(&o);
	runopts_free(&o);
	config_free(&c);
	return status;
}
