/* runopts.c: parse `isle run [OPTIONS] PROGRAM [ARGS...]`. A small hand-written parser
 * rather than getopt: options must stop at PROGRAM and every message must name the
 * offending value precisely. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "runopts.h"
#include "size.h"
#include "tracefilter.h"
#include "util.h"

enum opt_id {
	OPT_MACHINE,
	OPT_ACCEL,
	OPT_MEMORY,
	OPT_ENV,
	OPT_TRACE,
	OPT_VERBOSE,
	OPT_BOOTTIME,
	OPT_KERNEL_ARG,
	OPT_KERNEL,
	OPT_QEMU,
	OPT_DRY_RUN,
	OPT_HELP,
	OPT_CONFIG,
	OPT_ARG,
	OPT_BUNDLE,
	OPT_SMP,
	OPT_NET,
	OPT_PORT,
	OPT_SYSCALL_SUMMARY,
	OPT_MISSING_FILES,
	OPT_GDB,
};

struct opt {
	const char *name; /* long name, without "--" */
	char short_name;  /* 0 if none */
	bool has_value;
	enum opt_id id;
};

static const struct opt opts[] = {
	{"machine", 0, true, OPT_MACHINE},
	{"accel", 0, true, OPT_ACCEL},
	{"memory", 'm', true, OPT_MEMORY},
	{"env", 'e', true, OPT_ENV},
	{"trace", 0, false, OPT_TRACE},
	{"verbose", 'v', false, OPT_VERBOSE},
	{"boot-time", 0, false, OPT_BOOTTIME},
	{"kernel-arg", 'k', true, OPT_KERNEL_ARG},
	{"kernel", 0, true, OPT_KERNEL},
	{"qemu", 0, true, OPT_QEMU},
	{"dry-run", 0, false, OPT_DRY_RUN},
	{"help", 'h', false, OPT_HELP},
	{"config", 'c', true, OPT_CONFIG},
	{"arg", 'a', true, OPT_ARG},
	{"bundle", 0, false, OPT_BUNDLE},
	{"smp", 0, true, OPT_SMP},
	{"net", 0, true, OPT_NET},
	{"publish", 'p', true, OPT_PORT},
	{"syscall-summary", 0, false, OPT_SYSCALL_SUMMARY},
	{"missing-files", 0, false, OPT_MISSING_FILES},
	{"gdb", 0, true, OPT_GDB},
};

void runopts_init(struct run_options *o)
{
	memset(o, 0, sizeof(*o));
	o->machine = QEMU_MACHINE_MICROVM;
	o->accel = ACCEL_AUTO;
	o->memory = RUN_DEFAULT_MEMORY;
	o->cpus = 1;
	o->qemu = QEMU_DEFAULT_BINARY;
}

void runopts_free(struct run_options *o)
{
	strvec_free(&o->env);
	strvec_free(&o->kernel_args);
	strvec_free(&o->arg_opts);
	strvec_free(&o->all_args);
	free(o->trace_set);
	o->trace_set = NULL;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_verr(fmt, ap);
	va_end(ap);
	util_err("try 'isle run --help' for more information");
	return -EINVAL;
}

static int set_memory(struct run_options *o, const char *v)
{
	uint64_t bytes;
	int r = size_parse(v, &bytes);

	if (r == -ERANGE)
		return usage_error("memory size %s is too large", v);
	if (r)
		return usage_error("invalid memory size '%s': expected a number with an optional "
				   "K, M or G suffix (a plain number means MiB)",
				   v);
	if (bytes == 0)
		return usage_error("invalid memory size '%s': it must not be zero", v);
	if (bytes < RUN_MIN_MEMORY)
		return usage_error("memory size %s is too small: isle needs at least %s", v,
				   RUN_MIN_MEMORY_TEXT);
	o->memory = bytes;
	return 0;
}

/* More vCPUs than the host has cores is allowed: QEMU (TCG threads or KVM vCPU threads)
 * time-shares them. */
static int set_cpus(struct run_options *o, const char *v)
{
	if (run_cpus_parse(v, &o->cpus))
		return usage_error("invalid CPU count '%s' for --smp: expected a number from 1 to "
				   "%d",
				   v, QEMU_MAX_CPUS);
	o->cpus_given = true;
	return 0;
}

int run_cpus_parse(const char *s, int *out)
{
	int n = 0;

	if (!*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		n = n * 10 + (*p - '0');
		if (n > QEMU_MAX_CPUS)
			return -ERANGE;
	}
	if (n < 1)
		return -EINVAL;
	*out = n;
	return 0;
}

static int add_env(struct run_options *o, const char *v)
{
	const char *why;

	if (env_check(v, &why))
		return usage_error("invalid environment variable '%s': %s", v, why);
	env_set(&o->env, v); /* a later -e for the same KEY replaces the earlier value */
	return 0;
}

/* --gdb PORT: decimal digits only, 1..65535 (whether it is free is checked at start). */
static int set_gdb_port(struct run_options *o, const char *v)
{
	unsigned long n = 0;

	if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 5 ||
	    (n = strtoul(v, NULL, 10)) < 1 || n > 65535)
		return usage_error("invalid port '%s' for --gdb: expected a number from 1 to "
				   "65535",
				   v);
	o->gdb_port = (uint16_t)n;
	return 0;
}

static int apply(struct run_options *o, const struct opt *op, const char *v)
{
	struct qemu_port port;
	const char *why;

	switch (op->id) {
	case OPT_MACHINE:
		if (qemu_machine_parse(v, &o->machine))
			return usage_error("invalid machine '%s': expected microvm, q35 or pc", v);
		return 0;
	case OPT_ACCEL:
		if (accel_parse(v, &o->accel))
			return usage_error("invalid accelerator '%s': expected auto, kvm or tcg",
					   v);
		o->accel_given = true;
		return 0;
	case OPT_MEMORY:
		o->memory_given = true;
		return set_memory(o, v);
	case OPT_CONFIG:
		o->config = v;
		return 0;
	case OPT_ENV:
		return add_env(o, v);
	case OPT_TRACE:
		o->trace = true;
		free(o->trace_set);
		o->trace_set = NULL;
		/* --trace=SET (the only flag with an optional value): strace's -e trace=. */
		return v ? trace_filter_parse(v, &o->trace_set) : 0;
	case OPT_SYSCALL_SUMMARY:
		o->syscall_summary = true;
		return 0;
	case OPT_MISSING_FILES:
		o->missing_files = true;
		return 0;
	case OPT_VERBOSE:
		o->verbose = true;
		return 0;
	case OPT_BOOTTIME:
		o->boottime = true;
		return 0;
	case OPT_KERNEL_ARG:
		strvec_push(&o->kernel_args, v);
		return 0;
	case OPT_KERNEL:
		o->kernel = v;
		return 0;
	case OPT_QEMU:
		o->qemu = v;
		return 0;
	case OPT_DRY_RUN:
		o->dry_run = true;
		return 0;
	case OPT_HELP:
		o->help = true;
		return 0;
	case OPT_ARG:
		strvec_push(&o->arg_opts, v);
		return 0;
	case OPT_BUNDLE:
		o->bundle = true;
		return 0;
	case OPT_SMP:
		return set_cpus(o, v);
	case OPT_NET:
		if (net_mode_parse(v, &o->net, &why))
			return usage_error("invalid --net '%s': %s", v, why);
		return 0;
	case OPT_PORT:
		if (net_port_parse(v, false, &port, &why) || net_port_add(&o->net, &port, &why))
			return usage_error("invalid port '%s' for -p: %s", v, why);
		o->ports_given = true;
		return 0;
	case OPT_GDB:
		return set_gdb_port(o, v);
	}
	return 0;
}

/* Finds the option a (which starts with '-') names; sets *inline_value to the text after
 * "--name=" or "-Xvalue", or NULL. */
static const struct opt *lookup(const char *a, const char **inline_value)
{
	*inline_value = NULL;
	if (a[1] == '-') {
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);

		for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
			if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len)) {
				*inline_value = eq ? eq + 1 : NULL;
				return &opts[i];
			}
		}
		return NULL;
	}
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (opts[i].short_name && opts[i].short_name == a[1]) {
			if (a[2] && !opts[i].has_value)
				return NULL; /* "-vx": flags do not combine */
			*inline_value = a[2] ? a + 2 : NULL;
			return &opts[i];
		}
	}
	return NULL;
}

int runopts_parse(struct run_options *o, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		const struct opt *op;
		int r;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		op = lookup(a, &v);
		if (!op)
			return usage_error("unknown option '%s'", a);
		if (op->has_value && !v) {
			if (i + 1 >= argc)
				return usage_error("option '%s' needs a value", a);
			v = argv[++i];
		} else if (!op->has_value && v && op->id != OPT_TRACE) {
			return usage_error("option '--%s' takes no value", op->name);
		}
		r = apply(o, op, v);
		if (r)
			return r;
		if (o->help)
			return 0;
	}
	if (i >= argc)
		return usage_error("no PROGRAM given: usage: isle run [OPTIONS] PROGRAM "
				   "[ARGS...]");
	{
		const char *why;
		struct net_options probe = o->net;
		if (net_finish(&probe, &why))
			return usage_error("%s", why);
	}
	o->program = argv[i];
	o->args = argv + i + 1;
	o->nargs = argc - i - 1;
	if (o->arg_opts.n) {
		for (size_t k = 0; k < o->arg_opts.n; k++)
			strvec_push(&o->all_args, o->arg_opts.v[k]);
		for (int k = 0; k < o->nargs; k++)
			strvec_push(&o->all_args, o->args[k]);
		o->args = o->all_args.v;
		o->nargs = (int)o->all_args.n;
	}
	return 0;
}

char *runopts_kernel_cmdline(const struct run_options *o)
{
	struct strvec w = {0};
	size_t len = 1;
	char *s, *p;

	char *trace_word = o->trace_set ? util_xmalloc(strlen(o->trace_set) + 7) : NULL;
	if (trace_word) {
		strcpy(trace_word, "trace=");
		strcat(trace_word, o->trace_set);
		strvec_push(&w, trace_word);
	} else if (o->trace) {
		strvec_push(&w, "trace");
	}
	if (o->syscall_summary)
		strvec_push(&w, "syscall_summary");
	if (o->missing_files)
		strvec_push(&w, "missing_files");
	if (o->verbose)
		strvec_push(&w, "verbose");
	if (o->boottime)
		strvec_push(&w, "boottime");
	if (o->gdb_port)
		strvec_push(&w, "gdb");
	for (size_t i = 0; i < o->kernel_args.n; i++)
		strvec_push(&w, o->kernel_args.v[i]);
	for (size_t i = 0; i < w.n; i++)
		len += strlen(w.v[i]) + 1;
	s = p = util_xmalloc(len);
	*p = '\0';
	for (size_t i = 0; i < w.n; i++) {
		size_t n = strlen(w.v[i]);

		if (i)
			*p++ = ' ';
		memcpy(p, w.v[i], n + 1);
		p += n;
	}
	strvec_free(&w);
	free(trace_word);
	return s;
}
