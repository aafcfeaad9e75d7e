/* test_procfs_vfs.c: /proc and /sys through the VFS (genfs.c, procfs*.c, sysfs.c) over
 * a tmpfs root and fakes of the kernel state they read (procfs_fakes.c): names, listings,
 * symlinks (self, exe, fd/N), the generated texts and their windows, and the refusals
 * (writes, name-space changes, other pids, non-canonical numbers). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/procfs.h"
#include "fs/sysfs.h"
#include "fs/tmpfs.h"
#include "mm_fakes.h"

extern int fake_ncpus; /* procfs_fakes.c */
static char text[1 << 16];

static int setup(void **state)
{
	struct super_block *root;
	struct inode *dir;
	struct file *f;
	const char *argv[] = {"/bin/prog", "two words"}, *envp[] = {"A=1", "PATH=/bin"};

	fake_ram_init(0x100000, 8 << 20);
	root = tmpfs_create(0755);
	vfs_mount_root(root);
	vfs_namei_init();
	assert_int_equal(root->root->ops->mkdir(root->root, "proc", 4, 0555, &dir), 0);
	vfs_iput(dir);
	assert_int_equal(root->root->ops->mkdir(root->root, "sys", 3, 0555, &dir), 0);
	vfs_iput(dir);
	assert_int_equal(vfs_mount("/proc", procfs_create()), 0);
	assert_int_equal(vfs_mount("/sys", sysfs_create()), 0);
	proc_set_cmdline(argv, 2, envp, 2);
	for (int fd = 0; fd < 3; fd++) {
		assert_int_equal(vfs_open(NULL, "/", O_RDONLY | O_DIRECTORY, 0, &f), 0);
		assert_int_equal(fd_install(f, 0, false), fd);
	}
	return 0;
}

/* The whole file read in `chunk`-byte reads; its length. */
static size_t slurp(const char *path, size_t chunk)
{
	struct file *f;
	size_t len = 0;
	long n;

	assert_int_equal(vfs_open(NULL, path, O_RDONLY, 0, &f), 0);
	while ((n = vfs_read_pos(f, text + len, chunk)) > 0)
		len += (size_t)n;
	assert_int_equal(n, 0);
	text[len] = '\0';
	vfs_file_put(f);
	return len;
}

static long link_of(const char *path, char *buf, size_t size)
{
	struct vfs_path *p;
	long r = vfs_lookup(NULL, path, 0, &p);

	if (r < 0)
		return r;
	assert_true(S_ISTYPE(p->inode->mode, S_IFLNK));
	r = p->inode->ops->readlink(p->inode, buf, size);
	vfs_path_put(p);
	if (r >= 0)
		buf[r] = '\0';
	return r;
}

static void test_process_files(void **state)
{
	char buf[256];

	assert_int_equal(slurp("/proc/self/cmdline", 3), 20);
	assert_memory_equal(text, "/bin/prog\0two words\0", 20);
	assert_int_equal(slurp("/proc/1/environ", 1), 14);
	assert_memory_equal(text, "A=1\0PATH=/bin\0", 14);
	slurp("/proc/thread-self/comm", 4096);
	assert_string_equal(text, "prog\n");
	assert_int_equal(link_of("/proc/self", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "1");
	link_of("/proc/1/exe", buf, sizeof(buf));
	assert_string_equal(buf, "/bin/prog");
	assert_int_equal(link_of("/proc/1/exe", buf, 4), 4); /* cut to the buffer */
	link_of("/proc/self/fd/2", buf, sizeof(buf));
	assert_string_equal(buf, "/");
	link_of("/proc/self/cwd", buf, sizeof(buf));
	assert_string_equal(buf, "/");

	slurp("/proc/self/maps", 5);
	assert_non_null(strstr(text, "00400000-00401000 r-xp 00000000 00:00 0"
				     "                                  /bin/prog\n"));
	assert_non_null(strstr(text, "00600000-00621000 rw-p 00000000 00:00 0 "
				     "                                 [heap]\n"));
	assert_non_null(strstr(text, "7effffff0000-7effffff8000 r--s 00000000 00:00 0 \n"));
	assert_non_null(strstr(text, "7effffff8000-7f0000000000 rw-p 00000000 00:00 0 "
				     "                         [stack]\n"));

	/* stat: 52 fields, pid, comm, state, vsize and rss from the fake address space. */
	slurp("/proc/self/stat", 4096);
	int fields = 1;
	for (const char *p = text; *p; p++)
		fields += *p == ' ';
	assert_int_equal(fields, 52);
	assert_memory_equal(text, "1 (prog) R 0 1 1 ", 17);
	unsigned long v[53];
	char *p = strchr(text, ')') + 4;
	for (int i = 4; i <= 52; i++)
		v[i] = strtoul(p, &p, 10);
	assert_int_equal(v[22], 1234); /* starttime: ticks at proc_set_cmdline */
	assert_int_equal(v[23], 0x1000 + 0x2000 + 0x21000 + 0x8000 + 0x8000);
	assert_int_equal(v[24], 7);
	assert_int_equal(v[26], 0x400000); /* startcode */

	slurp("/proc/self/status", 7);
	assert_non_null(strstr(text, "Name:\tprog\nUmask:\t0022\nState:\tR (running)\n"));
	assert_non_null(strstr(text, "\nVmRSS:\t      28 kB\n"));
	slurp("/proc/self/fdinfo/1", 4096);
	assert_memory_equal(text, "pos:\t0\nflags:\t0200000\n", 22);
}

static void test_system_files(void **state)
{
	size_t n = slurp("/proc/meminfo", 4096);

	assert_true(n > 100);
	assert_memory_equal(text, "MemTotal:", 9);
	assert_int_equal(slurp("/proc/meminfo", 1), n); /* byte by byte: the same text */
	slurp("/proc/uptime", 4096);
	assert_string_equal(text, "12.34 0.00\n");
	slurp("/proc/sys/kernel/hostname", 4096);
	assert_string_equal(text, "isle\n");
	slurp("/proc/sys/kernel/osrelease", 4096);
	assert_string_equal(text, "6.1.0-isle\n");
	slurp("/proc/cpuinfo", 64);
	assert_memory_equal(text, "processor\t: 0\nvendor_id\t: GenuineIntel\n", 38);
	assert_non_null(strstr(text, "\ncpu MHz\t\t: 2893.202\n"));
	assert_non_null(strstr(text, "\nbogomips\t: 5786.40\n"));
	slurp("/proc/mounts", 4096);
	assert_string_equal(text, "tmpfs / tmpfs rw 0 0\nproc /proc proc rw 0 0\n"
				  "sysfs /sys sysfs rw 0 0\n");
	slurp("/proc/self/mountinfo", 4096);
	assert_memory_equal(text, "20 20 ", 6);
	assert_non_null(strstr(text, "\n21 20 0:16 / /proc rw - proc proc rw\n"));
	slurp("/sys/devices/system/cpu/online", 4096);
	assert_string_equal(text, "0-1\n"); /* procfs_fakes.c: two CPUs */
	slurp("/sys/devices/system/cpu/present", 4096);
	assert_string_equal(text, "0-1\n");
	slurp("/sys/devices/system/cpu/kernel_max", 4096);
	assert_string_equal(text, "63\n");
	slurp("/proc/cpuinfo", 16384);
	assert_non_null(strstr(text, "\n\nprocessor\t: 1\n"));
	assert_null(strstr(text, "processor\t: 2"));
	assert_non_null(strstr(text, "siblings\t: 2\ncore id\t\t: 1\ncpu cores\t: 2\n"));
	assert_non_null(strstr(text, "apicid\t\t: 2\ninitial apicid\t: 2\n"));
	fake_ncpus = 1;
	slurp("/sys/devices/system/cpu/online", 4096);
	assert_string_equal(text, "0\n");
	slurp("/proc/cpuinfo", 16384);
	assert_null(strstr(text, "processor\t: 1"));
	assert_non_null(strstr(text, "siblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"));
	fake_ncpus = 2;
}

struct names {
	struct dir_emit emit;
	char all[512];
};

static int collect(struct dir_emit *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
		   uint64_t next)
{
	struct names *n = (struct names *)ctx;

	strncat(n->all, name, len);
	strcat(n->all, dtype == DT_DIR ? "/ " : dtype == DT_LNK ? "@ " : " ");
	return 0;
}

static const char *list(const char *path)
{
	static struct names n;
	struct vfs_path *p;
	uint64_t pos = 0;

	n.emit.emit = collect;
	n.all[0] = '\0';
	assert_int_equal(vfs_lookup(NULL, path, NAMEI_FOLLOW, &p), 0);
	assert_int_equal(p->inode->ops->readdir(p->inode, &pos, &n.emit), 0);
	vfs_path_put(p);
	return n.all;
}

static void test_listings(void **state)
{
	assert_string_equal(list("/proc/self/fd"), "./ ../ 0@ 1@ 2@ ");
	assert_string_equal(list("/sys/devices/system/cpu"),
			    "./ ../ cpu0/ cpu1/ online possible present kernel_max ");
	assert_non_null(strstr(list("/proc"), " self@ thread-self@ mounts@ meminfo "));
	assert_non_null(strstr(list("/proc"), " 1/ "));
	assert_non_null(strstr(list("/proc/1"), " exe@ fd/ fdinfo/ maps "));
	/* One directory per thread, each listing the template's files. */
	assert_string_equal(list("/proc/1/task"), "./ ../ 1/ ");
	assert_string_equal(list("/proc/self/task/1"),
			    "./ ../ cmdline comm environ exe@ maps stat statm status ");
	slurp("/proc/1/task/1/stat", 7);
	assert_true(strncmp(text, "1 (prog) R ", 11) == 0);
	struct vfs_path *gone;
	assert_int_equal(vfs_lookup(NULL, "/proc/1/task/2", 0, &gone), -ENOENT);
	assert_int_equal(vfs_lookup(NULL, "/proc/1/task/1/nothing", 0, &gone), -ENOENT);
	fd_close(2);
	assert_string_equal(list("/proc/self/fd"), "./ ../ 0@ 1@ ");
}

static int err_of(const char *path)
{
	struct vfs_path *p;
	int r = vfs_lookup(NULL, path, NAMEI_FOLLOW, &p);

	if (r == 0)
		vfs_path_put(p);
	return r;
}

static void test_refusals(void **state)
{
	struct file *f;
	struct iattr a = {.valid = ATTR_MODE, .mode = 0777};
	struct vfs_path *p;
	char buf[8];

	assert_int_equal(err_of("/proc/2/stat"), -ENOENT);
	assert_int_equal(err_of("/proc/self/fd/01"), -ENOENT);
	assert_int_equal(err_of("/proc/self/fd/9"), -ENOENT);
	assert_int_equal(err_of("/proc/self/fd/+1"), -ENOENT);
	assert_int_equal(err_of("/sys/fs/cgroup"), -ENOENT);
	assert_int_equal(vfs_open(NULL, "/proc/meminfo", O_WRONLY, 0, &f), -EACCES);
	assert_int_equal(vfs_open(NULL, "/proc/meminfo", O_RDWR, 0, &f), -EACCES);
	assert_int_equal(vfs_open(NULL, "/proc/new", O_WRONLY | O_CREAT, 0644, &f), -EPERM);
	assert_int_equal(vfs_lookup(NULL, "/proc/meminfo", 0, &p), 0);
	assert_int_equal(vfs_setattr(p->inode, &a), -EPERM);
	vfs_path_put(p);
	/* A link whose fd went away reads as gone. */
	assert_int_equal(vfs_open(NULL, "/", O_RDONLY, 0, &f), 0);
	assert_int_equal(fd_install(f, 5, false), 5);
	assert_int_equal(vfs_lookup(NULL, "/proc/self/fd/5", 0, &p), 0);
	fd_close(5);
	assert_int_equal(p->inode->ops->readlink(p->inode, buf, sizeof(buf)), -ENOENT);
	vfs_path_put(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_process_files),
		cmocka_unit_test(test_system_files),
		cmocka_unit_test(test_listings),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
