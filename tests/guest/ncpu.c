/* ncpu.c: the CPU count a program sees, every way runtimes ask for it. Usage:
 *   ncpu N          sysconf(_SC_NPROCESSORS_ONLN) (glibc: /sys/devices/system/cpu/online;
 *                   musl: sched_getaffinity), get_nprocs, the processor blocks of
 *                   /proc/cpuinfo, the cpuN directories and lists of /sys, and
 *                   sched_getaffinity all say N; _SC_NPROCESSORS_CONF is at least N.
 *   ncpu N spread   additionally: N spinning threads (at most 4) are seen on at least two
 *                   different CPUs by sched_getcpu (they run in parallel). Gives up, and
 *                   fails, after 2^24 spins per thread without seeing that.
 * Prints "cpus N" and the PASS line. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#if defined(__GLIBC__)
#include <sys/sysinfo.h>
#define HAVE_GET_NPROCS 1
#endif

static int count_cpuinfo(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	int n = 0, expect = 0;

	CHECK(f != NULL, "open /proc/cpuinfo");
	while (fgets(line, sizeof(line), f)) {
		int id;
		if (sscanf(line, "processor : %d", &id) == 1 ||
		    sscanf(line, "processor\t: %d", &id) == 1) {
			CHECK(id == expect, "processor %d where %d was expected", id, expect);
			expect++;
			n++;
		}
	}
	fclose(f);
	return n;
}

static int count_cpu_dirs(void)
{
	DIR *d = opendir("/sys/devices/system/cpu");
	struct dirent *e;
	int n = 0;

	CHECK(d != NULL, "open /sys/devices/system/cpu");
	while ((e = readdir(d))) {
		int id;
		char rest;
		if (sscanf(e->d_name, "cpu%d%c", &id, &rest) == 1)
			n++;
	}
	closedir(d);
	return n;
}

/* "0" or "0-M" (all this test accepts: CPUs are numbered densely). */
static int list_count(const char *name)
{
	char path[128], text[64];
	int lo, hi;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/%s", name);
	f = fopen(path, "r");
	CHECK(f != NULL, "open %s", path);
	CHECK(fgets(text, sizeof(text), f) != NULL, "read %s", path);
	fclose(f);
	if (sscanf(text, "%d-%d", &lo, &hi) == 2)
		return lo == 0 ? hi + 1 : -1;
	if (sscanf(text, "%d", &lo) == 1)
		return lo == 0 ? 1 : -1;
	return -1;
}

static volatile unsigned long seen; /* bit per CPU some thread ran on */
static char failed_token;

/* Spins until threads were seen on two CPUs, for up to 30 s of wall time (on a loaded
 * host the scheduler may take a while to spread them; a fixed count of iterations was
 * too short there). */
static void *spin(void *arg)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0;; i++) {
		if ((i & 0xffff) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec > 30)
				break;
		}
		int cpu = sched_getcpu();
		CHECK(cpu >= 0 && cpu < 64, "sched_getcpu returned %d", cpu);
		__atomic_or_fetch(&seen, 1ul << cpu, __ATOMIC_RELAXED);
		if (__builtin_popcountl(__atomic_load_n(&seen, __ATOMIC_RELAXED)) >= 2)
			return NULL;
	}
	return arg;
}

static void check_spread(int n)
{
	pthread_t t[4];
	int threads = n < 4 ? n : 4;

	CHECK(threads >= 2, "spread needs N >= 2");
	for (int i = 0; i < threads; i++)
		CHECK(pthread_create(&t[i], NULL, spin, &failed_token) == 0, "pthread_create");
	for (int i = 0; i < threads; i++) {
		void *r;
		CHECK(pthread_join(t[i], &r) == 0, "pthread_join");
		CHECK(r == NULL, "threads never ran on two CPUs (seen mask %#lx)", seen);
	}
	printf("spread %#lx\n", seen);
}

int main(int argc, char **argv)
{
	CHECK(argc >= 2, "usage: ncpu N [spread]");
	int n = atoi(argv[1]);
	cpu_set_t set;

	CHECK(sysconf(_SC_NPROCESSORS_ONLN) == n, "_SC_NPROCESSORS_ONLN %ld",
	      sysconf(_SC_NPROCESSORS_ONLN));
	CHECK(sysconf(_SC_NPROCESSORS_CONF) >= n, "_SC_NPROCESSORS_CONF %ld",
	      sysconf(_SC_NPROCESSORS_CONF));
#ifdef HAVE_GET_NPROCS
	CHECK(get_nprocs() == n, "get_nprocs %d", get_nprocs());
#endif
	CHECK(count_cpuinfo() == n, "/proc/cpuinfo lists %d processors", count_cpuinfo());
	CHECK(count_cpu_dirs() >= n, "/sys/devices/system/cpu has %d cpuN", count_cpu_dirs());
	CHECK(list_count("online") == n, "online lists %d", list_count("online"));
	CHECK(list_count("present") >= n, "present lists %d", list_count("present"));
	CHECK(list_count("possible") >= n, "possible lists %d", list_count("possible"));
	CPU_ZERO(&set);
	CHECK(sched_getaffinity(0, sizeof(set), &set) == 0, "sched_getaffinity: %m");
	CHECK(CPU_COUNT(&set) == n, "affinity has %d CPUs", CPU_COUNT(&set));
	if (argc >= 3 && !strcmp(argv[2], "spread"))
		check_spread(n);
	printf("cpus %d\n", n);
	guest_pass("ncpu");
	return 0;
}
