/* procfs_gen.h (private to the procfs*.c files): the generators behind /proc's table
 * (procfs.c), the process state they share, and the pure formatting helpers
 * (procfs_fmt.c, unit tested on the host). Generators write into a genfs_out window;
 * link functions follow genfs_dyn.link's contract. */
#ifndef ISLE_FS_PROCFS_GEN_H
#define ISLE_FS_PROCFS_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/genfs.h"

#define PROC_PID 1
#define PROC_USER_HZ 100 /* clock ticks of /proc/.../stat, as sysconf(_SC_CLK_TCK) */

/* procfs.c: what was recorded at exec (proc_set_cmdline). */
uint64_t procfs_start_ns(void); /* monotonic time the program started */
/* The command name: the main thread's (prctl PR_SET_NAME changes it), at first the
 * executable's base name cut to 15 bytes (Linux's TASK_COMM_LEN). */
void procfs_comm(char out[16]);

/* procfs_pid.c: /proc/1. */
void procfs_show_maps(struct genfs_out *o);
void procfs_show_stat(struct genfs_out *o);
/* The stat line of thread tid called comm (the process's: PROC_PID, procfs_comm). */
void procfs_stat_line(struct genfs_out *o, int tid, const char *comm);
void procfs_show_statm(struct genfs_out *o);
void procfs_show_status(struct genfs_out *o);
void procfs_show_mounts(struct genfs_out *o);
void procfs_show_mountinfo(struct genfs_out *o);
extern const struct genfs_dyn procfs_fd_dir, procfs_fdinfo_dir;

/* procfs_task.c: /proc/1/task/<tid>, one directory per live thread. */
long procfs_task_next(unsigned long from); /* genfs_dyn.next over the tids */
void procfs_show_task_comm(unsigned long tid, struct genfs_out *o);
void procfs_show_task_stat(unsigned long tid, struct genfs_out *o);
long procfs_link_thread_self(char *buf, size_t size); /* "1/task/<caller's tid>" */

/* procfs_sys.c: system-wide files. */
void procfs_show_meminfo(struct genfs_out *o);
void procfs_show_stat_sys(struct genfs_out *o);
void procfs_show_uptime(struct genfs_out *o);
void procfs_show_loadavg(struct genfs_out *o);
void procfs_show_version(struct genfs_out *o);
void procfs_show_filesystems(struct genfs_out *o);
void procfs_show_hostname(struct genfs_out *o);
void procfs_show_osrelease(struct genfs_out *o);
void procfs_show_ostype(struct genfs_out *o);
void procfs_show_kversion(struct genfs_out *o);
void procfs_show_pid_max(struct genfs_out *o);
void procfs_show_boot_id(struct genfs_out *o);
void procfs_show_uuid(struct genfs_out *o);
void procfs_show_overcommit(struct genfs_out *o);

/* procfs_cpu.c */
void procfs_show_cpuinfo(struct genfs_out *o);

/* procfs_fmt.c: Linux's formats. */

/* One line of /proc/PID/maps: "start-end perms offset major:minor inode", then, when
 * name is not NULL, spaces to column 73 and the name; a newline. */
struct procfs_map {
	uintptr_t start, end;
	int prot; /* PROT_READ | PROT_WRITE | PROT_EXEC */
	bool shared;
	uint64_t offset;
	unsigned major, minor;
	uint64_t ino;
	const char *name;
};
void procfs_maps_line(struct genfs_out *o, const struct procfs_map *m);
/* "Label:" padded to 16 columns, the value right-aligned in 8, then " kB" (meminfo);
 * procfs_count_line leaves out the unit. label includes its colon. */
void procfs_kb_line(struct genfs_out *o, const char *label, uint64_t kb);
void procfs_count_line(struct genfs_out *o, const char *label, uint64_t n);

/* The CPUID words /proc/cpuinfo's flags come from, and the XSAVE state the kernel enabled
 * (xcr0; 0 without XSAVE): AVX and AVX-512 flags are shown only when their registers are
 * enabled, so a program that trusts the flags does not fault. */
struct procfs_cpuid {
	uint32_t l1_ecx, l1_edx;	 /* leaf 1 */
	uint32_t l7_ebx, l7_ecx, l7_edx; /* leaf 7.0 */
	uint32_t ld1_eax;		 /* leaf 0xd.1 */
	uint32_t e1_ecx, e1_edx;	 /* leaf 0x80000001 */
	uint32_t e7_edx;		 /* leaf 0x80000007 */
	uint64_t xcr0;
};
/* The flag names, space separated, in Linux's order (no newline). */
void procfs_cpu_flags(struct genfs_out *o, const struct procfs_cpuid *c);

#endif
