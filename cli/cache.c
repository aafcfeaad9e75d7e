/* cache.c: the image cache. The key covers everything the image is made of, but reads only
 * the program and the config: the content a config names is represented by its metadata
 * (name, type, size, mtime, inode), which changes whenever the content is rewritten or
 * replaced. This costs a stat per host file on every run instead of a copy. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/exit.h"
#include "build.h"
#include "cache.h"
#include "imgpath.h"
#include "stage.h"
#include "util.h"

#ifndef ISLE_VERSION
#define ISLE_VERSION "unknown"
#endif

#define CACHE_FORMAT "isle image cache 1" /* change when what an image holds changes */

/* Hashes s with its NUL, so that consecutive strings cannot run into each other. */
static void put_str(struct sha256 *h, const char *s)
{
	sha256_update(h, s, strlen(s) + 1);
}

static void put_u64(struct sha256 *h, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llx", v);
	put_str(h, buf);
}

/* Hashes path's metadata and, for a directory, that of everything under it (names in
 * sorted order). follow: stat rather than lstat (the top of Dirs, which copy_tree
 * follows). A path that cannot be read is hashed as such: the build reports it. */
static void put_tree(struct sha256 *h, const char *path, int follow)
{
	struct dirent **names;
	struct stat st;
	int n;

	put_str(h, path);
	if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) {
		put_u64(h, (unsigned long long)errno);
		return;
	}
	put_u64(h, st.st_mode);
	put_u64(h, (unsigned long long)st.st_size);
	put_u64(h, (unsigned long long)st.st_mtim.tv_sec);
	put_u64(h, (unsigned long long)st.st_mtim.tv_nsec);
	put_u64(h, st.st_dev);
	put_u64(h, st.st_ino);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t len = readlink(path, target, sizeof(target) - 1);

		target[len < 0 ? 0 : len] = '\0';
		put_str(h, target);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		put_u64(h, (unsigned long long)errno);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (strcmp(name, ".") && strcmp(name, "..")) {
			char *child = util_xasprintf("%s/%s", path, name);

			put_tree(h, child, 0);
			free(child);
		}
		free(names[i]);
	}
	free(names);
}

static void put_paths(struct sha256 *h, const struct config *c, const struct strvec *v, int follow)
{
	for (size_t i = 0; i < v->n; i++) {
		char *p = imgpath_host(c->dir, v->v[i]);

		put_tree(h, p, follow);
		free(p);
	}
}

static void put_globs(struct sha256 *h, const struct config *c)
{
	for (size_t i = 0; i < c->map_globs.n; i++) {
		char *pattern = imgpath_host(c->dir, c->map_globs.v[i]);
		glob_t g;

		put_str(h, pattern);
		if (glob(pattern, 0, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc; k++)
				put_tree(h, g.gl_pathv[k], 1);
			globfree(&g);
		}
		free(pattern);
	}
}

static int put_file(struct sha256 *h, const char *path)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(h, buf, (size_t)n);
	close(fd);
	return n < 0 ? -EIO : 0;
}

int cache_key(const struct cache_input *in, unsigned char key[SHA256_SIZE])
{
	struct sha256 h;

	sha256_init(&h);
	put_str(&h, CACHE_FORMAT);
	put_str(&h, ISLE_VERSION);
	put_str(&h, util_basename(in->program));
	put_u64(&h, in->program_size);
	sha256_update(&h, in->program_data, in->program_size);
	put_tree(&h, STAGE_HOST_ZONEINFO, 1);
	put_tree(&h, STAGE_HOST_CA_BUNDLE, 1);
	if (in->config_path && in->config) {
		const struct config *c = in->config;
		char *dir = realpath(c->dir, NULL);
		int r;

		put_str(&h, "config");
		r = put_file(&h, in->config_path);
		if (r < 0) {
			free(dir);
			return r;
		}
		put_str(&h, dir ? dir : c->dir);
		free(dir);
		put_paths(&h, c, &c->files, 1);
		put_paths(&h, c, &c->dirs, 1);
		put_globs(&h, c);
	}
	sha256_final(&h, key);
	return 0;
}

/* mkdir -p path (new directories 0700), and the result writable. Returns 0 or -errno. */
static int make_dirs(const char *path)
{
	int r = util_mkdirs(path);
	if (!r && access(path, W_OK | X_OK) < 0)
		r = -errno;
	return r;
}

/* The fallback in a shared temporary directory: it must be a real directory that only
 * this user can reach, or another user could plant images in it. */
static char *private_tmp_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;
	struct stat st;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	dir = util_xasprintf("%s/isle-cache-%u", tmp, (unsigned)getuid());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		util_err("cannot create the image cache %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077)) {
		util_err("image cache %s: not a private directory of this user; remove it", dir);
		free(dir);
		return NULL;
	}
	return dir;
}

char *cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *dir = NULL;

	/* The XDG base directory specification: a relative XDG_CACHE_HOME is ignored. */
	if (xdg && xdg[0] == '/')
		dir = util_xasprintf("%s/isle/images", xdg);
	else if (home && home[0] == '/')
		dir = util_xasprintf("%s%s.cache/isle/images", home,
				     home[strlen(home) - 1] == '/' ? "" : "/");
	if (dir && make_dirs(dir) == 0)
		return dir;
	free(dir);
	return private_tmp_dir();
}

int cache_image(const struct cache_input *in, char **image)
{
	unsigned char key[SHA256_SIZE];
	char hex[2 * SHA256_SIZE + 1];
	struct stat st;
	char *dir;
	int r;

	*image = NULL;
	r = cache_key(in, key);
	if (r < 0) {
		util_err("%s: %s", in->config_path, strerror(-r));
		return ISLE_EXIT_USAGE;
	}
	dir = cache_dir();
	if (!dir)
		return ISLE_EXIT_CANNOT_RUN;
	for (int i = 0; i < SHA256_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	*image = util_xasprintf("%s/%s.img", dir, hex);
	free(dir);
	if (stat(*image, &st) == 0 && S_ISREG(st.st_mode))
		return 0;

	struct build_request req = {
		.program = in->program,
		.config = in->config,
		.output = *image,
		.bare_env = true,
		.quiet = true,
	};

	r = build_image(&req);
	if (r) {
		free(*image);
		*image = NULL;
	}
	return r;
}
