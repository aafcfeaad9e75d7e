/* procfs_pid.c: the files of /proc/1 that describe the process (procfs_gen.h): maps, stat,
 * statm, status, the fd and fdinfo directories, mounts and mountinfo. The one process is
 * pid 1 in its own session and group, runs as root, and its parent is "0" (the kernel).
 *
 * Approximations (documented in docs/filesystems.md): CPU time is not accounted, so
 * utime is the time since the program started and stime 0; the program's segments are
 * shown with file offset 0 (the loader copies them into anonymous memory); VmPeak is the
 * largest VmSize any read has seen. */
#include "core/errno.h"
#include "core/time.h"
#include "fs/fdtable.h"
#include "fs/procfs_gen.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/vm.h"
#include "syscall/sys.h"
#include "syscall/sys_fs.h"

#define PAGE_KB 4
#define TTY_NR ((4 << 8) | 64) /* ttyS0, the controlling terminal */

/* Major and minor as glibc's major()/minor() read them from the st_dev that stat(2)
 * reports for dev (sys_stat.c keeps major << 8 | minor in 32 bits), so the two agree. */
static void dev_split(uint64_t dev, unsigned *major, unsigned *minor)
{
	uint32_t ma = (uint32_t)dev >> 8, mi = (uint32_t)dev & 0xff;

	*major = ma & 0xfff;
	*minor = mi | ((ma >> 4) & ~0xffu);
}

/* The address space summed up for stat, statm and status. */
struct vm_sum {
	uint64_t size, exe, data, stack, lib;
	uintptr_t start_code, end_code, start_data, end_data, start_brk, stack_top;
};

static int sum_one(void *arg, const struct vm_area_info *a)
{
	struct vm_sum *s = arg;
	uint64_t len = a->end - a->start;

	s->size += len;
	if (a->kind == VM_AREA_PROGRAM && (a->prot & PROT_EXEC)) {
		s->exe += len;
		if (!s->start_code)
			s->start_code = a->start;
		s->end_code = a->end;
	} else if (a->kind == VM_AREA_PROGRAM && !s->end_data) {
		s->start_data = a->start;
		s->end_data = a->end;
	}
	if (a->kind == VM_AREA_HEAP && !s->start_brk)
		s->start_brk = a->start;
	if (a->kind == VM_AREA_STACK) {
		s->stack += len;
		s->stack_top = a->end;
	} else if (!a->shared && (a->prot & PROT_WRITE)) {
		s->data += len;
	}
	if (a->kind == VM_AREA_FILE && (a->prot & PROT_EXEC))
		s->lib += len;
	return 0;
}

static uint64_t vm_peak;

static void vm_sum(struct vm_sum *s)
{
	memset(s, 0, sizeof(*s));
	vm_for_each(sum_one, s);
	if (s->size > vm_peak)
		vm_peak = s->size;
}

struct maps_ctx {
	struct genfs_out *o;
	unsigned exe_major, exe_minor;
	uint64_t exe_ino;
	char *path; /* VFS_PATH_MAX bytes, or NULL: file mappings then show no name */
};

static int map_one(void *arg, const struct vm_area_info *a)
{
	struct maps_ctx *c = arg;
	struct procfs_map m = {a->start, a->end, a->prot, a->shared, a->offset, 0, 0, 0, NULL};

	switch (a->kind) {
	case VM_AREA_PROGRAM:
		m.major = c->exe_major;
		m.minor = c->exe_minor;
		m.ino = c->exe_ino;
		m.name = proc_exe_path;
		break;
	case VM_AREA_HEAP:
		m.name = "[heap]";
		break;
	case VM_AREA_STACK:
		m.name = "[stack]";
		break;
	case VM_AREA_VDSO:
		m.name = "[vdso]";
		break;
	case VM_AREA_VVAR:
		m.name = "[vvar]";
		break;
	case VM_AREA_FILE:
		if (!a->file)
			break;
		dev_split(a->file->inode->sb->dev, &m.major, &m.minor);
		m.ino = a->file->inode->ino;
		if (c->path && a->file->path &&
		    vfs_path_string(a->file->path, c->path, VFS_PATH_MAX) >= 0)
			m.name = c->path;
		break;
	}
	procfs_maps_line(c->o, &m);
	return genfs_out_full(c->o); /* the rest falls outside the window */
}

void procfs_show_maps(struct genfs_out *o)
{
	struct maps_ctx c = {o, 0, 0, 0, kmalloc(VFS_PATH_MAX)};
	struct vfs_path *exe;

	if (proc_exe_path && vfs_lookup(vfs_root(), proc_exe_path, NAMEI_FOLLOW, &exe) == 0) {
		dev_split(exe->inode->sb->dev, &c.exe_major, &c.exe_minor);
		c.exe_ino = exe->inode->ino;
		vfs_path_put(exe);
	}
	vm_for_each(map_one, &c);
	kfree(c.path);
}

static uint64_t ticks(uint64_t ns)
{
	return ns / (1000000000 / PROC_USER_HZ);
}

void procfs_show_stat(struct genfs_out *o)
{
	char comm[16];

	procfs_comm(comm);
	procfs_stat_line(o, PROC_PID, comm);
}

void procfs_stat_line(struct genfs_out *o, int tid, const char *comm)
{
	struct vm_sum s;
	uint64_t now = time_monotonic_ns(), start = procfs_start_ns();

	vm_sum(&s);
	/* Fields 1-13: pid comm state ppid pgrp session tty_nr tpgid flags minflt cminflt
	 * majflt cmajflt (flags: PF_RANDOMIZE | PF_FORKNOEXEC as Linux shows them). */
	genfs_printf(o, "%d (%s) R 0 %d %d %d %d 4194560 0 0 0 0 ", tid, comm, PROC_PID, PROC_PID,
		     TTY_NR, PROC_PID);
	/* 14-25: utime stime cutime cstime priority nice num_threads itrealvalue starttime
	 * vsize rss rsslim. */
	genfs_printf(o, "%lu 0 0 0 20 0 1 0 %lu %lu %lu 18446744073709551615 ",
		     (unsigned long)ticks(now - start), (unsigned long)ticks(start),
		     (unsigned long)s.size, (unsigned long)vm_resident_pages());
	/* 26-39: startcode endcode startstack kstkesp kstkeip signal blocked sigignore
	 * sigcatch wchan nswap cnswap exit_signal processor. */
	genfs_printf(o, "%lu %lu %lu 0 0 0 0 0 0 0 0 0 17 0 ", (unsigned long)s.start_code,
		     (unsigned long)s.end_code, (unsigned long)s.stack_top);
	/* 40-52: rt_priority policy delayacct_blkio_ticks guest_time cguest_time start_data
	 * end_data start_brk arg_start arg_end env_start env_end exit_code. */
	genfs_printf(o, "0 0 0 0 0 %lu %lu %lu 0 0 0 0 0\n", (unsigned long)s.start_data,
		     (unsigned long)s.end_data, (unsigned long)s.start_brk);
}

void procfs_show_statm(struct genfs_out *o)
{
	struct vm_sum s;

	vm_sum(&s);
	genfs_printf(o, "%lu %lu 0 %lu 0 %lu 0\n", (unsigned long)(s.size / 4096),
		     (unsigned long)vm_resident_pages(), (unsigned long)(s.exe / 4096),
		     (unsigned long)((s.data + s.stack) / 4096));
}

/* The descriptor table's size as Linux reports it: 64 slots, doubled while too small. */
static unsigned fd_table_size(void)
{
	int top = -1;
	unsigned size = 64;

	for (int fd = 0; fd < FD_MAX; fd++)
		if (fd_get(fd))
			top = fd;
	while ((unsigned)top >= size && size < FD_MAX)
		size *= 2;
	return size;
}

void procfs_show_status(struct genfs_out *o)
{
	struct vm_sum s;
	char comm[16];
	uint64_t rss;

	vm_sum(&s);
	rss = vm_resident_pages() * PAGE_KB;
	procfs_comm(comm);
	genfs_printf(o, "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\n", comm, sys_fs_umask);
	genfs_printf(o, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t0\nTracerPid:\t0\n", PROC_PID,
		     PROC_PID);
	genfs_printf(o, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%u\nGroups:\t\n",
		     fd_table_size());
	genfs_printf(o, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", PROC_PID, PROC_PID,
		     PROC_PID, PROC_PID);
	genfs_printf(o, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8u kB\nVmPin:\t%8u kB\n",
		     (unsigned long)(vm_peak / 1024), (unsigned long)(s.size / 1024), 0, 0);
	genfs_printf(o, "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n", (unsigned long)rss,
		     (unsigned long)rss);
	genfs_printf(o, "RssAnon:\t%8lu kB\nRssFile:\t%8u kB\nRssShmem:\t%8u kB\n",
		     (unsigned long)rss, 0, 0);
	genfs_printf(o, "VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\nVmLib:\t%8lu kB\n",
		     (unsigned long)(s.data / 1024), (unsigned long)(s.stack / 1024),
		     (unsigned long)(s.exe / 1024), (unsigned long)(s.lib / 1024));
	genfs_printf(o, "VmPTE:\t%8u kB\nVmSwap:\t%8u kB\nThreads:\t1\nSigQ:\t0/0\n", 0, 0);
	genfs_printf(o,
		     "SigPnd:\t%016x\nShdPnd:\t%016x\nSigBlk:\t%016x\nSigIgn:\t%016x\n"
		     "SigCgt:\t%016x\n",
		     0, 0, 0, 0, 0);
	genfs_printf(o,
		     "CapInh:\t%016x\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n"
		     "CapBnd:\t000001ffffffffff\nCapAmb:\t%016x\n",
		     0, 0);
	genfs_printf(o, "NoNewPrivs:\t0\nSeccomp:\t0\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n"
			"Mems_allowed:\t1\nMems_allowed_list:\t0\n");
	genfs_printf(o, "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

/* A mount table field, with the characters that would break the line escaped in octal
 * as Linux does (space \040, tab \011, newline \012, backslash \134). */
static void put_escaped(struct genfs_out *o, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			genfs_printf(o, "\\%03o", (unsigned char)*s);
		else
			genfs_write(o, s, 1);
	}
}

static const char *fstype_of(const struct super_block *sb)
{
	return sb->fstype ? sb->fstype : "none";
}

static const char *source_of(const struct super_block *sb)
{
	return sb->source[0] ? sb->source : fstype_of(sb);
}

static int mount_line(void *arg, struct super_block *sb, const char *where)
{
	struct genfs_out *o = arg;

	put_escaped(o, source_of(sb));
	genfs_write(o, " ", 1);
	put_escaped(o, where);
	genfs_printf(o, " %s %s 0 0\n", fstype_of(sb), sb->read_only ? "ro" : "rw");
	return 0;
}

void procfs_show_mounts(struct genfs_out *o)
{
	vfs_for_each_mount(mount_line, o);
}

#define MAX_LISTED_MOUNTS 32
#define MOUNT_ID_BASE 20 /* mount ids as small numbers that do not start at 0, like Linux's */

struct mount_list {
	struct super_block *sb[MAX_LISTED_MOUNTS];
	const char *where[MAX_LISTED_MOUNTS];
	int n;
};

static int collect_mount(void *arg, struct super_block *sb, const char *where)
{
	struct mount_list *l = arg;

	if (l->n == MAX_LISTED_MOUNTS)
		return 1;
	l->sb[l->n] = sb;
	l->where[l->n++] = where;
	return 0;
}

static int mount_index(const struct mount_list *l, const struct super_block *sb)
{
	for (int i = 0; i < l->n; i++)
		if (l->sb[i] == sb)
			return i;
	return 0;
}

void procfs_show_mountinfo(struct genfs_out *o)
{
	struct mount_list l;

	l.n = 0;
	vfs_for_each_mount(collect_mount, &l);
	for (int i = 0; i < l.n; i++) {
		struct super_block *sb = l.sb[i];
		int parent = sb->covered ? mount_index(&l, sb->covered->sb) : i;
		unsigned major, minor;
		const char *rw = sb->read_only ? "ro" : "rw";

		dev_split(sb->dev, &major, &minor);
		genfs_printf(o, "%d %d %u:%u / ", MOUNT_ID_BASE + i, MOUNT_ID_BASE + parent, major,
			     minor);
		put_escaped(o, l.where[i]);
		genfs_printf(o, " %s - %s ", rw, fstype_of(sb));
		put_escaped(o, source_of(sb));
		genfs_printf(o, " %s\n", rw);
	}
}

static long fd_next(unsigned long from)
{
	for (unsigned long fd = from; fd < FD_MAX; fd++)
		if (fd_get((int)fd))
			return (long)fd;
	return -1;
}

static struct file *fd_file(unsigned long n)
{
	return n < FD_MAX ? fd_get((int)n) : NULL;
}

/* The name the fd was opened by, as Linux's magic links show it. */
static long fd_link(unsigned long n, char *buf, size_t size)
{
	struct file *f = fd_file(n);
	char *path;
	long r;

	if (!f)
		return -ENOENT;
	if (!f->path) {
		/* Pipes (and later sockets) show "pipe:[ino]", other anonymous files
		 * "anon_inode:[eventfd]" and the like (file_ops.name). */
		const char *name = f->fops && f->fops->name ? f->fops->name : "[unknown]";
		char anon[48];
		if (S_ISTYPE(f->inode->mode, S_IFIFO) || S_ISTYPE(f->inode->mode, S_IFSOCK))
			fmt_snprintf(anon, sizeof(anon), "%s:[%lu]", name,
				     (unsigned long)f->inode->ino);
		else
			fmt_snprintf(anon, sizeof(anon), "anon_inode:%s", name);
		return genfs_link(buf, size, anon);
	}
	path = kmalloc(VFS_PATH_MAX);
	if (!path)
		return -ENOMEM;
	r = vfs_path_string(f->path, path, VFS_PATH_MAX);
	if (r >= 0)
		r = genfs_link(buf, size, path);
	kfree(path);
	return r;
}

static void fdinfo_show(unsigned long n, struct genfs_out *o)
{
	struct file *f = fd_file(n);
	struct mount_list l;
	unsigned flags;

	if (!f)
		return;
	l.n = 0;
	vfs_for_each_mount(collect_mount, &l);
	flags = f->flags | (fd_get_cloexec((int)n) > 0 ? O_CLOEXEC : 0);
	genfs_printf(o, "pos:\t%lu\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n", (unsigned long)f->pos,
		     flags, MOUNT_ID_BASE + mount_index(&l, f->inode->sb),
		     (unsigned long)f->inode->ino);
}

const struct genfs_dyn procfs_fd_dir = {fd_next, S_IFLNK | 0700, fd_link, NULL, 0};
const struct genfs_dyn procfs_fdinfo_dir = {fd_next, S_IFREG | 0400, NULL, fdinfo_show, 0};
