/* timers.c: sleeps, interval timers, POSIX timers, timerfd and CPU-time accounting.
 * Only lower bounds on elapsed time are checked (a sleep never ends early, a timer never
 * fires early); everything waits with bounded loops. Checks: nanosleep and
 * clock_nanosleep (relative, TIMER_ABSTIME on MONOTONIC and REALTIME, EINVAL cases, an
 * interruption by a handled signal that reports the time left); setitimer/getitimer
 * (ITIMER_REAL periods, ITIMER_PROF on CPU time) and alarm; timer_create with
 * SIGEV_SIGNAL (siginfo SI_TIMER and value), SIGEV_THREAD_ID, SIGEV_NONE, overruns while
 * the signal is blocked; timerfd (EAGAIN, poll, counts, absolute, gettime, EINVAL);
 * CPU-time clocks, getrusage and times. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#define NS 1000000000ll
#define MS 1000000ll
#define WAIT_LIMIT_NS (60 * NS) /* bound on every wait loop: a hang fails, not blocks */

static volatile sig_atomic_t got[65];
static volatile int last_code, last_value, overrun_seen = -1;
static timer_t overrun_timer;

static int64_t now(clockid_t c)
{
	struct timespec ts;

	CHECK(clock_gettime(c, &ts) == 0, "clock %d: %s", (int)c, strerror(errno));
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static void on_signal(int sig, siginfo_t *si, void *uc __attribute__((unused)))
{
	got[sig]++;
	last_code = si->si_code;
	last_value = si->si_value.sival_int;
	if (sig == SIGUSR2)
		overrun_seen = timer_getoverrun(overrun_timer);
}

static void handle(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: sleeps report EINTR */
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

/* Wait (sigsuspend, nothing blocked) until signal sig arrived n times. */
static void wait_for(int sig, int n)
{
	sigset_t none;
	int64_t limit = now(CLOCK_MONOTONIC) + WAIT_LIMIT_NS;

	sigemptyset(&none);
	while (got[sig] < n) {
		CHECK(now(CLOCK_MONOTONIC) < limit, "signal %d arrived %d of %d times", sig,
		      (int)got[sig], n);
		sigsuspend(&none);
	}
}

static void test_sleeps(void)
{
	struct timespec req = {0, 30 * MS}, rem, bad = {0, NS};
	int64_t t0 = now(CLOCK_MONOTONIC), target;

	CHECK(nanosleep(&req, NULL) == 0);
	CHECK(now(CLOCK_MONOTONIC) - t0 >= 30 * MS, "nanosleep returned early");
	CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL);
	bad.tv_nsec = -1;
	CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL);

	t0 = now(CLOCK_MONOTONIC);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0);
	CHECK(now(CLOCK_MONOTONIC) - t0 >= 30 * MS);
	target = now(CLOCK_MONOTONIC) + 40 * MS;
	req.tv_sec = target / NS;
	req.tv_nsec = target % NS;
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL) == 0);
	CHECK(now(CLOCK_MONOTONIC) >= target, "absolute monotonic sleep ended early");
	target = now(CLOCK_REALTIME) + 40 * MS;
	req.tv_sec = target / NS;
	req.tv_nsec = target % NS;
	CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &req, NULL) == 0);
	CHECK(now(CLOCK_REALTIME) >= target, "absolute realtime sleep ended early");
	req.tv_sec = 0; /* 1 ns after boot, long past: returns at once */
	req.tv_nsec = 1;
	CHECK(clock_nanosleep(CLOCK_BOOTTIME, TIMER_ABSTIME, &req, NULL) == 0);
	CHECK(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL) == EINVAL);
	CHECK(clock_nanosleep(12345, 0, &req, NULL) == EINVAL);

	/* A handled signal ends the sleep with EINTR and the time left. */
	struct itimerval it = {{0, 0}, {0, 50000}};
	handle(SIGALRM);
	got[SIGALRM] = 0;
	req.tv_sec = 20;
	req.tv_nsec = 0;
	t0 = now(CLOCK_MONOTONIC);
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	CHECK(nanosleep(&req, &rem) == -1 && errno == EINTR, "nanosleep was not interrupted");
	CHECK(got[SIGALRM] == 1);
	CHECK(now(CLOCK_MONOTONIC) - t0 >= 50 * MS, "SIGALRM came early");
	CHECK(rem.tv_sec >= 0 && rem.tv_nsec >= 0 && rem.tv_nsec < NS);
	CHECK(rem.tv_sec * NS + rem.tv_nsec < 20 * NS, "rem %ld.%09ld", (long)rem.tv_sec,
	      rem.tv_nsec);
	printf("timers: sleeps ok\n");
}

static void test_itimers(void)
{
	struct itimerval it = {{0, 20000}, {0, 50000}}, cur, bad = {{0, 0}, {0, 1000000}};
	int64_t t0 = now(CLOCK_MONOTONIC);

	got[SIGALRM] = 0;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	CHECK(getitimer(ITIMER_REAL, &cur) == 0);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 20000);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 &&
	      cur.it_value.tv_usec <= 50000);
	wait_for(SIGALRM, 3);
	CHECK(now(CLOCK_MONOTONIC) - t0 >= 90 * MS, "3 expiries of 50 ms + 2 x 20 ms early");
	memset(&it, 0, sizeof(it));
	CHECK(setitimer(ITIMER_REAL, &it, &cur) == 0);
	CHECK(cur.it_interval.tv_usec == 20000);
	CHECK(getitimer(ITIMER_REAL, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	CHECK(setitimer(ITIMER_REAL, &bad, NULL) == -1 && errno == EINVAL);
	CHECK(setitimer(7, &it, NULL) == -1 && errno == EINVAL);
	CHECK(getitimer(7, &cur) == -1 && errno == EINVAL);

	CHECK(alarm(1000) == 0);
	unsigned left = alarm(0);
	CHECK(left >= 990 && left <= 1000, "alarm left %u", left);
	CHECK(alarm(0) == 0);

	/* ITIMER_PROF counts CPU time: spin until SIGPROF. */
	struct itimerval prof = {{0, 0}, {0, 30000}};
	int64_t cpu0 = now(CLOCK_PROCESS_CPUTIME_ID), limit = now(CLOCK_MONOTONIC) + WAIT_LIMIT_NS;
	handle(SIGPROF);
	CHECK(setitimer(ITIMER_PROF, &prof, NULL) == 0);
	CHECK(getitimer(ITIMER_PROF, &cur) == 0 && cur.it_value.tv_usec > 0);
	while (!got[SIGPROF])
		CHECK(now(CLOCK_MONOTONIC) < limit, "no SIGPROF");
	int64_t spent = now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	/* Linux samples CPU timers at its tick, so SIGPROF may come up to a tick (4 ms)
	 * before the process clock shows 30 ms; 20 ms proves it counted CPU time. */
	CHECK(spent >= 20 * MS, "SIGPROF after %lld ns of CPU", (long long)spent);
	printf("timers: itimers ok\n");
}

static void test_posix_timers(void)
{
	struct sigevent ev;
	struct itimerspec its = {{0, 0}, {0, 30 * MS}}, cur;
	timer_t t;
	int64_t t0;

	/* SIGEV_SIGNAL, one shot, with a value. */
	handle(SIGRTMIN);
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN;
	ev.sigev_value.sival_int = 42;
	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0, "%s", strerror(errno));
	t0 = now(CLOCK_MONOTONIC);
	CHECK(timer_settime(t, 0, &its, NULL) == 0);
	wait_for(SIGRTMIN, 1);
	CHECK(now(CLOCK_MONOTONIC) - t0 >= 30 * MS, "timer fired early");
	CHECK(last_code == SI_TIMER && last_value == 42, "code %d value %d", last_code, last_value);
	CHECK(timer_gettime(t, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	its.it_value.tv_nsec = NS;
	CHECK(timer_settime(t, 0, &its, NULL) == -1 && errno == EINVAL);
	CHECK(timer_delete(t) == 0);

	/* SIGEV_THREAD_ID to this thread, absolute on CLOCK_REALTIME. */
	handle(SIGUSR1);
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
	CHECK(timer_create(CLOCK_REALTIME, &ev, &t) == 0, "%s", strerror(errno));
	int64_t target = now(CLOCK_REALTIME) + 30 * MS;
	its.it_value.tv_sec = target / NS;
	its.it_value.tv_nsec = target % NS;
	CHECK(timer_settime(t, TIMER_ABSTIME, &its, NULL) == 0);
	wait_for(SIGUSR1, 1);
	CHECK(now(CLOCK_REALTIME) >= target, "absolute timer fired early");
	CHECK(last_code == SI_TIMER);
	CHECK(timer_delete(t) == 0);
	CHECK(timer_delete(t) != 0); /* musl returns -EINVAL itself, glibc -1 and errno */
	ev.sigev_notify_thread_id = 0x3fffffff; /* no such thread */
	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == -1 && errno == EINVAL);

	/* SIGEV_NONE: counts down silently. */
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_NONE;
	CHECK(timer_create(CLOCK_BOOTTIME, &ev, &t) == 0);
	struct itimerspec ten = {{1, 0}, {10, 0}};
	CHECK(timer_settime(t, 0, &ten, NULL) == 0);
	CHECK(timer_gettime(t, &cur) == 0);
	CHECK(cur.it_interval.tv_sec == 1 && cur.it_interval.tv_nsec == 0);
	CHECK(cur.it_value.tv_sec < 10 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_nsec == 0));
	CHECK(cur.it_value.tv_sec > 0 || cur.it_value.tv_nsec > 0);
	CHECK(timer_delete(t) == 0);

	/* Overruns: a 10 ms periodic timer whose signal stays blocked for 200 ms. */
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	handle(SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &usr2, NULL) == 0);
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR2;
	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &overrun_timer) == 0);
	struct itimerspec per = {{0, 10 * MS}, {0, 10 * MS}}, off = {{0, 0}, {0, 0}};
	CHECK(timer_settime(overrun_timer, 0, &per, NULL) == 0);
	struct timespec wait = {0, 200 * MS};
	while (nanosleep(&wait, &wait) != 0)
		;
	CHECK(sigprocmask(SIG_UNBLOCK, &usr2, NULL) == 0); /* the handler runs here */
	CHECK(got[SIGUSR2] >= 1);
	CHECK(timer_settime(overrun_timer, 0, &off, NULL) == 0);
	CHECK(overrun_seen >= 5, "overrun %d after 200 ms of a 10 ms timer", overrun_seen);
	CHECK(timer_delete(overrun_timer) == 0);
	printf("timers: posix timers ok (overrun %d)\n", overrun_seen);
}

static void test_timerfd(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct itimerspec its = {{0, 10 * MS}, {0, 30 * MS}}, cur;
	uint64_t n = 0;
	uint32_t small;
	int64_t t0;

	CHECK(fd >= 0, "%s", strerror(errno));
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK(read(fd, &n, sizeof(n)) == -1 && errno == EAGAIN);
	t0 = now(CLOCK_MONOTONIC);
	CHECK(timerfd_settime(fd, 0, &its, NULL) == 0);
	struct pollfd p = {fd, POLLIN, 0};
	CHECK(poll(&p, 1, 60000) == 1 && (p.revents & POLLIN), "poll %x", p.revents);
	CHECK(now(CLOCK_MONOTONIC) - t0 >= 30 * MS, "timerfd fired early");
	CHECK(read(fd, &small, sizeof(small)) == -1 && errno == EINVAL);
	CHECK(read(fd, &n, sizeof(n)) == 8 && n >= 1);
	struct timespec wait = {0, 50 * MS};
	CHECK(nanosleep(&wait, NULL) == 0);
	CHECK(read(fd, &n, sizeof(n)) == 8 && n >= 4, "%llu expiries in 50 ms",
	      (unsigned long long)n);
	CHECK(timerfd_gettime(fd, &cur) == 0 && cur.it_interval.tv_nsec == 10 * MS);
	memset(&its, 0, sizeof(its));
	CHECK(timerfd_settime(fd, 0, &its, &cur) == 0 && cur.it_interval.tv_nsec == 10 * MS);
	CHECK(timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec == 0 &&
	      cur.it_value.tv_nsec == 0);
	CHECK(timerfd_settime(fd, 0x100, &its, NULL) == -1 && errno == EINVAL);
	CHECK(close(fd) == 0);

	/* Blocking, absolute on the wall clock. */
	fd = timerfd_create(CLOCK_REALTIME, 0);
	CHECK(fd >= 0);
	int64_t target = now(CLOCK_REALTIME) + 30 * MS;
	its.it_value.tv_sec = target / NS;
	its.it_value.tv_nsec = target % NS;
	CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0);
	CHECK(read(fd, &n, sizeof(n)) == 8 && n == 1);
	CHECK(now(CLOCK_REALTIME) >= target, "absolute timerfd fired early");
	CHECK(close(fd) == 0);
	CHECK(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0) == -1 && errno == EINVAL);
	CHECK(timerfd_create(CLOCK_MONOTONIC, 0x1234) == -1 && errno == EINVAL);
	CHECK(timerfd_settime(0, 0, &its, NULL) == -1 && errno == EINVAL); /* not a timerfd */
	printf("timers: timerfd ok\n");
}

static void test_cpu_time(void)
{
	struct rusage ru;
	struct tms tm;
	clockid_t cid;
	int64_t limit = now(CLOCK_MONOTONIC) + WAIT_LIMIT_NS, t;

	while (now(CLOCK_THREAD_CPUTIME_ID) < 100 * MS)
		CHECK(now(CLOCK_MONOTONIC) < limit, "thread CPU time does not advance");
	t = now(CLOCK_THREAD_CPUTIME_ID);
	CHECK(now(CLOCK_PROCESS_CPUTIME_ID) >= t);
	CHECK(clock_getcpuclockid(0, &cid) == 0);
	CHECK(now(cid) >= t);
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
	int64_t used = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * NS +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ll;
	CHECK(used >= 90 * MS, "getrusage: %lld ns of CPU", (long long)used);
	CHECK(ru.ru_maxrss > 0);
	CHECK(getrusage(RUSAGE_THREAD, &ru) == 0);
	CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0 && ru.ru_utime.tv_sec == 0 &&
	      ru.ru_utime.tv_usec == 0 && ru.ru_maxrss == 0);
	CHECK(getrusage(5, &ru) == -1 && errno == EINVAL);
	CHECK(times(&tm) != (clock_t)-1);
	CHECK(tm.tms_utime + tm.tms_stime >= 9, "times: %ld ticks",
	      (long)(tm.tms_utime + tm.tms_stime));
	CHECK(tm.tms_cutime == 0 && tm.tms_cstime == 0);
	printf("timers: cpu time ok\n");
}

int main(void)
{
	test_sleeps();
	test_itimers();
	test_posix_timers();
	test_timerfd();
	test_cpu_time();
	guest_pass("timers");
	return 0;
}
