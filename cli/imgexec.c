/* imgexec.c: the image builder's warnings about shells and tools, and the list of an
 * image's executables (imgexec.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2fs.h"
#include "imgexec.h"
#include "spawn.h"
#include "strvec.h"
#include "util.h"

#define SHELL "a shell"
#define INTERP "an interpreter"
#define NETTOOL "a network tool"

struct risky {
	const char *name;
	bool versioned; /* also NAME followed by digits and dots */
	const char *what;
};

/* docs/security.md lists the same names. */
static const struct risky risky[] = {
	{"sh", false, SHELL},	    {"bash", false, SHELL},	{"dash", false, SHELL},
	{"ash", false, SHELL},	    {"zsh", false, SHELL},	{"ksh", false, SHELL},
	{"mksh", false, SHELL},	    {"csh", false, SHELL},	{"tcsh", false, SHELL},
	{"fish", false, SHELL},	    {"busybox", false, SHELL},	{"toybox", false, SHELL},
	{"python", true, INTERP},   {"perl", true, INTERP},	{"ruby", true, INTERP},
	{"lua", true, INTERP},	    {"php", true, INTERP},	{"node", true, INTERP},
	{"tclsh", true, INTERP},    {"nc", false, NETTOOL},	{"ncat", false, NETTOOL},
	{"netcat", false, NETTOOL}, {"socat", false, NETTOOL},	{"curl", false, NETTOOL},
	{"wget", false, NETTOOL},   {"ssh", false, NETTOOL},	{"scp", false, NETTOOL},
	{"sftp", false, NETTOOL},   {"telnet", false, NETTOOL}, {"ftp", false, NETTOOL},
	{"tftp", false, NETTOOL},
};

const char *imgexec_risky_name(const char *name)
{
	for (size_t i = 0; i < sizeof(risky) / sizeof(risky[0]); i++) {
		size_t n = strlen(risky[i].name);

		if (strncmp(name, risky[i].name, n))
			continue;
		if (!name[n] ||
		    (risky[i].versioned && strspn(name + n, "0123456789.") == strlen(name + n)))
			return risky[i].what;
	}
	return NULL;
}

/* nftw has no context argument: the walk's state, for one walk at a time. */
static struct {
	size_t root_len;
	const char *skip;
	struct strvec found; /* "PATH\tWHAT", sorted before printing */
} walk;

static int warn_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *what, *img = path + walk.root_len;

	if (type != FTW_F && type != FTW_SL)
		return 0;
	what = imgexec_risky_name(path + ftw->base);
	if (!what || (walk.skip && !strcmp(img, walk.skip)))
		return 0;
	strvec_pushf(&walk.found, "%s\t%s", img, what);
	return 0;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int imgexec_warn_tree(const char *root, const char *skip)
{
	int count;

	walk.root_len = strlen(root);
	walk.skip = skip;
	walk.found = (struct strvec){0};
	nftw(root, warn_one, 16, FTW_PHYS);
	if (walk.found.n)
		qsort(walk.found.v, walk.found.n, sizeof(char *), by_string);
	for (size_t i = 0; i < walk.found.n; i++) {
		char *tab = strrchr(walk.found.v[i], '\t'); /* WHAT has no tab */

		util_err("warning: the image contains %s: %.*s (an attacker who gets code "
			 "execution can use it; isle never runs it)",
			 tab + 1, (int)(tab - walk.found.v[i]), walk.found.v[i]);
	}
	count = (int)walk.found.n;
	strvec_free(&walk.found);
	return count;
}

struct exe {
	char *path;
	unsigned mode;
	unsigned long long size;
	const char *kind; /* "ELF", "script", "other" or "?" */
	char interp[96];  /* " (#!...)": a script's first line, up to 79 bytes */
};

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct exe *)a)->path, ((const struct exe *)b)->path);
}

/* Runs debugfs -f on the commands in cmds (written to the file cmdfile). 0 or -errno. */
static int run_script(const char *image, const char *cmdfile, const char *cmds,
		      struct spawn_result *r)
{
	char *argv[] = {"debugfs", "-f", (char *)cmdfile, (char *)image, NULL};
	int fd = open(cmdfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), e;
	size_t len = strlen(cmds);

	if (fd < 0 || write(fd, cmds, len) != (ssize_t)len) {
		e = -errno;
		util_err("cannot write %s: %s", cmdfile, strerror(errno));
		if (fd >= 0)
			close(fd);
		return e;
	}
	close(fd);
	e = spawn_run(argv, -1, r);
	if (e)
		util_err("cannot run debugfs: %s%s", strerror(-e),
			 e == -ENOENT ? " (install e2fsprogs: scripts/deps.sh)" : "");
	return e;
}

/* The strings of v one after the other, in a new string. */
static char *concat(const struct strvec *v)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < v->n; i++)
		len += strlen(v->v[i]);
	s = util_xmalloc(len);
	s[0] = '\0';
	for (size_t i = 0; i < v->n; i++)
		strcat(s, v->v[i]);
	return s;
}

static char *join(const char *dir, const char *name)
{
	return util_xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", name);
}

/* One `ls -p` line "/INO/MODE/UID/GID/NAME/SIZE/" of directory dir: a subdirectory goes to
 * next, an executable regular file to *exes. */
static void take_line(char *line, const char *dir, struct strvec *next, struct exe **exes,
		      size_t *n)
{
	char *f[6], *p = line + 1;
	unsigned mode;
	int k = 0;

	if (line[0] != '/')
		return;
	while (k < 6 && p) {
		f[k++] = p;
		p = strchr(p, '/');
		if (p)
			*p++ = '\0';
	}
	if (k < 6 || !strcmp(f[4], ".") || !strcmp(f[4], ".."))
		return;
	mode = (unsigned)strtoul(f[1], NULL, 8);
	if (S_ISDIR(mode)) {
		char *d = join(dir, f[4]);

		strvec_push(next, d);
		free(d);
	} else if (S_ISREG(mode) && (mode & 0111)) {
		*exes = util_xrealloc(*exes, (*n + 1) * sizeof(**exes));
		(*exes)[*n] = (struct exe){
			.path = join(dir, f[4]), .mode = mode, .size = strtoull(f[5], NULL, 10)};
		(*exes)[*n].kind = "?";
		(*n)++;
	}
}

/* Lists the directories in dirs (one debugfs run), collecting as take_line does. */
static int list_level(const char *image, const char *cmdfile, const struct strvec *dirs,
		      struct strvec *next, struct exe **exes, size_t *n)
{
	struct spawn_result r;
	struct strvec cmds = {0};
	char *all, *save = NULL, *line;
	size_t section = 0, nreq, *which = util_xmalloc((dirs->n + 1) * sizeof(*which));
	bool started = false;
	int e;

	for (size_t i = 0; i < dirs->n; i++) {
		char *q = e2fs_quote(dirs->v[i]);

		if (q) { /* which[k]: the directory of the k-th request */
			which[cmds.n] = i;
			strvec_pushf(&cmds, "ls -p %s\n", q);
		} else {
			util_err("warning: %s: a directory name debugfs cannot quote; not listed",
				 dirs->v[i]);
		}
		free(q);
	}
	all = concat(&cmds);
	nreq = cmds.n;
	strvec_free(&cmds);
	e = nreq ? run_script(image, cmdfile, all, &r) : -EAGAIN;
	free(all);
	if (e) {
		free(which);
		return e == -EAGAIN ? 0 : e;
	}
	/* Each request's output follows its echo "debugfs: ls -p ...". */
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "debugfs: ", 9)) {
			section += started;
			started = true;
			continue;
		}
		if (started && section < nreq)
			take_line(line, dirs->v[which[section]], next, exes, n);
	}
	spawn_result_free(&r);
	free(which);
	return 0;
}

/* Dumps every executable into dir and sets its kind from its first bytes. */
static int classify(const char *image, const char *dir, const char *cmdfile, struct exe *exes,
		    size_t n)
{
	struct spawn_result r;
	struct strvec cmds = {0};
	char *all;
	int e;

	for (size_t i = 0; i < n; i++) {
		char *q = e2fs_quote(exes[i].path);

		if (q)
			strvec_pushf(&cmds, "dump %s \"%s/%zu\"\n", q, dir, i);
		free(q);
	}
	all = concat(&cmds);
	strvec_free(&cmds);
	e = n ? run_script(image, cmdfile, all, &r) : 0;
	free(all);
	if (e)
		return e;
	if (n)
		spawn_result_free(&r);
	for (size_t i = 0; i < n; i++) {
		char *p = util_xasprintf("%s/%zu", dir, i), head[80];
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		ssize_t got = fd < 0 ? -1 : read(fd, head, sizeof(head) - 1);

		if (fd >= 0)
			close(fd);
		unlink(p);
		free(p);
		if (got < 0)
			continue; /* stays "?" */
		head[got] = '\0';
		if (got >= 4 && !memcmp(head, "\177ELF", 4)) {
			exes[i].kind = "ELF";
		} else if (got >= 2 && head[0] == '#' && head[1] == '!') {
			exes[i].kind = "script";
			head[strcspn(head, "\n")] = '\0';
			for (char *c = head; *c; c++)
				if ((unsigned char)*c < 0x20 || *c == 0x7f)
					*c = '?';
			snprintf(exes[i].interp, sizeof(exes[i].interp), " (%s)", head);
		} else {
			exes[i].kind = "other";
		}
	}
	return 0;
}

static void mode_text(unsigned mode, char *s)
{
	static const char rwx[] = "rwxrwxrwx";

	s[0] = '-';
	for (int i = 0; i < 9; i++)
		s[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	if (mode & S_ISUID)
		s[3] = s[3] == 'x' ? 's' : 'S';
	if (mode & S_ISGID)
		s[6] = s[6] == 'x' ? 's' : 'S';
	s[10] = '\0';
}

int imgexec_list(const char *image, FILE *out)
{
	const char *tmp = getenv("TMPDIR");
	struct strvec dirs = {0}, next = {0};
	struct exe *exes = NULL;
	size_t n = 0;
	char *dir, *cmdfile;
	int e = 0;

	dir = util_xasprintf("%s/isle-inspect-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		e = -errno;
		util_err("cannot create a temporary directory %s: %s", dir, strerror(errno));
		free(dir);
		return e;
	}
	cmdfile = util_xasprintf("%s/cmds", dir);
	strvec_push(&dirs, "/");
	/* One debugfs run per directory level; bounded by the image's depth. */
	while (dirs.n && !e) {
		e = list_level(image, cmdfile, &dirs, &next, &exes, &n);
		strvec_free(&dirs);
		dirs = next;
		next = (struct strvec){0};
	}
	strvec_free(&dirs);
	if (!e)
		e = classify(image, dir, cmdfile, exes, n);
	unlink(cmdfile);
	rmdir(dir);
	free(cmdfile);
	free(dir);
	if (n)
		qsort(exes, n, sizeof(*exes), by_path);
	for (size_t i = 0; i < n && !e; i++) {
		char mode[11];

		mode_text(exes[i].mode, mode);
		fprintf(out, "  %s %10llu %-6s %s%s\n", mode, exes[i].size, exes[i].kind,
			exes[i].path, exes[i].interp);
	}
	if (!n && !e)
		fprintf(out, "  (none)\n");
	for (size_t i = 0; i < n; i++)
		free(exes[i].path);
	free(exes);
	return e;
}
