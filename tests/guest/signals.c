/* signals.c: signal dispositions, delivery and waiting, checked against Linux.
 *
 * Without arguments: SA_SIGINFO handlers and their siginfo (kill: SI_USER, tgkill:
 * SI_TKILL, sigqueue: SI_QUEUE and the value), the mask while a handler runs (sa_mask,
 * the signal itself unless SA_NODEFER), SA_RESETHAND, the 16-byte stack alignment at
 * handler entry, standard signals pending once and real-time ones queued in order,
 * SIG_IGN discarding a pending signal, sigpending, sigsuspend, sigtimedwait, signalfd
 * (read, poll, nonblocking), and EINVAL for SIGKILL/SIGSTOP.
 *
 * With an argument, one case that ends the program or needs more of the kernel:
 *   term        raise(SIGTERM) with the default action: status 143
 *   abort       abort(): status 134
 *   norestorer  a handler installed without SA_RESTORER: delivery fails, status 139
 *   restart     an interval timer interrupting a blocking pipe read: EINTR without
 *               SA_RESTART, the read restarted with it; pause()
 *   thread      pthread_kill reaches the chosen thread */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

static volatile sig_atomic_t hits;
static volatile int last_sig, last_code, last_pid, last_value;
static sigset_t mask_in_handler;
static volatile int order[8], norder;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_value = si->si_value.sival_int;
	sigprocmask(SIG_SETMASK, NULL, &mask_in_handler);
	if (norder < 8)
		order[norder++] = si->si_value.sival_int;
}

static void plain_handler(int sig)
{
	(void)sig;
	hits++;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags, int masked)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction %d: %s", sig, strerror(errno));
}

static void block(int sig, int how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	CHECK(sigprocmask(how, &s, NULL) == 0);
}

static void test_siginfo(void)
{
	sigset_t now;

	install(SIGUSR1, info_handler, 0, SIGUSR2);
	hits = 0;
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(hits == 1, "handler ran %d times", (int)hits);
	CHECK(last_sig == SIGUSR1 && last_code == SI_USER && last_pid == getpid(),
	      "sig %d code %d pid %d", last_sig, last_code, last_pid);
	CHECK(sigismember(&mask_in_handler, SIGUSR1) && sigismember(&mask_in_handler, SIGUSR2));
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2), "mask not restored");

	CHECK(syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGUSR1) == 0);
	CHECK(hits == 2 && last_code == SI_TKILL, "tgkill: code %d", last_code);

	union sigval v = {.sival_int = 1234};
	CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
	CHECK(hits == 3 && last_code == SI_QUEUE && last_value == 1234, "sigqueue: code %d val %d",
	      last_code, last_value);
	printf("siginfo ok\n");
}

static void test_nodefer_resethand(void)
{
	struct sigaction old;

	install(SIGUSR2, info_handler, SA_NODEFER | SA_RESETHAND, 0);
	hits = 0;
	CHECK(raise(SIGUSR2) == 0);
	CHECK(hits == 1);
	CHECK(!sigismember(&mask_in_handler, SIGUSR2), "SA_NODEFER: blocked in its handler");
	CHECK(sigaction(SIGUSR2, NULL, &old) == 0);
	CHECK(old.sa_handler == SIG_DFL, "SA_RESETHAND did not reset");
	printf("nodefer resethand ok\n");
}

/* The handler's entry, in assembly: records rsp as the handler finds it. */
uint64_t entry_rsp;
void align_handler(int sig);
__asm__(".text\n.globl align_handler\nalign_handler:\n"
	"movq %rsp, entry_rsp(%rip)\nret\n");

static void test_alignment(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = align_handler;
	CHECK(sigaction(SIGURG, &sa, NULL) == 0);
	for (int i = 0; i < 4; i++) {
		entry_rsp = 1;
		CHECK(raise(SIGURG) == 0);
		CHECK(entry_rsp != 1, "handler did not run");
		CHECK((entry_rsp + 8) % 16 == 0, "rsp at entry %#lx", (unsigned long)entry_rsp);
	}
	signal(SIGURG, SIG_DFL);
	printf("alignment ok\n");
}

static void test_queueing(void)
{
	sigset_t pend;

	install(SIGUSR1, info_handler, 0, 0);
	block(SIGUSR1, SIG_BLOCK);
	hits = 0;
	raise(SIGUSR1);
	raise(SIGUSR1);
	CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR1));
	block(SIGUSR1, SIG_UNBLOCK);
	CHECK(hits == 1, "standard signal delivered %d times", (int)hits);

	int rt = SIGRTMIN + 2;
	install(rt, info_handler, 0, 0);
	block(rt, SIG_BLOCK);
	norder = 0;
	for (int i = 1; i <= 3; i++)
		CHECK(sigqueue(getpid(), rt, (union sigval){.sival_int = i}) == 0);
	block(rt, SIG_UNBLOCK);
	CHECK(norder == 3 && order[0] == 1 && order[1] == 2 && order[2] == 3,
	      "rt order: %d signals", (int)norder);

	/* Ignoring a pending signal discards it. */
	block(SIGUSR1, SIG_BLOCK);
	raise(SIGUSR1);
	signal(SIGUSR1, SIG_IGN);
	CHECK(sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR1), "still pending");
	block(SIGUSR1, SIG_UNBLOCK);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = plain_handler;
	CHECK(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(sigaction(SIGSTOP, &sa, NULL) == -1 && errno == EINVAL);
	printf("queueing ok\n");
}

static void test_waits(void)
{
	sigset_t set, old, now;
	siginfo_t si;
	struct timespec ts = {0, 10 * 1000 * 1000};

	install(SIGUSR1, info_handler, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	hits = 0;
	raise(SIGUSR1);
	CHECK(hits == 0);
	sigset_t empty;
	sigemptyset(&empty);
	CHECK(sigsuspend(&empty) == -1 && errno == EINTR);
	CHECK(hits == 1, "sigsuspend: handler ran %d times", (int)hits);
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1), "sigsuspend did not restore the mask");

	CHECK(sigtimedwait(&set, &si, &ts) == -1 && errno == EAGAIN, "errno %d", errno);
	kill(getpid(), SIGUSR1);
	CHECK(sigtimedwait(&set, &si, &ts) == SIGUSR1);
	CHECK(si.si_signo == SIGUSR1 && si.si_code == SI_USER && si.si_pid == getpid());
	CHECK(hits == 1, "the handler ran for a waited signal");
	sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 77});
	CHECK(sigwaitinfo(&set, &si) == SIGUSR1 && si.si_value.sival_int == 77);
	ts.tv_nsec = 1000000000;
	CHECK(sigtimedwait(&set, &si, &ts) == -1 && errno == EINVAL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("waits ok\n");
}

static void test_signalfd(void)
{
	sigset_t set;
	struct signalfd_siginfo ssi[2];

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	CHECK(fd >= 0, "signalfd: %s", strerror(errno));
	CHECK(read(fd, ssi, sizeof(ssi)) == -1 && errno == EAGAIN);
	CHECK(read(fd, ssi, 64) == -1 && errno == EINVAL);
	struct pollfd p = {fd, POLLIN, 0};
	CHECK(poll(&p, 1, 0) == 0);
	kill(getpid(), SIGUSR2);
	CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN));
	CHECK(read(fd, ssi, sizeof(ssi)) == sizeof(ssi[0]));
	CHECK(ssi[0].ssi_signo == SIGUSR2 && ssi[0].ssi_code == SI_USER &&
		      ssi[0].ssi_pid == (uint32_t)getpid(),
	      "signo %u code %d", ssi[0].ssi_signo, ssi[0].ssi_code);
	sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 5});
	CHECK(read(fd, ssi, sizeof(ssi)) == sizeof(ssi[0]) && ssi[0].ssi_int == 5);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("signalfd ok\n");
}

/* ---- cases that need timers or threads, or end the program ---- */

static int pipefd[2];

static void alarm_writer(int sig)
{
	(void)sig;
	hits++;
	if (write(pipefd[1], "x", 1) != 1)
		_exit(3);
}

static void arm_timer(void)
{
	struct itimerval it = {{0, 0}, {0, 50 * 1000}};
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer: %s", strerror(errno));
}

static void test_restart(void)
{
	char c;
	struct sigaction sa;

	CHECK(pipe(pipefd) == 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = plain_handler;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	hits = 0;
	arm_timer();
	CHECK(read(pipefd[0], &c, 1) == -1 && errno == EINTR, "no EINTR without SA_RESTART");
	CHECK(hits == 1);

	sa.sa_handler = alarm_writer;
	sa.sa_flags = SA_RESTART;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	arm_timer();
	CHECK(read(pipefd[0], &c, 1) == 1 && c == 'x', "read not restarted: %s", strerror(errno));
	CHECK(hits == 2);

	sa.sa_handler = plain_handler;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	arm_timer();
	CHECK(pause() == -1 && errno == EINTR);
	CHECK(hits == 3);
	printf("restart ok\n");
}

static volatile pid_t handled_tid;
static volatile int stop_thread;

static void tid_handler(int sig)
{
	(void)sig;
	handled_tid = (pid_t)syscall(SYS_gettid);
}

static void *spin(void *arg)
{
	*(volatile pid_t *)arg = (pid_t)syscall(SYS_gettid);
	while (!stop_thread)
		sched_yield();
	return NULL;
}

static void test_thread(void)
{
	pthread_t t;
	volatile pid_t tid = 0;

	signal(SIGUSR1, tid_handler);
	CHECK(pthread_create(&t, NULL, spin, (void *)&tid) == 0);
	while (!tid)
		sched_yield();
	CHECK(pthread_kill(t, SIGUSR1) == 0);
	for (int i = 0; i < 1000000 && !handled_tid; i++)
		sched_yield();
	CHECK(handled_tid == tid, "handled by %d, wanted %d", (int)handled_tid, (int)tid);
	stop_thread = 1;
	pthread_join(t, NULL);
	printf("thread ok\n");
}

static void no_restorer(void)
{
	/* The raw kernel ABI: handler, flags without SA_RESTORER, restorer, mask. */
	unsigned long act[4] = {(unsigned long)plain_handler, 0, 0, 0};
	CHECK(syscall(SYS_rt_sigaction, SIGUSR1, act, NULL, 8) == 0);
	raise(SIGUSR1);
	printf("FAIL signals: still alive after a delivery without SA_RESTORER\n");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "term")) {
		printf("raising SIGTERM\n");
		raise(SIGTERM);
		return 1;
	}
	if (!strcmp(mode, "abort")) {
		printf("aborting\n");
		abort();
	}
	if (!strcmp(mode, "norestorer")) {
		no_restorer();
		return 1;
	}
	if (!strcmp(mode, "restart")) {
		test_restart();
		guest_pass("signals restart");
		return 0;
	}
	if (!strcmp(mode, "thread")) {
		test_thread();
		guest_pass("signals thread");
		return 0;
	}
	test_siginfo();
	test_nodefer_resethand();
	test_alignment();
	test_queueing();
	test_waits();
	test_signalfd();
	guest_pass("signals");
	return 0;
}
