/* runopts.h: the command line of `isle run`: options up to PROGRAM, then the program's
 * own arguments; and the kernel command line those options produce. */
#ifndef ISLE_CLI_RUNOPTS_H
#define ISLE_CLI_RUNOPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "accel.h"
#include "netopts.h"
#include "qemu.h"
#include "strvec.h"

#define RUN_MIN_MEMORY (4ULL << 20)	  /* the smallest guest isle boots in */
#define RUN_MIN_MEMORY_TEXT "4M"	  /* the same, as shown in messages */
#define RUN_DEFAULT_MEMORY (128ULL << 20) /* -m default */

struct run_options {
	enum qemu_machine machine;
	enum accel_mode accel;
	uint64_t memory;	   /* bytes, >= RUN_MIN_MEMORY */
	int cpus;		   /* --smp: vCPUs, 1..QEMU_MAX_CPUS (default 1) */
	struct strvec env;	   /* "KEY=VALUE", one per key, in first-given order */
	struct strvec kernel_args; /* -k values, verbatim */
	bool trace, verbose, boottime, dry_run, help;
	bool bundle;			/* --bundle: PROGRAM in a boot bundle, no disk */
	bool memory_given, accel_given; /* -m / --accel were on the command line */
	bool cpus_given;		/* --smp was */
	const char *config;		/* -c, or NULL */
	const char *kernel;		/* --kernel, or NULL for the default */
	const char *qemu;		/* --qemu, or QEMU_DEFAULT_BINARY */
	const char *program;		/* PROGRAM as typed; NULL only when help is set */
	struct strvec arg_opts;		/* -a values, in order */
	char **args; /* the program's argv[1..], nargs of them: the -a values, then those
		      * after PROGRAM (into arg_opts, or argv when there is no -a) */
	int nargs;
	bool args_set;		/* the config's Args became args (runconfig.h), maybe none */
	struct strvec all_args; /* owns args when -a was given */
	struct net_options net; /* --net and -p (net_finish runs after the config is merged) */
	bool ports_given;	/* -p was on the command line: the config's ports are ignored */
	char *trace_set;	/* --trace=SET as the kernel's trace=HEX value, or NULL */
	bool syscall_summary;	/* --syscall-summary: kernel option syscall_summary */
	bool missing_files;	/* --missing-files: kernel option missing_files */
	uint16_t gdb_port;	/* --gdb PORT: QEMU's gdb server on 127.0.0.1:PORT, VM halted;
				 * 0 without */
};

/* Parses a vCPU count: decimal digits only, 1..QEMU_MAX_CPUS. 0, -EINVAL or -ERANGE. */
int run_cpus_parse(const char *s, int *out);

/* Sets the defaults. */
void runopts_init(struct run_options *o);

/* Parses argv[1..argc-1] (argv[0] is "run"). Options end at the first argument that does
 * not start with '-' (or is "-"), or after "--"; that argument is PROGRAM, the rest its
 * arguments, after those of any -a. --help stops parsing and sets help. Returns 0, or -EINVAL after
 * printing "isle: REASON" and a hint to use --help on stderr. */
int runopts_parse(struct run_options *o, int argc, char **argv);

/* Returns a new string: the kernel options, space separated: "trace" (or "trace=HEX"
 * for --trace=SET), "syscall_summary", "missing_files", "verbose", "boottime" and "gdb"
 * (with --gdb) as selected, then each -k argument; "" when there are none. */
char *runopts_kernel_cmdline(const struct run_options *o);

/* Frees what runopts_parse allocated. */
void runopts_free(struct run_options *o);

#endif
