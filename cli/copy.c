/* copy.c: copy host content into the staging tree. Sources are opened with O_NOFOLLOW
 * inside trees (links are copied, never followed) and links are checked lexically: a
 * relative target whose ".." never climbs above the copied directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copy.h"
#include "interrupt.h"
#include "util.h"

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int open_dst(const char *key, const char *dst, unsigned mode)
{
	struct stat st;
	int fd;

	if (lstat(dst, &st) == 0 && !S_ISREG(st.st_mode)) {
		util_err("%s: %s: already in the image as something other than a file", key, dst);
		return -EINVAL;
	}
	fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode & 07777);
	if (fd < 0) {
		int e = errno;

		util_err("%s: cannot create %s: %s", key, dst, strerror(e));
		return -e;
	}
	fchmod(fd, mode & 07777); /* O_CREAT's mode went through the umask */
	return fd;
}

int copy_data(const char *key, const void *data, size_t len, const char *dst, unsigned mode)
{
	int fd = open_dst(key, dst, mode), r;

	if (fd < 0)
		return fd;
	r = write_all(fd, data, len);
	if (close(fd) < 0 && !r)
		r = -errno;
	if (r)
		util_err("%s: cannot write %s: %s", key, dst, strerror(-r));
	return r;
}

/* Copies from the open regular file in (stat st) to dst. */
static int copy_fd(const char *key, int in, const char *src, const struct stat *st, const char *dst)
{
	char buf[65536];
	int out = open_dst(key, dst, st->st_mode), r = 0;

	if (out < 0)
		return out;
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 && errno == EINTR && !interrupt_pending())
			continue;
		if (n < 0) {
			r = interrupt_pending() ? -EINTR : -EINVAL;
			if (r == -EINVAL)
				util_err("%s: cannot read %s: %s", key, src, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		r = write_all(out, buf, (size_t)n);
		if (r) {
			util_err("%s: cannot write %s: %s", key, dst, strerror(-r));
			break;
		}
	}
	if (close(out) < 0 && !r) {
		r = -errno;
		util_err("%s: cannot write %s: %s", key, dst, strerror(-r));
	}
	return r;
}

static int open_src(const char *key, const char *src, int flags, struct stat *st)
{
	int fd = open(src, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | flags);

	if (fd < 0) {
		util_err("%s: %s: %s", key, src, strerror(errno));
		return -EINVAL;
	}
	if (fstat(fd, st) < 0) {
		util_err("%s: %s: %s", key, src, strerror(errno));
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int copy_file(const char *key, const char *src, const char *dst)
{
	struct stat st;
	int fd = open_src(key, src, 0, &st), r;

	if (fd < 0)
		return fd;
	if (!S_ISREG(st.st_mode)) {
		util_err("%s: %s: not a regular file", key, src);
		close(fd);
		return -EINVAL;
	}
	r = copy_fd(key, fd, src, &st, dst);
	close(fd);
	return r;
}

static int make_dir(const char *key, const char *dst, unsigned mode)
{
	struct stat st;

	/* Writable and searchable by isle while it fills it; copy_dir sets the final mode. */
	if (mkdir(dst, 0700) == 0) {
		chmod(dst, (mode & 07777) | 0700);
		return 0;
	}
	if (errno == EEXIST && lstat(dst, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (errno == EEXIST) {
		util_err("%s: %s: already in the image as something other than a directory", key,
			 dst);
		return -EINVAL;
	}
	util_err("%s: cannot create %s: %s", key, dst, strerror(errno));
	return -errno;
}

/* true if the link target, seen from a link depth directories below the copied root,
 * stays inside that root. */
static int link_inside(const char *target, int depth)
{
	const char *p = target;

	if (target[0] == '/' || !target[0])
		return 0;
	while (*p) {
		const char *s = p;
		size_t n;

		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (n == 2 && s[0] == '.' && s[1] == '.')
			depth--;
		else if (n && !(n == 1 && s[0] == '.'))
			depth++;
		if (depth < 0)
			return 0;
		while (*p == '/')
			p++;
	}
	return 1;
}

static int copy_link(const char *key, const char *src, const char *dst, int depth)
{
	char target[4096];
	ssize_t n = readlink(src, target, sizeof(target) - 1);
	struct stat st;

	if (n < 0) {
		util_err("%s: %s: %s", key, src, strerror(errno));
		return -EINVAL;
	}
	target[n] = '\0';
	if (!link_inside(target, depth)) {
		util_err("%s: %s: symbolic link to '%s' points outside the copied directory", key,
			 src, target);
		return -EINVAL;
	}
	if (lstat(dst, &st) == 0 && unlink(dst) < 0) {
		util_err("%s: cannot replace %s: %s", key, dst, strerror(errno));
		return -errno;
	}
	if (symlink(target, dst) < 0) {
		util_err("%s: cannot create %s: %s", key, dst, strerror(errno));
		return -errno;
	}
	return 0;
}

static int copy_dir(const char *key, int fd, const char *src, const char *dst,
		    const struct stat *st, int depth);

/* Copies one directory entry of src (name) into dst. */
static int copy_entry(const char *key, const char *src, const char *dst, const char *name,
		      int depth)
{
	char *s = util_xasprintf("%s/%s", src, name), *d = util_xasprintf("%s/%s", dst, name);
	struct stat st;
	int r, fd;

	if (lstat(s, &st) < 0) {
		util_err("%s: %s: %s", key, s, strerror(errno));
		r = -EINVAL;
	} else if (S_ISLNK(st.st_mode)) {
		r = copy_link(key, s, d, depth);
	} else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		util_err("%s: %s: not a regular file, directory or symbolic link", key, s);
		r = -EINVAL;
	} else {
		fd = open_src(key, s, O_NOFOLLOW, &st);
		r = fd;
		if (fd >= 0) {
			if (S_ISDIR(st.st_mode))
				r = copy_dir(key, fd, s, d, &st, depth + 1);
			else if (S_ISREG(st.st_mode))
				r = copy_fd(key, fd, s, &st, d);
			else
				r = -EINVAL; /* changed under us */
			close(fd);
		}
	}
	free(s);
	free(d);
	return r;
}

static int copy_dir(const char *key, int fd, const char *src, const char *dst,
		    const struct stat *st, int depth)
{
	DIR *dir;
	struct dirent *de;
	int r = make_dir(key, dst, st->st_mode), dfd;

	if (r)
		return r;
	dfd = dup(fd);
	dir = dfd < 0 ? NULL : fdopendir(dfd);
	if (!dir) {
		util_err("%s: %s: %s", key, src, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return -EINVAL;
	}
	while (!r && (de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (interrupt_pending())
			r = -EINTR;
		else
			r = copy_entry(key, src, dst, de->d_name, depth);
	}
	closedir(dir);
	if (!r && chmod(dst, st->st_mode & 07777) < 0) {
		util_err("%s: cannot set the mode of %s: %s", key, dst, strerror(errno));
		r = -errno;
	}
	return r;
}

int copy_tree(const char *key, const char *src, const char *dst)
{
	struct stat st;
	int fd = open_src(key, src, O_DIRECTORY, &st), r;

	if (fd < 0)
		return fd;
	r = copy_dir(key, fd, src, dst, &st, 0);
	close(fd);
	return r;
}

int copy_parents(const char *key, const char *root, const char *path)
{
	size_t rootlen = strlen(root);
	char *p = util_xstrdup(path), *slash;
	int r = 0;

	for (slash = strchr(p + rootlen + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		r = make_dir(key, p, 0755);
		*slash = '/';
		if (r)
			break;
	}
	free(p);
	return r;
}
