/* thread_signals: signals and threads. pthread_kill (tgkill) reaches the thread it names:
 * the handler, run on that thread's own alternate stack (SA_ONSTACK), sees that thread's
 * gettid(). A process-directed kill() is handled by the one thread that does not block
 * the signal. A read blocked on an empty pipe is restarted after a handler installed with
 * SA_RESTART (the data written later arrives, no EINTR), and fails with EINTR after one
 * installed without it; the signals come from another thread (pthread_kill). No timing
 * upper bounds: waits are bounded by counts of 1 ms sleeps, generously.
 * Built with glibc and musl; ends with "PASS thread_signals". */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define TARGETS 4
#define POLLS 60000 /* 1 ms apart: a minute at least */
#define RESTART_SIGNALS 20
#define ALTSTACK_SIZE (64 * 1024)

static pid_t tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void pause_1ms(void)
{
	struct timespec ts = {0, 1000000};

	nanosleep(&ts, NULL);
}

static int load(volatile int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/* Poll *p until it reaches want; fail after POLLS ms. */
static void await(volatile int *p, int want, const char *what)
{
	for (int i = 0; i < POLLS && load(p) < want; i++)
		pause_1ms();
	CHECK(load(p) >= want, "%s: %d, expected %d", what, load(p), want);
}

/* Part 1: SIGUSR1 aimed at one thread at a time. */
struct target {
	pthread_t thread;
	volatile pid_t tid;
	volatile int ready;
	volatile int handled;
	volatile pid_t handler_tid;
	volatile int on_altstack;
	char *altstack;
};

static struct target targets[TARGETS];

static void usr1_handler(int sig)
{
	pid_t me = tid();
	char here;

	(void)sig;
	for (int i = 0; i < TARGETS; i++) {
		if (targets[i].tid != me)
			continue;
		targets[i].handler_tid = me;
		targets[i].on_altstack =
			&here >= targets[i].altstack && &here < targets[i].altstack + ALTSTACK_SIZE;
		__atomic_add_fetch(&targets[i].handled, 1, __ATOMIC_SEQ_CST);
	}
}

static void *target_main(void *arg)
{
	struct target *t = arg;
	sigset_t usr1, old;
	stack_t ss = {.ss_sp = t->altstack, .ss_size = ALTSTACK_SIZE, .ss_flags = 0};

	CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack: %s", strerror(errno));
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	CHECK(pthread_sigmask(SIG_BLOCK, &usr1, &old) == 0);
	t->tid = tid();
	__atomic_store_n(&t->ready, 1, __ATOMIC_SEQ_CST);
	sigdelset(&old, SIGUSR1);
	while (load(&t->handled) == 0)
		sigsuspend(&old); /* SIGUSR1 unblocked only here: no lost wake-up */
	return NULL;
}

static void test_targeted(void)
{
	struct sigaction sa = {.sa_handler = usr1_handler, .sa_flags = SA_ONSTACK};

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	for (int i = 0; i < TARGETS; i++) {
		targets[i].altstack = malloc(ALTSTACK_SIZE);
		CHECK(targets[i].altstack != NULL);
		CHECK(pthread_create(&targets[i].thread, NULL, target_main, &targets[i]) == 0);
	}
	for (int i = 0; i < TARGETS; i++)
		await(&targets[i].ready, 1, "target ready");
	/* in reverse order of creation, the last one by a raw tgkill */
	for (int i = TARGETS - 1; i >= 0; i--) {
		if (i == 0)
			CHECK(syscall(SYS_tgkill, getpid(), targets[i].tid, SIGUSR1) == 0);
		else
			CHECK(pthread_kill(targets[i].thread, SIGUSR1) == 0);
		await(&targets[i].handled, 1, "handled");
		CHECK(pthread_join(targets[i].thread, NULL) == 0);
		for (int j = 0; j < i; j++)
			CHECK(load(&targets[j].handled) == 0, "thread %d got thread %d's signal", j,
			      i);
	}
	for (int i = 0; i < TARGETS; i++) {
		CHECK(targets[i].handled == 1, "thread %d: %d signals", i, targets[i].handled);
		CHECK(targets[i].handler_tid == targets[i].tid, "thread %d: handler tid %d, %d", i,
		      targets[i].handler_tid, targets[i].tid);
		CHECK(targets[i].on_altstack, "thread %d: handler not on its alternate stack", i);
		free(targets[i].altstack);
	}
	/* the main thread may not signal a thread id that is gone */
	CHECK(syscall(SYS_tgkill, getpid(), targets[0].tid, 0) == -1 && errno == ESRCH);
}

/* Part 2: kill() to the process; only `catcher` leaves SIGUSR2 unblocked. */
static volatile pid_t usr2_tid, catcher_tid;
static volatile int usr2_count, catcher_ready, catcher_stop;

static void usr2_handler(int sig)
{
	(void)sig;
	usr2_tid = tid();
	__atomic_add_fetch(&usr2_count, 1, __ATOMIC_SEQ_CST);
}

static void *catcher_main(void *arg)
{
	sigset_t usr2;

	(void)arg;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	CHECK(pthread_sigmask(SIG_UNBLOCK, &usr2, NULL) == 0);
	catcher_tid = tid();
	__atomic_store_n(&catcher_ready, 1, __ATOMIC_SEQ_CST);
	while (!load(&catcher_stop))
		pause_1ms();
	return NULL;
}

static void test_process_directed(void)
{
	struct sigaction sa = {.sa_handler = usr2_handler};
	sigset_t usr2;
	pthread_t catcher;

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	CHECK(pthread_sigmask(SIG_BLOCK, &usr2, NULL) == 0); /* inherited by the catcher */
	CHECK(pthread_create(&catcher, NULL, catcher_main, NULL) == 0);
	await(&catcher_ready, 1, "catcher ready");
	CHECK(kill(getpid(), SIGUSR2) == 0);
	await(&usr2_count, 1, "SIGUSR2 handled");
	CHECK(usr2_tid == catcher_tid, "SIGUSR2 handled by %d, not the catcher %d", usr2_tid,
	      catcher_tid);
	__atomic_store_n(&catcher_stop, 1, __ATOMIC_SEQ_CST);
	CHECK(pthread_join(catcher, NULL) == 0);
	/* with every thread blocking it, the signal stays pending on the process */
	CHECK(kill(getpid(), SIGUSR2) == 0);
	sigset_t pending;
	CHECK(sigpending(&pending) == 0);
	CHECK(sigismember(&pending, SIGUSR2) == 1, "SIGUSR2 not pending");
	CHECK(usr2_count == 1);
	CHECK(pthread_sigmask(SIG_UNBLOCK, &usr2, NULL) == 0); /* delivered here, now */
	CHECK(usr2_count == 2 && usr2_tid == tid(), "pending SIGUSR2 not delivered on unblock");
}

/* Part 3: a read blocked on a pipe, interrupted by SIGALRM sent with pthread_kill. */
static volatile int alrm_count;
static int pipe_fds[2];

struct reader {
	volatile int started;
	volatile int finished;
	ssize_t result;
	int err;
	char buf[16];
};

static void alrm_handler(int sig)
{
	(void)sig;
	__atomic_add_fetch(&alrm_count, 1, __ATOMIC_SEQ_CST);
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	__atomic_store_n(&r->started, 1, __ATOMIC_SEQ_CST);
	r->result = read(pipe_fds[0], r->buf, sizeof r->buf);
	r->err = r->result < 0 ? errno : 0;
	__atomic_store_n(&r->finished, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void install_alrm(int flags)
{
	struct sigaction sa = {.sa_handler = alrm_handler, .sa_flags = flags};

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
}

static void test_restart(void)
{
	struct reader r = {0};
	pthread_t t;

	install_alrm(SA_RESTART);
	alrm_count = 0;
	CHECK(pthread_create(&t, NULL, reader_main, &r) == 0);
	await(&r.started, 1, "reader started");
	/* Each signal lands on the reader, most of them while it sleeps in read(). */
	for (int i = 1; i <= RESTART_SIGNALS; i++) {
		CHECK(pthread_kill(t, SIGALRM) == 0);
		await(&alrm_count, i, "SIGALRM handled");
		for (int j = 0; j < 5; j++)
			pause_1ms();
		CHECK(!load(&r.finished), "read returned %zd (%s) after signal %d", r.result,
		      strerror(r.err), i);
	}
	CHECK(write(pipe_fds[1], "restarted", 9) == 9);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(r.result == 9 && memcmp(r.buf, "restarted", 9) == 0, "read %zd (%s)", r.result,
	      strerror(r.err));
}

static void test_eintr(void)
{
	struct reader r = {0};
	pthread_t t;
	int sent = 0;

	install_alrm(0);
	alrm_count = 0;
	CHECK(pthread_create(&t, NULL, reader_main, &r) == 0);
	await(&r.started, 1, "reader started");
	/* A signal that arrives before the reader is in read() only runs the handler; keep
	 * sending until one interrupts the read. */
	for (int i = 0; i < POLLS / 10 && !load(&r.finished); i++) {
		CHECK(pthread_kill(t, SIGALRM) == 0);
		sent++;
		await(&alrm_count, sent, "SIGALRM handled");
		for (int j = 0; j < 10 && !load(&r.finished); j++)
			pause_1ms();
	}
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(r.result == -1 && r.err == EINTR, "read returned %zd (%s) after %d signals", r.result,
	      strerror(r.err), sent);
	printf("thread_signals: EINTR after %d signal(s)\n", sent);
}

int main(void)
{
	sigset_t none;

	sigemptyset(&none);
	CHECK(pthread_sigmask(SIG_SETMASK, &none, NULL) == 0);
	test_targeted();
	printf("thread_signals: pthread_kill and tgkill reached their threads\n");
	test_process_directed();
	printf("thread_signals: process-directed signal went to the unblocked thread\n");
	CHECK(pipe(pipe_fds) == 0);
	test_restart();
	printf("thread_signals: SA_RESTART read restarted\n");
	test_eintr();
	guest_pass("thread_signals");
	return 0;
}
