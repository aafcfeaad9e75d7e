/* prctl_sched.c: prctl, the scheduling calls and membarrier. Usage: prctl_sched [isle]:
 * with "isle", the checks whose answer depends on privileges the host may not grant
 * (real-time policies, the capability bounding set) expect what root gets. Checks: thread
 * name (PR_SET_NAME cuts at 15 bytes; /proc/self/comm and /proc/thread-self/comm follow),
 * PDEATHSIG, DUMPABLE, NO_NEW_PRIVS, TIMERSLACK, CAPBSET_READ, unknown options; sched_yield;
 * affinity (sizes, pinning to the current CPU, empty mask); getcpu; policies and
 * priorities; rr interval; membarrier query, registration and barriers; /proc/self/task
 * lists this thread. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_GLOBAL 1
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16

static int strict;

static void read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	CHECK(f, "%s: %s", path, strerror(errno));
	CHECK(fgets(buf, (int)size, f), "%s empty", path);
	fclose(f);
}

static void test_prctl(void)
{
	char name[32], comm[64];
	int v = -1;

	CHECK(prctl(PR_SET_NAME, "a-thread-name-longer-than-15", 0, 0, 0) == 0);
	memset(name, 'x', sizeof(name));
	CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0);
	CHECK(strcmp(name, "a-thread-name-l") == 0, "name %s", name);
	read_file("/proc/self/comm", comm, sizeof(comm));
	CHECK(strcmp(comm, "a-thread-name-l\n") == 0, "/proc/self/comm: %s", comm);
	read_file("/proc/thread-self/comm", comm, sizeof(comm));
	CHECK(strcmp(comm, "a-thread-name-l\n") == 0, "/proc/thread-self/comm: %s", comm);
	CHECK(prctl(PR_SET_NAME, "short", 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0 && strcmp(name, "short") == 0);

	CHECK(prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_PDEATHSIG, &v, 0, 0, 0) == 0 && v == SIGUSR1);
	CHECK(prctl(PR_SET_PDEATHSIG, 100, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) == 0);

	CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);
	CHECK(prctl(PR_SET_DUMPABLE, 2, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
	CHECK(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0);

	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);

	CHECK(prctl(PR_SET_TIMERSLACK, 123456, 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) == 123456);
	CHECK(prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) == 50000);

	v = prctl(PR_CAPBSET_READ, 0, 0, 0, 0);
	CHECK(strict ? v == 1 : v == 0 || v == 1, "CAPBSET_READ %d", v);
	CHECK(prctl(PR_CAPBSET_READ, 1000, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0);
	CHECK(prctl(0x7fff, 0, 0, 0, 0) == -1 && errno == EINVAL);
	printf("prctl_sched: prctl ok\n");
}

static void test_affinity(void)
{
	uint64_t mask[16] = {0}, one;
	unsigned cpu = 9999;
	long r;

	r = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	CHECK(r >= 8 && r % 8 == 0, "getaffinity returned %ld", r);
	CHECK(mask[0] != 0);
	CHECK(syscall(SYS_sched_getaffinity, 0, 4, mask) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_sched_getaffinity, 0, 12, mask) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_sched_getaffinity, 0x3fffffff, sizeof(mask), mask) == -1 &&
	      errno == ESRCH);
	CHECK(syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 && cpu < 64);
	one = 1ull << cpu;
	CHECK(syscall(SYS_sched_setaffinity, 0, sizeof(one), &one) == 0, "%s", strerror(errno));
	for (int i = 0; i < 100; i++) {
		CHECK(sched_yield() == 0);
		CHECK(syscall(SYS_getcpu, &cpu, NULL, NULL) == 0);
		CHECK(one == 1ull << cpu, "pinned, but running on cpu %u", cpu);
	}
	uint64_t got[16] = {0};
	CHECK(syscall(SYS_sched_getaffinity, 0, sizeof(got), got) >= 8 && got[0] == one);
	uint64_t none = 0;
	CHECK(syscall(SYS_sched_setaffinity, 0, sizeof(none), &none) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_sched_setaffinity, 0, sizeof(mask), mask) == 0);
	CHECK(sched_getcpu() >= 0);
	printf("prctl_sched: affinity ok\n");
}

/* Raw calls: musl's wrappers of these answer ENOSYS by design. */
static void test_policy(void)
{
	struct sched_param p = {0};
	struct timespec ts;

	CHECK(syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER);
	CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &p) == 0);
	p.sched_priority = 1;
	CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &p) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_sched_setscheduler, 0, 77, &p) == -1 && errno == EINVAL);
	p.sched_priority = 100;
	CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &p) == -1 && errno == EINVAL);
	p.sched_priority = 10;
	int r = syscall(SYS_sched_setscheduler, 0, SCHED_RR, &p);
	CHECK(r == 0 || (!strict && errno == EPERM), "SCHED_RR: %s", strerror(errno));
	if (r == 0) {
		CHECK(syscall(SYS_sched_getscheduler, 0) == SCHED_RR);
		CHECK(syscall(SYS_sched_getparam, 0, &p) == 0 && p.sched_priority == 10);
		p.sched_priority = 0;
		CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &p) == 0);
	}
	CHECK(syscall(SYS_sched_getparam, 0, &p) == 0 && p.sched_priority == 0);
	CHECK(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1);
	CHECK(sched_get_priority_max(SCHED_RR) == 99 && sched_get_priority_min(SCHED_RR) == 1);
	CHECK(sched_get_priority_max(SCHED_OTHER) == 0 && sched_get_priority_min(SCHED_OTHER) == 0);
	CHECK(sched_get_priority_max(77) == -1 && errno == EINVAL);
	CHECK(sched_rr_get_interval(0, &ts) == 0 && ts.tv_sec >= 0 && ts.tv_nsec >= 0);
	CHECK(syscall(SYS_sched_getscheduler, 0x3fffffff) == -1 && errno == ESRCH);
	CHECK(syscall(SYS_sched_getscheduler, -1) == -1 && errno == EINVAL);
	printf("prctl_sched: policy ok\n");
}

static void test_membarrier(void)
{
	long q = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	CHECK(q > 0 && (q & MEMBARRIER_CMD_PRIVATE_EXPEDITED), "query %ld", q);
	CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == -1 &&
	      errno == EPERM);
	CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0);
	CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0);
	if (q & MEMBARRIER_CMD_GLOBAL)
		CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0);
	CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 1, 0) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_membarrier, 0x4000, 0, 0) == -1 && errno == EINVAL);
	printf("prctl_sched: membarrier ok\n");
}

static void test_task_dir(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	char want[16], path[64], comm[64];
	int found = 0;

	CHECK(d, "/proc/self/task: %s", strerror(errno));
	snprintf(want, sizeof(want), "%d", (int)syscall(SYS_gettid));
	while ((e = readdir(d)))
		found += strcmp(e->d_name, want) == 0;
	closedir(d);
	CHECK(found == 1, "tid %s listed %d times", want, found);
	snprintf(path, sizeof(path), "/proc/self/task/%s/comm", want);
	read_file(path, comm, sizeof(comm));
	CHECK(strcmp(comm, "short\n") == 0, "%s: %s", path, comm);
	snprintf(path, sizeof(path), "/proc/self/task/%s/stat", want);
	read_file(path, comm, sizeof(comm));
	CHECK(strncmp(comm, want, strlen(want)) == 0 && strstr(comm, "(short)"), "stat: %s", comm);
	printf("prctl_sched: /proc/self/task ok\n");
}

int main(int argc, char **argv)
{
	strict = argc > 1 && strcmp(argv[1], "isle") == 0;
	test_prctl();
	test_affinity();
	test_policy();
	test_membarrier();
	test_task_dir();
	guest_pass("prctl_sched");
	return 0;
}
