/* sysfs.c: /sys (sysfs.h): the CPU lists glibc's get_nprocs and sysconf, and runtimes
 * sizing their thread pools, read: one CPU, number 0, online, possible and present, and
 * its directory cpu0 (get_nprocs_conf counts the cpuN directories). */
#include "fs/genfs.h"
#include "fs/sysfs.h"

static void show_cpu_list(struct genfs_out *o)
{
	genfs_puts(o, "0\n");
}

static void show_kernel_max(struct genfs_out *o)
{
	genfs_puts(o, "0\n");
}

#define DIR (S_IFDIR | 0755)
#define REG (S_IFREG | 0444)

enum { N_ROOT, N_DEVICES, N_SYSTEM, N_CPU, N_CPU0, N_FS, N_KERNEL };

static const struct genfs_node nodes[] = {
	[N_ROOT] = {"", N_ROOT, DIR},
	[N_DEVICES] = {"devices", N_ROOT, DIR},
	[N_SYSTEM] = {"system", N_DEVICES, DIR},
	[N_CPU] = {"cpu", N_SYSTEM, DIR},
	[N_CPU0] = {"cpu0", N_CPU, DIR},
	[N_FS] = {"fs", N_ROOT, DIR},
	[N_KERNEL] = {"kernel", N_ROOT, DIR},
	{"online", N_CPU, REG, show_cpu_list},
	{"possible", N_CPU, REG, show_cpu_list},
	{"present", N_CPU, REG, show_cpu_list},
	{"kernel_max", N_CPU, REG, show_kernel_max},
};

static const struct genfs_table table = {nodes, sizeof(nodes) / sizeof(nodes[0])};

struct super_block *sysfs_create(void)
{
	return genfs_create(&table, SYSFS_MAGIC, "sysfs");
}
