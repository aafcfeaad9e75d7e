/* imgpath.c: canonical image paths; host paths relative to the config file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "imgpath.h"
#include "util.h"

int imgpath_clean(const char *path, char **out, int *absolute)
{
	size_t len = strlen(path);
	char *res, *w;
	const char *p = path;

	if (!len)
		return -ENOENT;
	if (absolute)
		*absolute = path[0] == '/';
	res = util_xmalloc(len + 2);
	w = res;
	while (*p) {
		const char *start;
		size_t n;

		while (*p == '/')
			p++;
		start = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - start);
		if (n == 0 || (n == 1 && start[0] == '.'))
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			free(res);
			return -EINVAL;
		}
		*w++ = '/';
		memcpy(w, start, n);
		w += n;
	}
	if (w == res)
		*w++ = '/';
	*w = '\0';
	*out = res;
	return 0;
}

char *imgpath_host(const char *dir, const char *rel)
{
	if (rel[0] == '/' || !dir || !strcmp(dir, "."))
		return util_xstrdup(rel);
	return util_xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", rel);
}

char *imgpath_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return util_xstrdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	if (slash == path)
		return util_xstrdup("/");
	return util_xasprintf("%.*s", (int)(slash - path), path);
}
