/* sysfs.c: /sys (sysfs.h): the CPU lists glibc's get_nprocs and sysconf, and runtimes
 * sizing their thread pools, read: CPUs 0..N-1 online, possible and present (N =
 * smp_ncpus(), the CPUs that came up), and their directories cpuN (get_nprocs_conf counts
 * them). The cpuN nodes are added to the table when the file system is created, after
 * the application processors started (main.c's boot order). */
#include "fs/genfs.h"
#include "fs/sysfs.h"
#include "lib/format.h"
#include "sched/smp.h"

static void show_cpu_list(struct genfs_out *o)
{
	int n = smp_ncpus();
	if (n == 1)
		genfs_puts(o, "0\n");
	else
		genfs_printf(o, "0-%d\n", n - 1);
}

static void show_kernel_max(struct genfs_out *o)
{
	genfs_printf(o, "%d\n", SMP_MAX_CPUS - 1);
}

#define DIR (S_IFDIR | 0755)
#define REG (S_IFREG | 0444)

enum { N_ROOT, N_DEVICES, N_SYSTEM, N_CPU, N_FS, N_KERNEL, N_FIXED };

static const struct genfs_node fixed[N_FIXED] = {
	[N_ROOT] = {"", N_ROOT, DIR},
	[N_DEVICES] = {"devices", N_ROOT, DIR},
	[N_SYSTEM] = {"system", N_DEVICES, DIR},
	[N_CPU] = {"cpu", N_SYSTEM, DIR},
	[N_FS] = {"fs", N_ROOT, DIR},
	[N_KERNEL] = {"kernel", N_ROOT, DIR},
};

static const struct genfs_node cpu_files[] = {
	{.name = "online", .parent = N_CPU, .mode = REG, .show = show_cpu_list},
	{.name = "possible", .parent = N_CPU, .mode = REG, .show = show_cpu_list},
	{.name = "present", .parent = N_CPU, .mode = REG, .show = show_cpu_list},
	{.name = "kernel_max", .parent = N_CPU, .mode = REG, .show = show_kernel_max},
};

#define NFILES (sizeof(cpu_files) / sizeof(cpu_files[0]))

/* fixed, then cpu0..cpuN-1 (listed before the files, as Linux lists them), then files. */
static struct genfs_node nodes[N_FIXED + SMP_MAX_CPUS + NFILES];
static char cpu_names[SMP_MAX_CPUS][8];
static struct genfs_table table = {nodes, 0};

struct super_block *sysfs_create(void)
{
	size_t n = 0;
	int ncpus = smp_ncpus();

	for (size_t i = 0; i < N_FIXED; i++)
		nodes[n++] = fixed[i];
	for (int c = 0; c < ncpus && c < SMP_MAX_CPUS; c++) {
		fmt_snprintf(cpu_names[c], sizeof(cpu_names[c]), "cpu%d", c);
		nodes[n++] =
			(struct genfs_node){.name = cpu_names[c], .parent = N_CPU, .mode = DIR};
	}
	for (size_t i = 0; i < NFILES; i++)
		nodes[n++] = cpu_files[i];
	table.count = n;
	return genfs_create(&table, SYSFS_MAGIC, "sysfs");
}
