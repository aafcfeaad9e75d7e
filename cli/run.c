/* run.c: `isle run`, in order: options, program check, kernel, accelerator, boot module
 * and disk, QEMU command line, then --dry-run output or the VM. Three targets
 * (runconfig.h): a PROGRAM is built into a cached image (cache.h) booted with
 * snapshot=on, an IMAGE is booted as it is, and with --bundle a PROGRAM travels in the
 * boot bundle with no disk. The image's argv and environment are overridden by an
 * overrides-only boot bundle when the command line (or config) gives any. The bundle is
 * a private temporary file, removed on every path out of here; SIGINT/SIGTERM/SIGHUP are
 * blocked from before it exists (vm.c reads them), so an interrupt cannot skip that. So is
 * the private temporary directory holding QEMU's QMP socket, through which a stop signal
 * presses the VM's power button (docs/stop.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "abi/exit.h"
#include "abi/gdb.h"
#include "abi/bundle.h"
#include "bundle.h"
#include "cache.h"
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

/* docs/stop.md: the kernel's default stop_timeout and its bound (kernel/drivers/powerbtn.h),
 * and how much longer than that isle waits for the VM to power off after the press. */
#define STOP_TIMEOUT_DEFAULT_S 10
#define STOP_TIMEOUT_MAX_S 86400
#define STOP_CLI_EXTRA_S 10

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

/* --gdb: whether 127.0.0.1:port can be listened on now (QEMU's own failure would come
 * only after the VM was set up, in QEMU's words). Returns 0 or an exit status. */
static int gdb_port_check(uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0) {
		util_err("cannot check the --gdb port: %s", strerror(errno));
		return ISLE_EXIT_CANNOT_RUN;
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EADDRINUSE)
			util_err("cannot use --gdb %u: 127.0.0.1:%u is already in use", port, port);
		else
			util_err("cannot use --gdb %u: 127.0.0.1:%u: %s", port, port,
				 strerror(errno));
		r = ISLE_EXIT_CANNOT_RUN;
	}
	close(fd);
	return r;
}

/* The ELF gdb should load for the kernel at kernel: kernel.debug.elf next to it when it
 * is a kernel.elf (the build keeps the debug information there), else the kernel itself
 * (it keeps its symbol table); absolute when possible. Caller frees. */
static char *gdb_kernel_elf(const char *kernel)
{
	const char *base = strrchr(kernel, '/') ? strrchr(kernel, '/') + 1 : kernel;
	char *dbg = NULL, *abs;

	if (!strcmp(base, "kernel.elf")) {
		dbg = util_xasprintf("%.*skernel.debug.elf", (int)(base - kernel), kernel);
		if (access(dbg, R_OK) < 0) {
			free(dbg);
			dbg = NULL;
		}
	}
	abs = realpath(dbg ? dbg : kernel, NULL);
	if (!abs)
		abs = util_xstrdup(dbg ? dbg : kernel);
	free(dbg);
	return abs;
}

static void gdb_announce(uint16_t port, const char *kernel)
{
	char *elf = gdb_kernel_elf(kernel);
	char *cmd = util_xasprintf("symbol-file -o %s %s", ISLE_KERNEL_RUN_OFFSET_TEXT, elf);
	char *q = util_shell_quote(cmd);

	/* The symbols at the kernel's run address (abi/gdb.h), then the connection. */
	util_err("gdb server on 127.0.0.1:%u (halted); attach with: gdb -ex %s -ex 'target "
		 "remote 127.0.0.1:%u'",
		 port, q, port);
	free(q);
	free(cmd);
	free(elf);
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

/* Writes a boot bundle into a new temporary file, whose path goes to *path: with prog,
 * the program itself and its argv ([PROGRAM as typed, ARGS...]) and envp; without, an
 * overrides bundle for a disk image's program (argv[0] and the path empty: the image's
 * stay). Returns 0 or an exit status (message printed). */
static int make_bundle(const struct run_options *o, const struct program *prog, char **path)
{
	struct strvec args = {0};
	struct bundle_input in;
	char why[256];
	int fd, r, status = ISLE_EXIT_CANNOT_RUN;

	*path = NULL;
	strvec_push(&args, prog ? o->program : "");
	for (int i = 0; i < o->nargs; i++)
		strvec_push(&args, o->args[i]);
	in = (struct bundle_input){
		.guest_path = prog ? bundle_guest_path(o->program) : util_xstrdup(""),
		.argv = args.v,
		.argc = args.n,
		.envp = o->env.v,
		.envc = o->env.n,
		.program = prog ? prog->data : NULL,
		.program_size = prog ? prog->size : 0,
	};
	if (!prog)
		in.flags = ISLE_BUNDLE_OVERRIDES |
			   (o->nargs || o->args_set ? ISLE_BUNDLE_REPLACE_ARGS : 0);
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

/* With --bundle the program travels in guest RAM (the boot bundle) and stays there while
 * it runs, and its segments are copied out of it, so the guest needs about twice the
 * program's size plus RUN_MIN_MEMORY. Refusing here beats QEMU's "initrd is too large"
 * or a kernel out of memory at load time. (From an image, the kernel reads the program
 * through its page cache, which can evict.) */
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

/* The boot module and the disk for target t: *bundle (a temporary file, or NULL) and
 * *disk (NULL, o->program, or a cached image: *owned_disk). Returns 0 or an exit status. */
static int prepare(const struct run_options *o, const struct config *c, enum run_target t,
		   struct program *prog, char **bundle, char **owned_disk, const char **disk)
{
	bool overrides = o->nargs || o->args_set || o->env.n;
	int status;

	if (t == RUN_TARGET_BUNDLE) {
		status = make_bundle(o, prog, bundle);
		program_unload(prog); /* the bundle has its own copy now */
		return status;
	}
	if (overrides) {
		status = make_bundle(o, NULL, bundle);
		if (status)
			return status;
	}
	if (t == RUN_TARGET_IMAGE) {
		*disk = o->program;
		return 0;
	}
	struct cache_input in = {
		.program = o->program,
		.program_data = prog->data,
		.program_size = prog->size,
		.config_path = o->config,
		.config = o->config ? c : NULL,
	};

	status = cache_image(&in, owned_disk);
	program_unload(prog);
	*disk = *owned_disk;
	return status;
}

/* The kernel's stop_timeout=SECONDS in the command line append (docs/stop.md), else its
 * default; the kernel ignores a malformed value, and so does this. */
static int kernel_stop_timeout(const char *append)
{
	const char *p = append;
	int v = STOP_TIMEOUT_DEFAULT_S;

	while (p && *p) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (n > 13 && !strncmp(p, "stop_timeout=", 13) && n - 13 <= 5 &&
		    strspn(p + 13, "0123456789") == n - 13)
			v = atoi(p + 13) <= STOP_TIMEOUT_MAX_S ? atoi(p + 13) : v;
		p += n;
	}
	return v;
}

/* A private directory for the QMP socket: its path into *dir and the socket's into
 * *sock (both freed by the caller, the directory removed with qmp_dir_remove), or both
 * NULL when none can be made (a stop signal then stops QEMU at once, as before). */
static void qmp_dir_make(char **dir, char **sock)
{
	const char *tmp = getenv("TMPDIR");
	struct sockaddr_un sa;

	*dir = *sock = NULL;
	if (!tmp || !*tmp || strlen(tmp) > sizeof(sa.sun_path) - 32)
		tmp = "/tmp";
	*dir = util_xasprintf("%s/isle-qmp-XXXXXX", tmp);
	if (!mkdtemp(*dir)) {
		util_err("cannot create a directory for QEMU's QMP socket in %s: %s (a stop "
			 "signal will not be graceful)",
			 tmp, strerror(errno));
		free(*dir);
		*dir = NULL;
		return;
	}
	*sock = util_xasprintf("%s/qmp.sock", *dir);
}

/* (vm.c removes both as soon as it holds the QMP connection; then this finds nothing.) */
static void qmp_dir_remove(char *dir, char *sock)
{
	if (sock)
		unlink(sock);
	if (dir)
		rmdir(dir);
	free(sock);
	free(dir);
}

static int run(const struct run_options *o, const struct config *c, enum run_target t)
{
	struct program prog = {0};
	struct strvec argv = {0};
	struct qemu_config qc;
	char *kernel = NULL, *bundle = NULL, *append = NULL, *cached = NULL;
	char *qmp_dir = NULL, *qmp_sock = NULL;
	const char *disk = NULL;
	bool kvm;
	int status = 0;

	if (vm_signals_block() < 0) {
		util_err("cannot set up signal handling: %s", strerror(errno));
		return ISLE_EXIT_CANNOT_RUN;
	}
	if (t != RUN_TARGET_IMAGE) {
		status = program_load(o->program, &prog);
		if (!status && t == RUN_TARGET_BUNDLE)
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
	if (o->gdb_port && !o->dry_run && gdb_port_check(o->gdb_port))
		goto out;
	status = prepare(o, c, t, &prog, &bundle, &cached, &disk);
	if (status)
		goto out;

	append = runopts_kernel_cmdline(o);
	if (!o->dry_run)
		qmp_dir_make(&qmp_dir, &qmp_sock);
	qc = (struct qemu_config){
		.qemu = o->qemu,
		.machine = o->machine,
		.kvm = kvm,
		.memory = o->memory,
		.cpus = o->cpus,
		.kernel = kernel,
		.initrd = bundle,
		.disk = disk,
		.snapshot = t == RUN_TARGET_PROGRAM,
		.append = append,
		.net = o->net.mode,
		.tap = o->net.tap,
		.udp_local = o->net.udp_local,
		.udp_remote = o->net.udp_remote,
		.ports = o->net.ports,
		.nports = o->net.nports,
		.qmp_socket = qmp_sock,
		.gdb_port = o->gdb_port,
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
			.qmp_socket = qmp_sock,
			.qmp_dir = qmp_dir,
			.stop_timeout_ms = (kernel_stop_timeout(append) + STOP_CLI_EXTRA_S) * 1000,
			.stop_at_once = o->gdb_port != 0,
		};

		if (o->gdb_port)
			gdb_announce(o->gdb_port, kernel);
		fflush(NULL);
		qemu_prepare_stderr(2);
		status = vm_run(argv.v, &io);
	}
out:
	if (bundle)
		unlink(bundle); /* may be gone already (vm.c), which is fine */
	free(bundle);
	qmp_dir_remove(qmp_dir, qmp_sock);
	free(cached);
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
	enum run_target t;
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
	if (e2fs_is_image(o.program) == 1) {
		char why[256];
		int ro, r = e2fs_check_image(o.program, why, sizeof(why), &ro);

		if (r < 0) {
			if (r == -EINVAL)
				util_err("%s: cannot boot this image: %s", o.program, why);
			else
				util_err("%s: %s", o.program, strerror(-r));
			runopts_free(&o);
			return ISLE_EXIT_CANNOT_RUN;
		}
		if (ro)
			util_err("%s: has file-system features isle only reads: the program "
				 "sees a read-only root",
				 o.program);
		t = RUN_TARGET_IMAGE;
		if (o.bundle) {
			util_err("%s is an image: --bundle needs a PROGRAM (an ELF executable)",
				 o.program);
			runopts_free(&o);
			return ISLE_EXIT_USAGE;
		}
	} else {
		t = o.bundle ? RUN_TARGET_BUNDLE : RUN_TARGET_PROGRAM;
	}
	config_init(&c);
	if (o.config) {
		if (config_load(o.config, &c)) {
			runopts_free(&o);
			config_free(&c);
			return ISLE_EXIT_USAGE;
		}
		runconfig_apply(&o, &c, t);
	}
	{
		const char *why;
		if (net_finish(&o.net, &why)) {
			util_err("%s", why);
			runopts_free(&o);
			config_free(&c);
			return ISLE_EXIT_USAGE;
		}
	}
	status = run(&o, &c, t);
	runopts_free(&o);
	config_free(&c);
	return status;
}
