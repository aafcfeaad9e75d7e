/* missing.c: the list of paths not found for the missing_files option (missing.h). */
#include "syscall/missing.h"

#include <stdbool.h>
#include <stddef.h>

#include "core/printk.h"
#include "mm/heap.h"
#include "lib/string.h"
#include "syscall/names.h"
#include "syscall/sys_fs.h"

/* The calls that take a path: which argument is the path, and which the dirfd (-1: none,
 * relative paths start at the working directory). */
struct path_call {
	short nr;
	signed char dirfd_arg, path_arg;
};

static const struct path_call path_calls[] = {
	{SYS_open, -1, 0},	{SYS_creat, -1, 0},    {SYS_stat, -1, 0},
	{SYS_lstat, -1, 0},	{SYS_access, -1, 0},   {SYS_readlink, -1, 0},
	{SYS_chdir, -1, 0},	{SYS_truncate, -1, 0}, {SYS_execve, -1, 0},
	{SYS_statfs, -1, 0},	{SYS_chmod, -1, 0},    {SYS_chown, -1, 0},
	{SYS_lchown, -1, 0},	{SYS_unlink, -1, 0},   {SYS_rmdir, -1, 0},
	{SYS_mkdir, -1, 0},	{SYS_openat, 0, 1},    {SYS_newfstatat, 0, 1},
	{SYS_statx, 0, 1},	{SYS_faccessat, 0, 1}, {SYS_faccessat2, 0, 1},
	{SYS_readlinkat, 0, 1}, {SYS_fchmodat, 0, 1},  {SYS_fchownat, 0, 1},
	{SYS_unlinkat, 0, 1},	{SYS_mkdirat, 0, 1},   {SYS_futimesat, 0, 1},
	{SYS_utimensat, 0, 1},	{SYS_execveat, 0, 1},  {SYS_openat2, 0, 1},
};

struct missing {
	uint32_t off;	/* in pool */
	uint32_t count; /* lookups that failed */
	short nr;	/* the first call that asked */
};

static struct missing list[MISSING_MAX];
static unsigned nlist;
static char pool[MISSING_POOL];
static size_t pool_used;
static unsigned long unlisted; /* failed lookups of paths that did not fit */

static const struct path_call *path_call_of(long nr)
{
	for (size_t i = 0; i < sizeof(path_calls) / sizeof(path_calls[0]); i++)
		if (path_calls[i].nr == nr)
			return &path_calls[i];
	return NULL;
}

/* Remove empty, "." and ".." components of the absolute path p, in place. */
static void normalize(char *p)
{
	char *out = p + 1; /* after the leading '/' */
	const char *in = p + 1;

	while (*in) {
		const char *end = strchr(in, '/');
		size_t len = end ? (size_t)(end - in) : strlen(in);

		if (len == 2 && in[0] == '.' && in[1] == '.') {
			if (out > p + 1) { /* drop the last component and its '/' */
				out--;
				while (out > p + 1 && out[-1] != '/')
					out--;
			}
		} else if (len && !(len == 1 && in[0] == '.')) {
			memmove(out, in, len);
			out += len;
			*out++ = '/';
		}
		in += len;
		if (*in == '/')
			in++;
	}
	if (out > p + 1)
		out--; /* the last component's '/' */
	*out = '\0';
}

/* The absolute form of path (relative to the dirfd or the cwd) in buf (2 * VFS_PATH_MAX
 * bytes): 0, or negative when the base is gone or the name does not fit. */
static int absolute(int dirfd, const char *path, char *buf)
{
	struct vfs_path *base = NULL;
	long n = 0;

	if (path[0] != '/') {
		int r = sys_fs_base(dirfd, path, &base);
		if (r < 0)
			return r;
		n = vfs_path_string(base ? base : vfs_cwd(), buf, VFS_PATH_MAX);
		if (n < 0)
			return (int)n;
		buf[n++] = '/';
	}
	memcpy(buf + n, path, strlen(path) + 1);
	normalize(buf);
	return 0;
}

static void remember(const char *abs, long nr)
{
	size_t len = strlen(abs) + 1;

	for (unsigned i = 0; i < nlist; i++) {
		if (!strcmp(pool + list[i].off, abs)) {
			list[i].count++;
			return;
		}
	}
	if (nlist == MISSING_MAX || len > MISSING_POOL - pool_used) {
		unlisted++;
		return;
	}
	memcpy(pool + pool_used, abs, len);
	list[nlist++] = (struct missing){(uint32_t)pool_used, 1, (short)nr};
	pool_used += len;
}

void missing_note(long nr, const uint64_t args[6])
{
	const struct path_call *c = path_call_of(nr);
	char *path, *abs;

	if (!c || !args[c->path_arg] || sys_fs_get_path(args[c->path_arg], &path) < 0)
		return;
	abs = path[0] ? kmalloc(2 * VFS_PATH_MAX) : NULL;
	if (abs) {
		int dirfd = c->dirfd_arg < 0 ? AT_FDCWD : (int)args[c->dirfd_arg];
		if (absolute(dirfd, path, abs) == 0)
			remember(abs, nr);
		kfree(abs);
	}
	sys_fs_put_path(path);
}

void missing_print(void)
{
	printk("isle: missing files: %u path%s the program looked up and did not find "
	       "(add them to the image with Files or Dirs in config.json)%s\n",
	       nlist, nlist == 1 ? "" : "s", nlist ? ":" : "");
	for (unsigned i = 0; i < nlist; i++)
		printk("isle: missing file: %s (%s, %u time%s)\n", pool + list[i].off,
		       syscall_name(list[i].nr), list[i].count, list[i].count == 1 ? "" : "s");
	if (unlisted)
		printk("isle: missing files: %lu more not listed (failed lookups after the list "
		       "of %d paths, %d bytes, was full)\n",
		       unlisted, MISSING_MAX, MISSING_POOL);
}
