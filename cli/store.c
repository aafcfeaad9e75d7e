/* store.c: locations, metadata and name resolution of the local image store (store.h).
 * The commands themselves are in storecmd.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/exit.h"
#include "inststate.h"
#include "store.h"
#include "util.h"

/* The directory store_xdg_dir names, not created; NULL (quietly) when there is none. */
static char *xdg_path(bool data, const char *sub)
{
	const char *xdg = getenv(data ? "XDG_DATA_HOME" : "XDG_STATE_HOME");
	const char *home = getenv("HOME");

	/* The XDG base directory specification: a relative value is ignored. */
	if (xdg && xdg[0] == '/')
		return util_xasprintf("%s/%s", xdg, sub);
	if (home && home[0] == '/')
		return util_xasprintf("%s%s.local/%s/%s", home,
				      home[strlen(home) - 1] == '/' ? "" : "/",
				      data ? "share" : "state", sub);
	return NULL;
}

char *store_xdg_dir(const char *which, const char *sub)
{
	bool data = !strcmp(which, "data");
	char *dir = xdg_path(data, sub);
	int r;

	if (!dir) {
		util_err("no place for the %s: set HOME or %s to an absolute path",
			 data ? "image store" : "instance state",
			 data ? "XDG_DATA_HOME" : "XDG_STATE_HOME");
		return NULL;
	}
	r = util_mkdirs(dir);
	if (r < 0) {
		util_err("cannot create %s: %s", dir, strerror(-r));
		free(dir);
		return NULL;
	}
	return dir;
}

char *store_meta_format(const struct store_meta *m)
{
	return util_xasprintf("name=%s\nprogram=%s\ncreated=%lld\nsize=%" PRIu64 "\n", m->name,
			      m->program, m->created, m->size);
}

int store_meta_parse(const char *text, struct store_meta *m)
{
	char *copy = util_xstrdup(text), *save = NULL, *line, *v, *end;
	int r = 0;

	memset(m, 0, sizeof(*m));
	for (line = strtok_r(copy, "\n", &save); line && !r; line = strtok_r(NULL, "\n", &save)) {
		v = strchr(line, '=');
		if (!v) {
			r = -EINVAL;
			break;
		}
		*v++ = '\0';
		errno = 0;
		if (!strcmp(line, "name") && strlen(v) < sizeof(m->name))
			strcpy(m->name, v);
		else if (!strcmp(line, "program") && strlen(v) < sizeof(m->program))
			strcpy(m->program, v);
		else if (!strcmp(line, "created"))
			m->created = strtoll(v, &end, 10), r = errno || end == v || *end;
		else if (!strcmp(line, "size"))
			m->size = strtoull(v, &end, 10), r = errno || end == v || *end;
		else if (!strcmp(line, "name") || !strcmp(line, "program"))
			r = -EINVAL;
	}
	free(copy);
	if (r || !inst_name_valid(m->name))
		return -EINVAL;
	return 0;
}

int store_read_file(const char *path, char **text)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = 4096;
	char *buf;

	if (fd < 0)
		return -errno;
	buf = util_xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (len + 1 == cap)
			buf = util_xrealloc(buf, cap *= 2);
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*text = buf;
	return 0;
}

int store_write_file(const char *path, const char *text)
{
	char *tmp = util_xasprintf("%s.tmp.%ld", path, (long)getpid());
	size_t len = strlen(text);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), r = 0;

	if (fd < 0) {
		r = -errno;
		free(tmp);
		return r;
	}
	if (write(fd, text, len) != (ssize_t)len)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	free(tmp);
	return r;
}

int store_resolve(const char *arg, char **disk, const char **store_name)
{
	struct stat st;

	*store_name = NULL;
	*disk = NULL;
	if (!strchr(arg, '/') && inst_name_valid(arg)) {
		char *dir = xdg_path(true, "isle/images"); /* looking never creates it */

		if (dir) {
			char *p = util_xasprintf("%s/%s/%s", dir, arg, STORE_DISK);

			free(dir);
			if (stat(p, &st) == 0) {
				*disk = p;
				*store_name = arg;
				return 0;
			}
			free(p);
		}
	}
	if (stat(arg, &st) == 0) {
		*disk = util_xstrdup(arg);
		return 0;
	}
	util_err("%s: no such image in the store (isle image list) and no such file", arg);
	return ISLE_EXIT_NOT_FOUND;
}
