/* e2fs.c: make ext2 images with mke2fs and read them with debugfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2fs.h"
#include "util.h"

int e2fs_is_image(const char *path)
{
	unsigned char m[2];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, m, sizeof(m), E2FS_MAGIC_OFFSET);
	if (n < 0) {
		int e = errno;

		close(fd);
		return e == EISDIR ? 0 : -e;
	}
	close(fd);
	return n == 2 && (m[0] | m[1] << 8) == E2FS_MAGIC;
}

/* The tool's message without trailing newlines, or a placeholder. */
static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

int e2fs_mkfs(const char *staging, const char *image, uint64_t size)
{
	char sz[32];
	/* The pinned feature set (docs/image-format.md, kernel/fs/ext2/super.c): -O none
	 * first, so the host's mke2fs.conf cannot add features the kernel refuses. */
	char *argv[] = {"mke2fs",
			"-q",
			"-F",
			"-t",
			"ext2",
			"-b",
			"4096",
			"-I",
			"256",
			"-O",
			"none,filetype,sparse_super,large_file",
			"-E",
			"root_owner=0:0",
			"-d",
			(char *)staging,
			"-L",
			"isle",
			(char *)image,
			sz,
			NULL};
	struct spawn_result r;
	int e;

	snprintf(sz, sizeof(sz), "%lluk", (unsigned long long)(size >> 10));
	e = spawn_run(argv, -1, &r);
	if (e) {
		util_err("cannot run mke2fs: %s%s", strerror(-e),
			 e == -ENOENT ? " (install e2fsprogs: scripts/deps.sh)" : "");
		return e == -ENOENT ? -ENOENT : -EIO;
	}
	if (r.status) {
		trim(r.err);
		util_err("mke2fs failed (status %d) making %s: %s", r.status, image,
			 *r.err ? r.err : "no message");
		spawn_result_free(&r);
		return -EIO;
	}
	spawn_result_free(&r);
	return 0;
}

int e2fs_debugfs(const char *image, const char *request, int out_fd, struct spawn_result *r)
{
	char *argv[] = {"debugfs", "-R", (char *)request, (char *)image, NULL};
	int e = spawn_run(argv, out_fd, r);

	if (e)
		util_err("cannot run debugfs: %s%s", strerror(-e),
			 e == -ENOENT ? " (install e2fsprogs: scripts/deps.sh)" : "");
	return e;
}

char *e2fs_debugfs_error(const struct spawn_result *r)
{
	const char *p = r->err;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		while (n && p[n - 1] == ' ')
			n--;
		if (n && strncmp(p, "debugfs ", 8) != 0)
			return util_xasprintf("%.*s", (int)n, p);
		p = nl ? nl + 1 : p + strlen(p);
	}
	return NULL;
}

char *e2fs_quote(const char *path)
{
	for (const char *p = path; *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return NULL;
	return util_xasprintf("\"%s\"", path);
}
