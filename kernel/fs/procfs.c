/* procfs.c: the /proc tree (procfs.h): the table of entries, the program's recorded
 * command line and environment, and the small files and links that come straight from
 * them. The bigger generators live in procfs_pid.c (the process), procfs_task.c (its
 * threads), procfs_sys.c (the system) and procfs_cpu.c (cpuinfo). /proc/1/task/<tid>
 * has one directory per thread repeating a few of /proc/1's files; comm and stat are
 * the thread's own. */
#include "core/errno.h"
#include "core/time.h"
#include "fs/genfs.h"
#include "fs/namei.h"
#include "fs/procfs.h"
#include "fs/procfs_gen.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/procnet.h"
#include "sched/task.h"
#include "syscall/sys.h"

/* argv and envp as NUL-terminated strings back to back, as Linux shows them. */
static char *cmdline, *envblock;
static size_t cmdline_len, envblock_len;
static uint64_t start_ns;

/* Pack n strings into one heap block; *len 0 (and NULL) when n is 0 or out of memory. */
static char *pack(const char *const *v, int n, size_t *len)
{
	size_t total = 0;
	char *p, *q;

	*len = 0;
	for (int i = 0; i < n; i++)
		total += strlen(v[i]) + 1;
	if (total == 0 || !(p = kmalloc(total)))
		return NULL;
	q = p;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;
		memcpy(q, v[i], l);
		q += l;
	}
	*len = total;
	return p;
}

void proc_set_cmdline(const char *const *argv, int argc, const char *const *envp, int envc)
{
	kfree(cmdline);
	kfree(envblock);
	cmdline = pack(argv, argc, &cmdline_len);
	envblock = pack(envp, envc, &envblock_len);
	start_ns = time_monotonic_ns();
}

uint64_t procfs_start_ns(void)
{
	return start_ns;
}

void procfs_comm(char out[16])
{
	const char *path = proc_exe_path ? proc_exe_path : "";
	const char *slash = strrchr(path, '/');
	struct task *main = task_find(TASK_PID);

	if (main && main->comm[0])
		strlcpy(out, main->comm, 16);
	else
		strlcpy(out, slash ? slash + 1 : path, 16);
}

static void show_cmdline(struct genfs_out *o)
{
	genfs_write(o, cmdline, cmdline_len);
}

static void show_environ(struct genfs_out *o)
{
	genfs_write(o, envblock, envblock_len);
}

static void show_comm(struct genfs_out *o)
{
	char comm[16];

	procfs_comm(comm);
	genfs_printf(o, "%s\n", comm);
}

static long link_self(char *buf, size_t size)
{
	return genfs_link(buf, size, "1");
}

static long link_mounts(char *buf, size_t size)
{
	return genfs_link(buf, size, "self/mounts");
}

static long link_exe(char *buf, size_t size)
{
	return proc_exe_path ? genfs_link(buf, size, proc_exe_path) : -ENOENT;
}

static long link_root(char *buf, size_t size)
{
	return genfs_link(buf, size, "/");
}

static long link_cwd(char *buf, size_t size)
{
	char *path = kmalloc(VFS_PATH_MAX);
	long r;

	if (!path)
		return -ENOMEM;
	r = vfs_path_string(vfs_cwd(), path, VFS_PATH_MAX);
	if (r >= 0)
		r = genfs_link(buf, size, path);
	kfree(path);
	return r;
}

#define DIR (S_IFDIR | 0555)
#define DIR_PRIVATE (S_IFDIR | 0500)
#define REG (S_IFREG | 0444)
#define REG_PRIVATE (S_IFREG | 0400)
#define LNK (S_IFLNK | 0777)

enum {
	N_ROOT,
	N_SELF,
	N_THREAD_SELF,
	N_MOUNTS,
	N_MEMINFO,
	N_CPUINFO,
	N_STAT,
	N_UPTIME,
	N_LOADAVG,
	N_VERSION,
	N_FILESYSTEMS,
	N_SYS,
	N_SYS_KERNEL,
	N_SYS_KERNEL_RANDOM,
	N_SYS_VM,
	N_NET,
	N_PID,
	N_PID_TASK,
	N_TASK, /* entries after these are never parents: they need no names */
};

static const struct genfs_dyn task_dir = {procfs_task_next, DIR, NULL, NULL, N_TASK};

static const struct genfs_node nodes[] = {
	[N_ROOT] = {"", N_ROOT, DIR},
	[N_SELF] = {"self", N_ROOT, LNK, .link = link_self},
	[N_THREAD_SELF] = {"thread-self", N_ROOT, LNK, .link = procfs_link_thread_self},
	[N_MOUNTS] = {"mounts", N_ROOT, LNK, .link = link_mounts},
	[N_MEMINFO] = {"meminfo", N_ROOT, REG, procfs_show_meminfo},
	[N_CPUINFO] = {"cpuinfo", N_ROOT, REG, procfs_show_cpuinfo},
	[N_STAT] = {"stat", N_ROOT, REG, procfs_show_stat_sys},
	[N_UPTIME] = {"uptime", N_ROOT, REG, procfs_show_uptime},
	[N_LOADAVG] = {"loadavg", N_ROOT, REG, procfs_show_loadavg},
	[N_VERSION] = {"version", N_ROOT, REG, procfs_show_version},
	[N_FILESYSTEMS] = {"filesystems", N_ROOT, REG, procfs_show_filesystems},
	[N_SYS] = {"sys", N_ROOT, DIR},
	[N_SYS_KERNEL] = {"kernel", N_SYS, DIR},
	[N_SYS_KERNEL_RANDOM] = {"random", N_SYS_KERNEL, DIR},
	[N_SYS_VM] = {"vm", N_SYS, DIR},
	[N_NET] = {"net", N_ROOT, DIR},
	[N_PID] = {"1", N_ROOT, DIR},
	[N_PID_TASK] = {"task", N_PID, DIR, .dyn = &task_dir},
	[N_TASK] = {NULL, N_PID_TASK, DIR}, /* the template of every /proc/1/task/<tid> */
	/* /proc/sys */
	{"hostname", N_SYS_KERNEL, REG, procfs_show_hostname},
	{"osrelease", N_SYS_KERNEL, REG, procfs_show_osrelease},
	{"ostype", N_SYS_KERNEL, REG, procfs_show_ostype},
	{"version", N_SYS_KERNEL, REG, procfs_show_kversion},
	{"pid_max", N_SYS_KERNEL, REG, procfs_show_pid_max},
	{"boot_id", N_SYS_KERNEL_RANDOM, REG, procfs_show_boot_id},
	{"uuid", N_SYS_KERNEL_RANDOM, REG, procfs_show_uuid},
	{"overcommit_memory", N_SYS_VM, REG, procfs_show_overcommit},
	/* /proc/net */
	{"dev", N_NET, REG, procnet_show_dev},
	{"route", N_NET, REG, procnet_show_route},
	/* /proc/1 */
	{"cmdline", N_PID, REG, show_cmdline},
	{"comm", N_PID, REG, show_comm},
	{"cwd", N_PID, LNK, .link = link_cwd},
	{"environ", N_PID, REG_PRIVATE, show_environ},
	{"exe", N_PID, LNK, .link = link_exe},
	{"fd", N_PID, DIR_PRIVATE, .dyn = &procfs_fd_dir},
	{"fdinfo", N_PID, DIR_PRIVATE, .dyn = &procfs_fdinfo_dir},
	{"maps", N_PID, REG, procfs_show_maps},
	{"mountinfo", N_PID, REG, procfs_show_mountinfo},
	{"mounts", N_PID, REG, procfs_show_mounts},
	{"root", N_PID, LNK, .link = link_root},
	{"stat", N_PID, REG, procfs_show_stat},
	{"statm", N_PID, REG, procfs_show_statm},
	{"status", N_PID, REG, procfs_show_status},
	/* /proc/1/task/<tid> */
	{"cmdline", N_TASK, REG, show_cmdline},
	{"comm", N_TASK, REG, .show_n = procfs_show_task_comm},
	{"environ", N_TASK, REG_PRIVATE, show_environ},
	{"exe", N_TASK, LNK, .link = link_exe},
	{"maps", N_TASK, REG, procfs_show_maps},
	{"stat", N_TASK, REG, .show_n = procfs_show_task_stat},
	{"statm", N_TASK, REG, procfs_show_statm},
	{"status", N_TASK, REG, procfs_show_status},
};

static const struct genfs_table table = {nodes, sizeof(nodes) / sizeof(nodes[0])};

struct super_block *procfs_create(void)
{
	return genfs_create(&table, PROC_SUPER_MAGIC, "proc");
}
