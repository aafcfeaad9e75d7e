/* sysfuzz.c: random system calls with random arguments for a bounded time; the kernel must
 * neither panic nor hang. Usage: sysfuzz SEED SECONDS [native] [verbose] [threads=N].
 *
 * A PRNG seeded from argv picks a number in 0..462 (now and then one beyond, negative or
 * with the x32 bit) and six arguments from a mix: small and boundary integers, descriptors
 * it opened itself (a file and a directory of /fz, /dev/null, a pipe, a socket pair, UDP
 * and TCP sockets, an eventfd, an epoll fd), pointers into a 64 KiB scratch buffer with
 * guard pages around it (random, at its end, misaligned, holding a path string), pointers
 * that are NULL, low, unmapped, at and above isle's user limit, non-canonical or
 * kernel-half, pages of a 1 MiB "arena" the memory calls may wreck, and random 64-bit
 * values. It prints "sysfuzz: seed S calls C errors E enosys N signals G" on a report
 * descriptor (stdout dup'd to fd 900; fds 1 and 2 become /dev/null) every 500 calls and
 * at the end, then "sysfuzz: done". C counts the calls survived.
 *
 * Only the kernel may fail it, so the harness protects itself:
 * - skipped: exit, exit_group, rt_sigreturn, reboot, execve, execveat, seccomp; natively
 *   also fork, vfork, clone, clone3, ptrace and every x32 number (in isle fork/vfork are ENOSYS,
 *   clone loses CLONE_VM so isle refuses it, clone3's flags word likewise);
 * - memory: munmap, mprotect, pkey_mprotect, madvise, mremap (old and MREMAP_FIXED new
 *   range), mmap MAP_FIXED, shmat SHM_REMAP and remap_file_pages whose range touches a
 *   mapping that existed at start (text, data, heap with glibc's TLS, stack, vDSO,
 *   scratch, guards) get their address re-rolled into the arena; brk below its start
 *   value is raised to it; arch_prctl ARCH_SET_FS and ARCH_SHSTK_ENABLE become
 *   ARCH_GET_FS; prctl PR_SET_SECCOMP and PR_SET_SYSCALL_USER_DISPATCH become PR_GET_*;
 * - blocking: before each call SIGALRM's handler is in place, the signal mask is empty and
 *   ITIMER_REAL fires in 50 ms (no SA_RESTART), so pause, reads, futex, sleeps and waits
 *   end in EINTR; the masks of rt_sigsuspend, ppoll, pselect6, epoll_pwait(2),
 *   io_pgetevents and io_uring_enter lose SIGALRM (pointers into the arena are replaced
 *   by the scratch buffer, whose bit is cleared);
 * - signals: a handler for every signal but SIGKILL and SIGSTOP, which kill, tkill,
 *   tgkill, rt_(tg)sigqueueinfo, pidfd_send_signal and fcntl F_SETSIG never get (they
 *   become 0); rt_sigaction's new handler becomes ours or SIG_IGN with our flags, and all
 *   handlers are reinstalled after it; a synchronous fault (SIGSEGV, SIGBUS, SIGILL,
 *   SIGFPE, SIGTRAP, SIGSYS from the kernel) jumps back to the loop and counts as a signal;
 * - descriptors: any argument equal to the report fd is re-rolled; close_range stops
 *   below it; setrlimit/prlimit64 of CPU, FSIZE, DATA, STACK, NOFILE, AS and RTTIME
 *   become RLIMIT_CORE.
 * Slow calls (over 2 s) are reported as "sysfuzz: slow". threads=N (up to 4): N threads
 * make calls at once (each its own PRNG stream), created before the maps are read so
 * their stacks are protected; a watchdog thread sends SIGALRM to one whose call has lasted
 * over 100 ms, since ITIMER_REAL's signal reaches only one thread of the process.
 *
 * Natively it first isolates itself (sysfuzz.h): the test runs it as root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "sysfuzz.h"

static uint8_t *guarded(size_t size)
{
	uint8_t *p = mmap(NULL, size + 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + PAGE, size, PROT_READ | PROT_WRITE) != 0) {
		fprintf(stderr, "sysfuzz: mmap: %s\n", strerror(errno));
		exit(2);
	}
	return p + PAGE;
}

static uint64_t gen_arg(void)
{
	switch (below(12)) {
	case 0:
	case 1:
		return small[below(sizeof(small) / sizeof(small[0]))];
	case 2:
		return npool ? (uint64_t)pool[below(npool)] : 3;
	case 3:
		return (uint64_t)(scratch + below(SCRATCH_SIZE / 8) * 8);
	case 4: /* at the end: a few bytes before the guard page */
		return (uint64_t)(scratch + SCRATCH_SIZE - 1 - below(64));
	case 5:
		return bad_ptrs[below(sizeof(bad_ptrs) / sizeof(bad_ptrs[0]))];
	case 6:
		return next();
	case 7:
		return below(256);
	case 8: {
		size_t off = below(SCRATCH_SIZE - 512);
		put_string(scratch + off, SCRATCH_SIZE - off);
		return (uint64_t)(scratch + off);
	}
	case 9:
		return (uint64_t)(arena + below(ARENA_SIZE / PAGE) * PAGE);
	case 10:
		return 1ULL << below(64);
	default:
		return (uint64_t)(scratch + below(SCRATCH_SIZE)); /* misaligned */
	}
}

/* Scratch contents: a mix the kernel will read as structures (iovecs pointing back into
 * the scratch buffer, small sizes, descriptors, paths). */
static void fill_scratch(size_t off, size_t len)
{
	for (size_t i = off; i + 8 <= off + len && i + 8 <= SCRATCH_SIZE; i += 8) {
		uint64_t v;
		switch (below(6)) {
		case 0:
			v = 0;
			break;
		case 1:
			v = below(64);
			break;
		case 2:
			v = (uint64_t)(scratch + below(SCRATCH_SIZE / 8) * 8);
			break;
		case 3:
			v = small[below(sizeof(small) / sizeof(small[0]))];
			break;
		default:
			v = next();
			break;
		}
		memcpy(scratch + i, &v, 8);
	}
}

static bool in_scratch(uint64_t p)
{
	return p >= (uint64_t)scratch && p < (uint64_t)scratch + SCRATCH_SIZE;
}
static bool in_arena(uint64_t p)
{
	return p >= (uint64_t)arena && p < (uint64_t)arena + ARENA_SIZE;
}

/* A signal mask argument that cannot block SIGALRM (or SIGSEGV and friends). */
static void safe_mask(uint64_t *p)
{
	if (in_arena(*p) || (*p && !in_scratch(*p) && below(2)))
		*p = (uint64_t)(scratch + below(SCRATCH_SIZE / 8 - 1) * 8);
	if (in_scratch(*p) && *p + 8 <= (uint64_t)scratch + SCRATCH_SIZE) {
		uint64_t m;
		memcpy(&m, (void *)*p, 8);
		m &= ~((1ULL << (SIGALRM - 1)) | (1ULL << (SIGSEGV - 1)) | (1ULL << (SIGBUS - 1)) |
		       (1ULL << (SIGILL - 1)) | (1ULL << (SIGFPE - 1)));
		memcpy((void *)*p, &m, 8);
	}
}

/* pselect6 / io_pgetevents: a pointer to {mask pointer, size}. */
static void safe_mask_pair(uint64_t *p)
{
	if (!in_scratch(*p) || *p + 16 > (uint64_t)scratch + SCRATCH_SIZE) {
		if (*p == 0)
			return;
		*p = (uint64_t)(scratch + below(SCRATCH_SIZE / 8 - 2) * 8);
	}
	uint64_t inner;
	memcpy(&inner, (void *)*p, 8);
	safe_mask(&inner);
	memcpy((void *)*p, &inner, 8);
}

/* A range over the harness's own mappings moves into the arena, shortened to fit. */
static void reroll_addr(uint64_t *addr, uint64_t *len)
{
	if (!is_protected(*addr, *len))
		return;
	*addr = (uint64_t)(arena + below(ARENA_SIZE / PAGE) * PAGE);
	if (*len > (uint64_t)arena + ARENA_SIZE - *addr)
		*len = (uint64_t)arena + ARENA_SIZE - *addr;
}

static uint64_t no_kill_sig(uint64_t sig)
{
	int s = (int)sig;
	return s == SIGKILL || s == SIGSTOP ? 0 : sig;
}

/* Make the call survivable for the harness; false: skip it. */
static bool filter(long nr, uint64_t *a)
{
	for (int i = 0; i < 6; i++)
		if ((int)a[i] == REPORT_FD || (int)a[i] == MAPS_FD)
			a[i] = npool ? (uint64_t)pool[0] : 0;
	if (native && (nr & 0x40000000))
		return false;
	switch (nr) {
	case SYS_exit:
	case SYS_exit_group:
	case SYS_rt_sigreturn:
	case SYS_reboot:
	case SYS_execve:
	case SYS_execveat:
	case SYS_seccomp:
		return false;
	case SYS_clone:
		a[0] &= ~(uint64_t)CLONE_VM;
		return !native;
	case SYS_ptrace: /* natively it would make the sandbox's parent a tracer */
	case SYS_fork:
	case SYS_vfork:
		return !native;
	case SYS_clone3:
		if (native)
			return false;
		a[0] = (uint64_t)scratch;
		scratch[1] &= ~(CLONE_VM >> 8);
		return true;
	case SYS_munmap:
	case SYS_mprotect:
	case SYS_pkey_mprotect:
	case SYS_madvise:
	case SYS_remap_file_pages:
		reroll_addr(&a[0], &a[1]);
		if (nr == SYS_madvise && (a[2] == 22 || a[2] == 23) && a[1] > POPULATE_MAX)
			a[1] = POPULATE_MAX; /* MADV_POPULATE_*: no OOM kill by request */
		return true;
	case SYS_mmap:
		if (a[3] & MAP_FIXED)
			reroll_addr(&a[0], &a[1]);
		if (a[1] > POPULATE_MAX)
			a[3] &= ~(uint64_t)(MAP_POPULATE | MAP_LOCKED);
		return true;
	case SYS_mremap:
		if (a[1] == 0)
			a[1] = 1;
		reroll_addr(&a[0], &a[1]);
		if (a[3] & 2 /* MREMAP_FIXED */)
			reroll_addr(&a[4], &a[2]);
		return true;
	case SYS_shmat:
		if (a[2] & 040000 /* SHM_REMAP */) {
			uint64_t len = 1 << 20;
			reroll_addr(&a[1], &len);
		}
		return true;
	case SYS_brk:
		if (a[0] && a[0] < brk_start)
			a[0] = brk_start;
		return true;
	case SYS_arch_prctl:
		if ((int)a[0] == 0x1002 || (int)a[0] == 0x5001)
			a[0] = 0x1003;
		return true;
	case SYS_prctl:
		if ((int)a[0] == PR_SET_SECCOMP)
			a[0] = PR_GET_SECCOMP;
		if ((int)a[0] == 59 /* PR_SET_SYSCALL_USER_DISPATCH */)
			a[0] = PR_GET_NAME;
		return true;
	case SYS_rt_sigaction: {
		/* The new action, when readable, is one the harness survives. */
		if (in_arena(a[1]))
			a[1] = (uint64_t)scratch;
		if (in_scratch(a[1]) &&
		    a[1] + sizeof(struct kaction) <= (uint64_t)scratch + SCRATCH_SIZE) {
			struct kaction ka = {below(4) ? (void *)handler : (void *)SIG_IGN,
					     KSA_FLAGS, sysfuzz_restorer, next()};
			memcpy((void *)a[1], &ka, sizeof(ka));
		}
		return true;
	}
	case SYS_kill:
	case SYS_tkill:
	case SYS_rt_sigqueueinfo:
		a[1] = no_kill_sig(a[1]);
		return true;
	case SYS_tgkill:
	case SYS_rt_tgsigqueueinfo:
		a[2] = no_kill_sig(a[2]);
		return true;
	case SYS_pidfd_send_signal:
		a[1] = no_kill_sig(a[1]);
		return true;
	case SYS_fcntl:
		if ((int)a[1] == F_SETSIG)
			a[2] = no_kill_sig(a[2]);
		return true;
	case SYS_rt_sigsuspend:
		safe_mask(&a[0]);
		return true;
	case SYS_ppoll:
		safe_mask(&a[3]);
		return true;
	case SYS_epoll_pwait:
	case SYS_epoll_pwait2:
		safe_mask(&a[4]);
		return true;
	case SYS_pselect6:
	case SYS_io_pgetevents:
		safe_mask_pair(&a[5]);
		return true;
	case SYS_io_uring_enter:
		a[3] &= ~(uint64_t)(8 | 16); /* EXT_ARG, REGISTERED_RING */
		a[4] = 0;
		return true;
	case SYS_close_range:
		if ((uint32_t)a[0] <= MAPS_FD && (uint32_t)a[1] >= REPORT_FD)
			a[1] = REPORT_FD - 1;
		return true;
	case SYS_setrlimit:
	case SYS_prlimit64: {
		int i = nr == SYS_setrlimit ? 0 : 1;
		switch ((int)a[i]) {
		case RLIMIT_CPU:
		case RLIMIT_FSIZE:
		case RLIMIT_DATA:
		case RLIMIT_STACK:
		case RLIMIT_NOFILE:
		case RLIMIT_AS:
		case RLIMIT_RTTIME:
			a[i] = RLIMIT_CORE;
			break;
		}
		return true;
	}
	default:
		return true;
	}
}

/* Numbers that answered ENOSYS are picked again only one time in eight, so that the
 * calls the kernel has get most of the time. */
static uint8_t was_enosys[NR_LIMIT];

static long pick_nr(void)
{
	switch (below(64)) {
	case 0:
		return NR_LIMIT + below(600);
	case 1:
		return (long)small[below(sizeof(small) / sizeof(small[0]))];
	case 2:
		return 0x40000000 | below(600);
	default:
		for (;;) {
			long nr = below(NR_LIMIT);
			if (!was_enosys[nr] || below(8) == 0)
				return nr;
		}
	}
}

static struct timespec now(void)
{
	struct timespec ts = {0, 0};
	raw(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0, 0, 0);
	return ts;
}

static long ns_between(struct timespec a, struct timespec b)
{
	return (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
}

static void fuzz(long seconds, int id)
{
	static const uint64_t empty = 0;
	static const struct itimerval alarm_tv = {{0, 0}, {0, ALARM_USEC}};
	struct timespec start = now();

	jump_ok = 0;
	if (sigsetjmp(loop_env, 1)) {
		/* Back from a fault: the call that caused it counts as survived. Faults with
		 * no call completed in between mean the harness's own memory is gone. */
		my_calls++;
		COUNT(calls);
		call_start[id] = 0;
		if (++faults_in_row > 100) {
			report("sysfuzz: harness broken: %lu faults in a row\n", faults_in_row);
			raw(SYS_exit_group, 3, 0, 0, 0, 0, 0);
		}
	}
	jump_ok = 1;
	for (;;) {
		uint64_t a[6];
		long nr;

		if (id == 0 && my_calls % 500 == 0) {
			progress();
			if (my_calls % 5000 == 0) {
				fill_scratch(0, SCRATCH_SIZE);
				mmap(arena, ARENA_SIZE, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
				install_handlers();
				sweep();
			}
		}
		struct timespec t0 = now();
		if (ns_between(start, t0) >= seconds * 1000000000L)
			break;
		nr = pick_nr();
		for (int i = 0; i < 6; i++)
			a[i] = gen_arg();
		fill_scratch(below(SCRATCH_SIZE), 256);
		if (!filter((int)nr, a))
			continue;
		if (verbose)
			report("call %ld %#lx %#lx %#lx %#lx %#lx %#lx\n", nr, a[0], a[1], a[2],
			       a[3], a[4], a[5]);
		raw(SYS_rt_sigprocmask, SIG_SETMASK, (long)&empty, 0, 8, 0, 0);
		raw(SYS_setitimer, ITIMER_REAL, (long)&alarm_tv, 0, 0, 0, 0);
		call_start[id] = t0.tv_sec * 1000 + t0.tv_nsec / 1000000 + 1;
		long r = raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		call_start[id] = 0;
		struct timespec t1 = now();
		my_calls++;
		COUNT(calls);
		faults_in_row = 0;
		if (r == -ENOSYS) {
			COUNT(enosys);
			if ((unsigned long)nr < NR_LIMIT)
				was_enosys[nr] = 1;
		} else if (r < 0 && r > -4096)
			COUNT(errors);
		if ((int)nr == SYS_rt_sigaction)
			install_handlers();
		if ((int)nr == SYS_mmap || (int)nr == SYS_mremap || (int)nr == SYS_brk ||
		    (int)nr == SYS_shmat)
			keep_invalid();
		if (ns_between(t0, t1) > SLOW_NS)
			report("sysfuzz: slow: nr %ld took %ld ms (%#lx %#lx %#lx %#lx %#lx "
			       "%#lx)\n",
			       nr, ns_between(t0, t1) / 1000000, a[0], a[1], a[2], a[3], a[4],
			       a[5]);
	}
	jump_ok = 0;
	if (id != 0)
		for (;;)
			raw(SYS_pause, 0, 0, 0, 0, 0, 0); /* until thread 0 ends the program */
	struct itimerval off = {{0, 0}, {0, 0}};
	raw(SYS_setitimer, ITIMER_REAL, (long)&off, 0, 0, 0, 0);
	progress();
	report("sysfuzz: done\n");
}

static long fuzz_seconds;

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	struct timespec ms = {0, 1000000};

	rng = seed * 0x9e3779b97f4a7c15ULL + 1 + id;
	tids[id] = (int)raw(SYS_gettid, 0, 0, 0, 0, 0, 0);
	while (!go)
		raw(SYS_nanosleep, (long)&ms, 0, 0, 0, 0, 0);
	fuzz(fuzz_seconds, id);
	return NULL;
}

static void *watchdog(void *arg)
{
	struct timespec tick = {0, ALARM_USEC * 1000L};

	(void)arg;
	while (!go)
		raw(SYS_nanosleep, (long)&tick, 0, 0, 0, 0, 0);
	for (;;) {
		raw(SYS_nanosleep, (long)&tick, 0, 0, 0, 0, 0);
		struct timespec t = now();
		long ms = t.tv_sec * 1000 + t.tv_nsec / 1000000;
		for (int i = 0; i < nthreads; i++) {
			long since = call_start[i];
			if (since && ms - since > 100)
				raw(SYS_tgkill, getpid(), tids[i], SIGALRM, 0, 0, 0);
		}
	}
	return NULL;
}

/* Threads exist before the maps are read, so their stacks and TLS are protected. */
static void start_threads(void)
{
	pthread_t t;

	tids[0] = (int)raw(SYS_gettid, 0, 0, 0, 0, 0, 0);
	for (int i = 1; i < nthreads; i++)
		if (pthread_create(&t, NULL, worker, (void *)(intptr_t)i) != 0) {
			fprintf(stderr, "sysfuzz: pthread_create failed\n");
			exit(2);
		}
	if (nthreads > 1 && pthread_create(&t, NULL, watchdog, NULL) != 0) {
		fprintf(stderr, "sysfuzz: pthread_create failed\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: sysfuzz SEED SECONDS [native] [verbose]\n");
		return 2;
	}
	seed = strtoul(argv[1], NULL, 0);
	long seconds = strtol(argv[2], NULL, 0);
	if (seconds < 1 || seconds > 3600) {
		fprintf(stderr, "sysfuzz: SECONDS must be 1..3600\n");
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "native"))
			native = 1;
		else if (!strcmp(argv[i], "verbose"))
			verbose = 1;
		else if (!strncmp(argv[i], "threads=", 8))
			nthreads = atoi(argv[i] + 8);
	}
	if (nthreads < 1 || nthreads > MAX_THREADS) {
		fprintf(stderr, "sysfuzz: threads=1..%d\n", MAX_THREADS);
		return 2;
	}
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	printf("sysfuzz: seed %lu seconds %ld%s\n", seed, seconds, native ? " native" : "");
	fflush(stdout);
	if (fcntl(1, F_DUPFD, REPORT_FD) != REPORT_FD) {
		fprintf(stderr, "sysfuzz: cannot put the report on fd %d\n", REPORT_FD);
		return 2;
	}
	int keep = -1;
	if (native) {
		sandbox_enter();
		keep = open("/dev/null", O_RDWR); /* open_pool cannot after the chroot */
		if (keep < 0)
			die("/dev/null");
		if (isatty(0))
			dup2(keep, 0);
	}
	/* Enough stack for the loop and the handlers, touched now so it never grows. */
	volatile char stack[256 * 1024];
	for (size_t i = 0; i < sizeof(stack); i += PAGE)
		stack[i] = 0;
	scratch = guarded(SCRATCH_SIZE);
	arena = guarded(ARENA_SIZE);
	fill_scratch(0, SCRATCH_SIZE);
	memset(arena, 0x5a, ARENA_SIZE);
	fuzz_seconds = seconds;
	start_threads();
	int maps = open("/proc/self/maps", O_RDONLY);
	if (maps < 0 || fcntl(maps, F_DUPFD, MAPS_FD) != MAPS_FD) {
		fprintf(stderr, "sysfuzz: /proc/self/maps on fd %d: %s\n", MAPS_FD,
			strerror(errno));
		return 2;
	}
	close(maps);
	for_each_map(add_range);
	add_range((uintptr_t)arena - PAGE, (uintptr_t)arena);
	add_range((uintptr_t)arena + ARENA_SIZE, (uintptr_t)arena + ARENA_SIZE + PAGE);
	if (native)
		sandbox_drop();
	open_pool();
	if (keep >= 0 && npool < (int)(sizeof(pool) / sizeof(pool[0])))
		pool[npool++] = keep;
	int null = native ? keep : open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 1) != 1 || dup2(null, 2) != 2) {
		report("sysfuzz: cannot put /dev/null on fds 1 and 2\n");
		return 2;
	}
	brk_start = (uintptr_t)sbrk(0);
	install_handlers();
	go = 1;
	fuzz(seconds, 0);
	return 0;
}
