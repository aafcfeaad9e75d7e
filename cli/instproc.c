/* instproc.c: what /proc says about an instance's processes, and the state file on disk
 * (instance.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "store.h"
#include "util.h"

/* The comm and fields after it of /proc/PID/stat. 0 or -1. */
static int read_stat(long pid, char *comm, size_t commlen, long *ppid, unsigned long long *start)
{
	char path[64], buf[1024], *open_, *close_;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	open_ = strchr(buf, '(');
	close_ = strrchr(buf, ')');
	if (!open_ || !close_ || close_ < open_)
		return -1;
	snprintf(comm, commlen, "%.*s", (int)(close_ - open_ - 1), open_ + 1);
	/* After ") ": state(3) ppid(4) ... starttime(22). */
	char *p = close_ + 2, *save = NULL, *tok = strtok_r(p, " ", &save);

	for (int field = 3; tok; field++, tok = strtok_r(NULL, " ", &save)) {
		if (field == 4)
			*ppid = strtol(tok, NULL, 10);
		if (field == 22) {
			*start = strtoull(tok, NULL, 10);
			return 0;
		}
	}
	return -1;
}

unsigned long long inst_proc_start(long pid)
{
	char comm[64];
	long ppid;
	unsigned long long start;

	return read_stat(pid, comm, sizeof(comm), &ppid, &start) ? 0 : start;
}

bool inst_alive(const struct inst_state *s)
{
	char path[64], buf[256];
	size_t n;
	FILE *f;

	if (s->pid <= 0 || !s->pid_start || inst_proc_start(s->pid) != s->pid_start)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", s->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* argv[0] NUL argv[1]: the supervisor subcommand. */
	return strlen(buf) + 1 < n && !strcmp(buf + strlen(buf) + 1, INST_SUPERVISE_CMD);
}

long inst_vm_pid(long pid)
{
	char mine[64], comm[64];
	long ppid, found = 0;
	unsigned long long start;
	struct dirent *e;
	DIR *d;

	if (read_stat(pid, mine, sizeof(mine), &ppid, &start))
		return 0;
	d = opendir("/proc");
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		char *end;
		long p = strtol(e->d_name, &end, 10);

		if (*end || p <= 0)
			continue;
		if (read_stat(p, comm, sizeof(comm), &ppid, &start) == 0 && ppid == pid &&
		    strcmp(comm, mine) && !strncmp(comm, "qemu", 4))
			found = p;
	}
	closedir(d);
	return found;
}

uint64_t inst_rss(long pid)
{
	char path[64], line[256];
	unsigned long long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb << 10;
}

int inst_read_state(const char *dir, struct inst_state *s)
{
	char *p = util_xasprintf("%s/state", dir), *text;
	int r = store_read_file(p, &text);

	free(p);
	if (r)
		return r;
	r = inst_state_parse(text, s);
	free(text);
	return r;
}

int inst_write_state(const char *dir, const struct inst_state *s)
{
	char *p = util_xasprintf("%s/state", dir), *text = inst_state_format(s);
	int r = store_write_file(p, text);

	free(p);
	free(text);
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct inst_entry *)a)->s.name,
		      ((const struct inst_entry *)b)->s.name);
}

size_t inst_scan(const char *dir, struct inst_entry **out)
{
	struct inst_entry *v = NULL;
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir(dir);

	*out = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *p;

		if (e->d_name[0] == '.')
			continue;
		v = util_xrealloc(v, (n + 1) * sizeof(*v));
		p = util_xasprintf("%s/%s", dir, e->d_name);
		if (inst_read_state(p, &v[n].s) == 0 && !strcmp(v[n].s.name, e->d_name)) {
			v[n].alive = inst_alive(&v[n].s);
			n++;
		}
		free(p);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_name);
	*out = v;
	return n;
}
