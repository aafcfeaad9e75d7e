/* image.c: `isle image files|cat` (IMAGE a path or a store name, store.h); create, list,
 * delete and inspect are in storecmd.c. debugfs does the reading; this file turns its output
 * into a stable listing and its stderr (debugfs exits 0 even when a request fails) into
 * isle's messages and exit statuses. Listings use `ls -p`, whose '/'-separated fields
 * parse unambiguously (a file name cannot hold '/'). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/exit.h"
#include "e2fs.h"
#include "image.h"
#include "imgpath.h"
#include "store.h"
#include "usage.h"
#include "util.h"

#define IMAGE_NOT_IN_IMAGE 1

int image_check(const char *path)
{
	int r = e2fs_is_image(path);

	if (r == 1)
		return 0;
	if (r == 0) {
		util_err("%s: not an isle image (no ext2 filesystem in it)", path);
		return ISLE_EXIT_CANNOT_RUN;
	}
	util_err("%s: %s", path, strerror(-r));
	return r == -ENOENT ? ISLE_EXIT_NOT_FOUND : ISLE_EXIT_CANNOT_RUN;
}

/* Runs `debugfs -R "VERB "PATH"" IMAGE`. Returns 0 with r filled, or an exit status
 * after a message. A request debugfs refused is reported as "IMAGE: PATH: REASON". */
static int ask(const char *image, const char *verb, const char *path, int out_fd,
	       struct spawn_result *r)
{
	char *q = e2fs_quote(path), *req, *err;
	int e;

	if (!q) {
		util_err("%s: quotes, backslashes and control characters are not supported in "
			 "image paths",
			 path);
		return ISLE_EXIT_USAGE;
	}
	req = util_xasprintf("%s %s", verb, q);
	free(q);
	e = e2fs_debugfs(image, req, out_fd, r);
	free(req);
	if (e)
		return ISLE_EXIT_CANNOT_RUN;
	err = e2fs_debugfs_error(r);
	if (!err)
		return 0;
	if (strstr(err, "not found"))
		util_err("%s: %s: no such file or directory in the image", image, path);
	else if (strstr(err, "not a directory"))
		util_err("%s: %s: not a directory (isle image cat shows a file)", image, path);
	else
		util_err("%s: %s: %s", image, path, err);
	free(err);
	spawn_result_free(r);
	return IMAGE_NOT_IN_IMAGE;
}

static void mode_string(unsigned mode, char *s)
{
	static const char rwx[] = "rwxrwxrwx";

	switch (mode & S_IFMT) {
	case S_IFDIR:
		s[0] = 'd';
		break;
	case S_IFLNK:
		s[0] = 'l';
		break;
	case S_IFREG:
		s[0] = '-';
		break;
	default:
		s[0] = '?';
	}
	for (int i = 0; i < 9; i++)
		s[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	s[10] = '\0';
}

struct entry {
	char *name; /* sort key */
	char *line; /* as printed */
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* One `ls -p` line "/INO/MODE/UID/GID/NAME/SIZE/" to an entry "MODE SIZE NAME". Returns
 * 0, or -1 for "." and ".." and for lines of another shape. */
static int list_line(char *line, struct entry *e)
{
	char *f[7], *p = line, mode[11];
	int n = 0;

	if (*p++ != '/')
		return -1;
	while (n < 7 && p) {
		f[n++] = p;
		p = strchr(p, '/');
		if (p)
			*p++ = '\0';
	}
	if (n < 6 || !strcmp(f[4], ".") || !strcmp(f[4], ".."))
		return -1;
	mode_string((unsigned)strtoul(f[1], NULL, 8), mode);
	e->name = util_xstrdup(f[4]);
	e->line = util_xasprintf("%s %10s %s%s", mode, mode[0] == 'd' ? "" : f[5], f[4],
				 mode[0] == 'd' ? "/" : "");
	return 0;
}

static int list(const char *image, const char *path)
{
	struct spawn_result r;
	struct entry *ents = NULL;
	size_t n = 0;
	char *save = NULL, *line;
	int st = ask(image, "ls -p", path, -1, &r);

	if (st)
		return st;
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		ents = util_xrealloc(ents, (n + 1) * sizeof(*ents));
		if (list_line(line, &ents[n]) == 0)
			n++;
	}
	if (n)
		qsort(ents, n, sizeof(*ents), by_name);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", ents[i].line);
		free(ents[i].name);
		free(ents[i].line);
	}
	free(ents);
	spawn_result_free(&r);
	return 0;
}

static int cat(const char *image, const char *path)
{
	struct spawn_result r;
	int st = ask(image, "stat", path, -1, &r);

	if (st)
		return st;
	if (!strstr(r.out, "Type: regular")) {
		util_err("%s: %s: not a regular file%s", image, path,
			 strstr(r.out, "Type: directory") ? " (isle image files lists a directory)"
							  : "");
		spawn_result_free(&r);
		return IMAGE_NOT_IN_IMAGE;
	}
	spawn_result_free(&r);
	fflush(stdout);
	st = ask(image, "cat", path, 1, &r);
	if (!st)
		spawn_result_free(&r);
	return st;
}

static int usage_error(const char *msg)
{
	util_err("%s", msg);
	util_err("try 'isle --help' for more information");
	return ISLE_EXIT_USAGE;
}

int image_main(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	const char *store_name;
	char *path, *disk = NULL;
	int st;

	if (sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h"))) {
		usage_image(stdout, NULL);
		return 0;
	}
	if (sub && (!strcmp(sub, "create") || !strcmp(sub, "list") || !strcmp(sub, "delete") ||
		    !strcmp(sub, "inspect")))
		return store_main(argc, argv);
	if (sub && (!strcmp(sub, "files") || !strcmp(sub, "cat")) && argc == 3 &&
	    (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		usage_image(stdout, sub);
		return 0;
	}
	if (!sub || (strcmp(sub, "files") && strcmp(sub, "cat")))
		return usage_error("usage: isle image create|list|delete|inspect|files|cat ... "
				   "(isle image --help)");
	if (!strcmp(sub, "files") ? (argc < 3 || argc > 4) : argc != 4)
		return usage_error(!strcmp(sub, "files") ? "usage: isle image files IMAGE [PATH]"
							 : "usage: isle image cat IMAGE PATH");
	if (imgpath_clean(argc == 4 ? argv[3] : "/", &path, NULL))
		return usage_error("PATH must be a non-empty image path without '..'");
	st = store_resolve(argv[2], &disk, &store_name);
	if (!st)
		st = image_check(disk);
	if (!st)
		st = !strcmp(sub, "files") ? list(disk, path) : cat(disk, path);
	free(disk);
	free(path);
	return st;
}
