/* procfs.c: what programs read from /proc and /sys: its own maps (a line for its text
 * and one for [stack]), exe, cmdline (= argv), environ (holds PROCFS_TEST=hello, which
 * the test passes), fd links, stat (52 fields, pid first), status, comm, meminfo,
 * cpuinfo, uptime, mounts, the CPU lists under /sys, and reads in pieces at offsets.
 * Written so every check holds natively (more CPUs, other mounts) and in isle.
 * Usage: procfs alpha "beta gamma" (the arguments are compared with cmdline). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

#define BIG (1 << 20)

/* The whole file, read in chunks of `chunk` bytes; its length (NUL-terminated copy). */
static size_t slurp(const char *path, char *buf, size_t size, size_t chunk)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t n;

	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	while (len + 1 < size) {
		size_t want = size - 1 - len < chunk ? size - 1 - len : chunk;
		n = read(fd, buf + len, want);
		CHECK(n >= 0, "read %s: %s", path, strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return len;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void check_maps(const char *exe)
{
	static char maps[BIG];
	uintptr_t code = (uintptr_t)&check_maps, stack = (uintptr_t)&code;
	int text = 0, stk = 0, lines = 0;
	struct stat st;
	char *save, *line;

	slurp("/proc/self/maps", maps, sizeof(maps), 4096);
	CHECK(stat(exe, &st) == 0, "stat %s: %s", exe, strerror(errno));
	for (line = strtok_r(maps, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long lo, hi, off, ino;
		unsigned ma, mi;
		char perms[5];
		int name_at = 0;

		lines++;
		CHECK(sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &lo, &hi, perms, &off, &ma, &mi,
			     &ino, &name_at) == 7,
		      "maps line '%s'", line);
		CHECK(lo < hi && strlen(perms) == 4, "maps line '%s'", line);
		if (line[name_at]) /* Linux pads to column 73 before a name */
			CHECK(name_at >= 73, "name column in '%s'", line);
		const char *name = line[name_at] ? line + name_at : "";
		if (lo <= code && code < hi) {
			CHECK(perms[2] == 'x', "text line '%s'", line);
			CHECK(strcmp(base_name(name), "procfs") == 0, "text line '%s'", line);
			CHECK(ino == st.st_ino, "text inode %lu, file %lu", ino,
			      (unsigned long)st.st_ino);
			text++;
		}
		if (lo <= stack && stack < hi) {
			CHECK(strcmp(name, "[stack]") == 0, "stack line '%s'", line);
			CHECK(perms[0] == 'r' && perms[1] == 'w', "stack line '%s'", line);
			stk++;
		}
	}
	CHECK(text == 1 && stk == 1, "text %d stack %d in %d lines", text, stk, lines);
}

static void check_cmdline_environ(int argc, char **argv)
{
	static char buf[BIG];
	size_t len = slurp("/proc/self/cmdline", buf, sizeof(buf), 5), at = 0;

	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		CHECK(at + l <= len && memcmp(buf + at, argv[i], l) == 0, "argv[%d] '%s'", i,
		      argv[i]);
		at += l;
	}
	CHECK(at == len, "cmdline has %zu bytes, argv %zu", len, at);

	len = slurp("/proc/self/environ", buf, sizeof(buf), 4096);
	int found = 0;
	for (at = 0; at < len; at += strlen(buf + at) + 1)
		found |= strcmp(buf + at, "PROCFS_TEST=hello") == 0;
	CHECK(found, "PROCFS_TEST=hello not in environ (%zu bytes)", len);
}

static void check_links(const char *exe)
{
	char link[PATH_MAX + 1], cwd[PATH_MAX];
	char path[64];
	ssize_t n;
	int fd;

	CHECK(exe[0] == '/' && strcmp(base_name(exe), "procfs") == 0, "exe %s", exe);
	n = readlink("/proc/self/fd/1", link, PATH_MAX);
	CHECK(n > 0, "readlink fd/1: %s", strerror(errno));
	fd = open("/proc/meminfo", O_RDONLY);
	CHECK(fd >= 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, PATH_MAX);
	CHECK(n == 13 && memcmp(link, "/proc/meminfo", 13) == 0, "%s -> %.*s", path, (int)n, link);
	close(fd);
	errno = 0;
	CHECK(readlink(path, link, PATH_MAX) < 0 && errno == ENOENT, "closed fd: %s",
	      strerror(errno));

	CHECK(getcwd(cwd, sizeof(cwd)));
	n = readlink("/proc/self/cwd", link, PATH_MAX);
	CHECK(n > 0 && (size_t)n == strlen(cwd) && memcmp(link, cwd, (size_t)n) == 0, "cwd");
	n = readlink("/proc/self", link, PATH_MAX);
	CHECK(n > 0, "readlink /proc/self");
	link[n] = '\0';
	CHECK(atoi(link) == getpid(), "/proc/self -> %s", link);

	DIR *d = opendir("/proc/self/fd");
	CHECK(d, "opendir fd: %s", strerror(errno));
	int seen = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (!strcmp(e->d_name, "0") || !strcmp(e->d_name, "1") || !strcmp(e->d_name, "2"))
			seen++;
	closedir(d);
	CHECK(seen == 3, "fd/ lists %d of 0, 1, 2", seen);

	errno = 0;
	CHECK(open("/proc/999999999/stat", O_RDONLY) < 0 && errno == ENOENT, "other pid");
}

static void check_stat(void)
{
	static char buf[4096];
	char *p, *end;
	int fields = 3; /* pid, comm, state */
	unsigned long v[53];

	slurp("/proc/self/stat", buf, sizeof(buf), 4096);
	CHECK(strtol(buf, &end, 10) == getpid() && *end == ' ', "stat '%s'", buf);
	CHECK(strncmp(end, " (procfs) ", 10) == 0, "comm in '%s'", buf);
	p = strrchr(buf, ')') + 2;
	CHECK(isalpha((unsigned char)*p), "state in '%s'", buf);
	for (p++; *p == ' ';) {
		v[++fields] = strtoul(p + 1, &end, 10);
		CHECK(end > p + 1 && fields <= 52, "field %d in '%s'", fields, buf);
		p = end;
	}
	CHECK(*p == '\n' && fields == 52, "%d fields, then '%s'", fields, p);
	CHECK(v[4] == (unsigned long)getppid(), "ppid %lu", v[4]);
	CHECK(v[20] == 1, "num_threads %lu", v[20]);
	/* rss may read 0 on Linux: its per-CPU counters are folded in lazily. */
	CHECK(v[23] > 0 && v[24] < v[23] / 4096, "vsize %lu rss %lu in %s", v[23], v[24], buf);

	slurp("/proc/self/status", buf, sizeof(buf), 64);
	CHECK(strstr(buf, "Name:\tprocfs\n"), "status '%s'", buf);
	char pid[32];
	snprintf(pid, sizeof(pid), "\nPid:\t%d\n", getpid());
	CHECK(strstr(buf, pid) && strstr(buf, "\nThreads:\t1\n") && strstr(buf, "\nVmRSS:"),
	      "status '%s'", buf);
	slurp("/proc/self/comm", buf, sizeof(buf), 4096);
	CHECK(strcmp(buf, "procfs\n") == 0, "comm '%s'", buf);
	snprintf(pid, sizeof(pid), "/proc/self/task/%d/comm", getpid());
	slurp(pid, buf, sizeof(buf), 4096);
	CHECK(strcmp(buf, "procfs\n") == 0, "task comm '%s'", buf);
}

static void check_system(void)
{
	static char buf[BIG], again[BIG];
	unsigned long total = 0, free_kb = 0;
	double up, idle;

	slurp("/proc/meminfo", buf, sizeof(buf), 4096);
	CHECK(sscanf(buf, "MemTotal: %lu kB\nMemFree: %lu kB\n", &total, &free_kb) == 2,
	      "meminfo '%.80s'", buf);
	CHECK(total > 0 && free_kb <= total, "MemTotal %lu MemFree %lu", total, free_kb);
	CHECK(strncmp(buf, "MemTotal:", 9) == 0 && buf[15] == ' ' && strstr(buf, " kB\n"));

	slurp("/proc/cpuinfo", buf, sizeof(buf), 4096);
	CHECK(strncmp(buf, "processor\t: 0\n", 14) == 0 && strstr(buf, "\nflags\t\t: "),
	      "cpuinfo '%.80s'", buf);

	slurp("/proc/uptime", buf, sizeof(buf), 4096);
	CHECK(sscanf(buf, "%lf %lf", &up, &idle) == 2 && up > 0 && idle >= 0, "uptime '%s'", buf);

	slurp("/proc/mounts", buf, sizeof(buf), 4096);
	CHECK(strstr(buf, " / ") && (buf[0] != ' '), "mounts '%s'", buf);
	for (char *save, *l = strtok_r(strcpy(again, buf), "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		printf("MOUNT %s\n", l); /* the e2e test checks isle's table */
	slurp("/proc/self/mounts", again, sizeof(again), 4096);
	CHECK(strcmp(buf, again) == 0, "/proc/mounts and /proc/self/mounts differ");

	const char *lists[] = {"online", "possible", "present"};
	for (int i = 0; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/%s", lists[i]);
		size_t n = slurp(path, buf, sizeof(buf), 4096);
		CHECK(n >= 2 && buf[n - 1] == '\n' && strspn(buf, "0123456789,-") == n - 1,
		      "%s '%s'", path, buf);
	}
	struct stat st;
	CHECK(stat("/sys/devices/system/cpu/cpu0", &st) == 0 && S_ISDIR(st.st_mode), "cpu0");
	CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 1);

	/* Pieces and offsets give the same text as one read. */
	size_t n = slurp("/proc/version", buf, sizeof(buf), 4096);
	CHECK(n > 14 && strncmp(buf, "Linux version ", 14) == 0, "version '%s'", buf);
	CHECK(slurp("/proc/version", again, sizeof(again), 7) == n && !strcmp(buf, again));
	int fd = open("/proc/version", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(pread(fd, again, 10, 5) == 10 && memcmp(again, buf + 5, 10) == 0, "pread");
	CHECK(pread(fd, again, 10, (off_t)n) == 0, "pread at the end");
	close(fd);

	/* Read-only: writing fails (at open, or at write for root on Linux). */
	fd = open("/proc/meminfo", O_WRONLY);
	if (fd >= 0) {
		CHECK(write(fd, "x", 1) < 0, "wrote /proc/meminfo");
		close(fd);
	}
}

int main(int argc, char **argv)
{
	char exe[PATH_MAX + 1];
	ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX);

	CHECK(n > 0, "readlink exe: %s", strerror(errno));
	exe[n] = '\0';
	check_links(exe);
	check_maps(exe);
	check_cmdline_environ(argc, argv);
	check_stat();
	check_system();
	guest_pass("procfs");
	return 0;
}
