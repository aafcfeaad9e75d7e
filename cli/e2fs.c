/* e2fs.c: make ext2 images with mke2fs and read them with debugfs. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
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

/* Superblock fields (offsets from its start at byte 1024) and what kernel/fs/ext2 takes. */
#define SB_BLOCKS_COUNT 4
#define SB_LOG_BLOCK_SIZE 24
#define SB_REV_LEVEL 76
#define SB_FEATURE_INCOMPAT 96
#define SB_FEATURE_RO_COMPAT 100
#define INCOMPAT_KNOWN 0x0202u	/* filetype, flex_bg */
#define RO_COMPAT_KNOWN 0x0003u /* sparse_super, large_file */

/* ext2/3/4 INCOMPAT feature bits, for messages (names as mke2fs -O spells them). */
static const struct {
	uint32_t bit;
	const char *name;
} incompat_names[] = {
	{0x1, "compression"},  {0x4, "needs_recovery"},
	{0x8, "journal_dev"},  {0x10, "meta_bg"},
	{0x40, "extent"},      {0x80, "64bit"},
	{0x100, "mmp"},	       {0x400, "ea_inode"},
	{0x1000, "dirdata"},   {0x2000, "metadata_csum_seed"},
	{0x4000, "large_dir"}, {0x8000, "inline_data"},
	{0x10000, "encrypt"},  {0x20000, "casefold"},
};

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int e2fs_check_image(const char *path, char *why, size_t whylen, int *read_only)
{
	unsigned char sb[1024];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	*read_only = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || pread(fd, sb, sizeof(sb), 1024) != (ssize_t)sizeof(sb)) {
		int e = errno ? errno : EIO;

		close(fd);
		return -e;
	}
	close(fd);
	uint32_t log = le32(sb + SB_LOG_BLOCK_SIZE);
	if (log > 2) {
		snprintf(why, whylen, "block size 2^%u KiB: isle reads 1, 2 and 4 KiB blocks", log);
		return -EINVAL;
	}
	uint64_t need = (uint64_t)le32(sb + SB_BLOCKS_COUNT) * (1024u << log);
	if ((uint64_t)st.st_size < need) {
		snprintf(why, whylen,
			 "truncated: the file has %lld bytes but its file system needs %llu",
			 (long long)st.st_size, (unsigned long long)need);
		return -EINVAL;
	}
	if (le32(sb + SB_REV_LEVEL) == 0)
		return 0; /* revision 0 has no feature fields */
	uint32_t bad = le32(sb + SB_FEATURE_INCOMPAT) & ~INCOMPAT_KNOWN;
	if (bad) {
		size_t used = (size_t)snprintf(why, whylen,
					       "uses incompatible features the isle "
					       "kernel does not support:");
		for (size_t i = 0; i < sizeof(incompat_names) / sizeof(incompat_names[0]); i++)
			if ((bad & incompat_names[i].bit) && used < whylen)
				used += (size_t)snprintf(why + used, whylen - used, " %s",
							 incompat_names[i].name);
		if (used < whylen)
			snprintf(why + used, whylen - used,
				 " (incompat %#x); make images with isle build", bad);
		return -EINVAL;
	}
	*read_only = (le32(sb + SB_FEATURE_RO_COMPAT) & ~RO_COMPAT_KNOWN) != 0;
	return 0;
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
