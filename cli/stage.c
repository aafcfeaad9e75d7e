/* stage.c: lay out the staging tree. Order matters: isle's /etc defaults first, so that
 * Dirs/Files/MapDirs may replace them; then NameServers (which wins over a staged
 * resolv.conf); then the program and the manifest, which nothing may replace. */
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/manifest.h"
#include "copy.h"
#include "e2fs.h"
#include "imgpath.h"
#include "stage.h"
#include "util.h"

static const char etc_hosts[] = "127.0.0.1 localhost\n::1 localhost\n";
static const char etc_passwd[] = "root:x:0:0:root:/:/sbin/nologin\n";
static const char etc_group[] = "root:x:0:\n";
static const char etc_nsswitch[] = "passwd: files\ngroup: files\nhosts: files dns\n";

static int put(const char *root, const char *img, const void *data, size_t len, unsigned mode)
{
	char *dst = util_xasprintf("%s%s", root, img);
	int r = copy_parents("isle", root, dst);

	if (!r)
		r = copy_data("isle", data, len, dst, mode);
	free(dst);
	return r;
}

static int put_text(const char *root, const char *img, const char *text)
{
	return put(root, img, text, strlen(text), 0644);
}

static int put_host_file(const char *root, const char *img, const char *host, const char *pkg)
{
	char *dst = util_xasprintf("%s%s", root, img);
	int r;

	if (access(host, R_OK) < 0) {
		util_err("host file %s: %s (install %s: scripts/deps.sh)", host, strerror(errno),
			 pkg);
		free(dst);
		return -ENOENT;
	}
	r = copy_parents("isle", root, dst);
	if (!r)
		r = copy_file("isle", host, dst);
	free(dst);
	return r == -EINVAL ? -EIO : r; /* a host problem, not the config's */
}

static int stage_etc(const char *root)
{
	int r = put_text(root, "/etc/hosts", etc_hosts);

	if (!r)
		r = put_text(root, "/etc/passwd", etc_passwd);
	if (!r)
		r = put_text(root, "/etc/group", etc_group);
	if (!r)
		r = put_text(root, "/etc/nsswitch.conf", etc_nsswitch);
	if (!r)
		r = put_text(root, "/etc/resolv.conf", "");
	if (!r)
		r = put_host_file(root, "/etc/localtime", STAGE_HOST_ZONEINFO, "tzdata");
	if (!r)
		r = put_host_file(root, "/etc/ssl/certs/ca-certificates.crt", STAGE_HOST_CA_BUNDLE,
				  "ca-certificates");
	/* Mount points the kernel mounts devfs, tmpfs, procfs and sysfs on: present even if
	 * the root ends up read-only, where the kernel could not make them. */
	static const char *const mounts[] = {"/dev", "/tmp", "/proc", "/sys"};
	for (size_t i = 0; !r && i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		char *dir = util_xasprintf("%s%s", root, mounts[i]);
		mode_t mode = !strcmp(mounts[i], "/tmp") ? 01777 : 0755;

		if (mkdir(dir, mode) < 0 && errno != EEXIST)
			r = -errno;
		else if (chmod(dir, mode) < 0)
			r = -errno;
		free(dir);
	}
	return r;
}

/* Dirs[i] or Files[i]: the host path resolved against the config's directory, copied to
 * the same (canonical) path in the image. */
static int stage_paths(const char *root, const struct config *c, const struct strvec *paths,
		       const char *what, int dirs)
{
	int r = 0;

	for (size_t i = 0; !r && i < paths->n; i++) {
		char *key = util_xasprintf("%s[%zu]", what, i);
		char *host = imgpath_host(c->dir, paths->v[i]), *img, *dst;
		struct stat st;

		imgpath_clean(paths->v[i], &img, NULL); /* config.c checked it */
		dst = util_xasprintf("%s%s", root, img);
		if (stat(host, &st) < 0) {
			util_err("%s: %s: %s", key, host, strerror(errno));
			r = -EINVAL;
		} else if (dirs && !S_ISDIR(st.st_mode)) {
			util_err("%s: %s: not a directory (use Files for files)", key, host);
			r = -EINVAL;
		} else if (!dirs && !S_ISREG(st.st_mode)) {
			util_err("%s: %s: not a regular file%s", key, host,
				 S_ISDIR(st.st_mode) ? " (use Dirs for directories)" : "");
			r = -EINVAL;
		} else {
			r = copy_parents(key, root, dst);
			if (!r)
				r = dirs ? copy_tree(key, host, dst) : copy_file(key, host, dst);
		}
		free(key);
		free(host);
		free(img);
		free(dst);
	}
	return r;
}

/* One MapDirs match: copied to TARGET/basename(match). */
static int stage_match(const char *root, const char *key, const char *match, const char *target)
{
	const char *name = util_basename(match);
	char *dst = util_xasprintf("%s%s%s%s", root, strcmp(target, "/") ? target : "", "/", name);
	struct stat st;
	int r;

	if (stat(match, &st) < 0) {
		util_err("%s: %s: %s", key, match, strerror(errno));
		r = -EINVAL;
	} else {
		r = copy_parents(key, root, dst);
		if (!r)
			r = S_ISDIR(st.st_mode) ? copy_tree(key, match, dst)
						: copy_file(key, match, dst);
	}
	free(dst);
	return r;
}

static int stage_mapdirs(const char *root, const struct config *c)
{
	int r = 0;

	for (size_t i = 0; !r && i < c->map_globs.n; i++) {
		char *key = util_xasprintf("MapDirs.%s", c->map_globs.v[i]);
		char *pattern = imgpath_host(c->dir, c->map_globs.v[i]);
		glob_t g;
		int gr = glob(pattern, 0, NULL, &g);

		if (gr == GLOB_NOMATCH) {
			util_err("%s: %s matches no file", key, pattern);
			r = -EINVAL;
		} else if (gr) {
			util_err("%s: cannot expand %s", key, pattern);
			r = -EINVAL;
		}
		for (size_t j = 0; !gr && !r && j < g.gl_pathc; j++)
			r = stage_match(root, key, g.gl_pathv[j], c->map_targets.v[i]);
		if (gr != GLOB_NOMATCH)
			globfree(&g);
		free(key);
		free(pattern);
	}
	return r;
}

static int stage_resolv(const char *root, const struct config *c)
{
	char *text = util_xstrdup(""), *t;
	int r;

	for (size_t i = 0; i < c->nameservers.n; i++) {
		t = util_xasprintf("%snameserver %s\n", text, c->nameservers.v[i]);
		free(text);
		text = t;
	}
	r = put_text(root, "/etc/resolv.conf", text);
	free(text);
	return r;
}

static int exists(const char *root, const char *img)
{
	char *p = util_xasprintf("%s%s", root, img);
	struct stat st;
	int r = lstat(p, &st) == 0;

	free(p);
	return r;
}

int stage_build(const char *root, const struct stage_plan *p)
{
	const struct config *c = p->config;
	struct stat st;
	char *cwd;
	int r;

	if (chmod(root, 0755) < 0) {
		util_err("staging directory %s: %s", root, strerror(errno));
		return -errno;
	}
	r = stage_etc(root);
	if (!r)
		r = stage_paths(root, c, &c->dirs, "Dirs", 1);
	if (!r)
		r = stage_paths(root, c, &c->files, "Files", 0);
	if (!r)
		r = stage_mapdirs(root, c);
	if (!r && c->has_nameservers)
		r = stage_resolv(root, c);
	if (r)
		return r;
	if (exists(root, "/.isle")) {
		util_err("Dirs/Files/MapDirs: /.isle is reserved for isle's own files");
		return -EINVAL;
	}
	if (exists(root, p->program_image)) {
		util_err("Dirs/Files/MapDirs: content from the config already occupies %s, the "
			 "program's path in the image",
			 p->program_image);
		return -EINVAL;
	}
	r = put(root, p->program_image, p->program, p->program_size, 0755);
	if (!r)
		r = put(root, ISLE_MANIFEST_PATH, p->manifest, p->manifest_size, 0444);
	if (r)
		return r;
	cwd = util_xasprintf("%s%s", root, p->cwd);
	if (stat(cwd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		util_err("Cwd: %s is not a directory in the image", p->cwd);
		r = -EINVAL;
	}
	free(cwd);
	return r;
}

static uint64_t measured_bytes, measured_inodes;

static uint64_t blocks_of(uint64_t size)
{
	uint64_t b = (size + E2FS_BLOCK_SIZE - 1) / E2FS_BLOCK_SIZE;
	uint64_t per = E2FS_BLOCK_SIZE / 4; /* block numbers per indirect block */

	/* ext2 maps 12 blocks directly, then through (double, triple) indirect blocks. */
	if (b > 12)
		b += 1 + (b - 12) / per + (b > 12 + per ? 1 + (b - 12 - per) / (per * per) : 0);
	return b;
}

static int measure_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	measured_inodes++;
	if (S_ISREG(st->st_mode))
		measured_bytes += blocks_of((uint64_t)st->st_size) * E2FS_BLOCK_SIZE;
	else if (S_ISDIR(st->st_mode))
		measured_bytes += E2FS_BLOCK_SIZE; /* most directories fit in one block */
	else if (S_ISLNK(st->st_mode) && st->st_size >= 60)
		measured_bytes += E2FS_BLOCK_SIZE; /* shorter targets live in the inode */
	return 0;
}

int stage_measure(const char *root, uint64_t *bytes, uint64_t *inodes)
{
	measured_bytes = measured_inodes = 0;
	if (nftw(root, measure_one, 16, FTW_PHYS) < 0)
		return -errno;
	*bytes = measured_bytes;
	*inodes = measured_inodes;
	return 0;
}

/* Copied directories keep their host mode, which may lack the owner's write or search
 * permission: give it back before removing. */
static int unlock_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type == FTW_D && (st->st_mode & 0700) != 0700)
		chmod(path, (st->st_mode & 07777) | 0700);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void stage_remove(const char *root)
{
	nftw(root, unlock_one, 16, FTW_PHYS);
	nftw(root, remove_one, 16, FTW_PHYS | FTW_DEPTH);
}
