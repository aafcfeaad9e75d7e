/* threads: POSIX threads on clone/futex/exit: create and join in waves with return values,
 * a contended mutex protecting a plain counter, a bounded producer/consumer queue on
 * condition variables, a barrier reused for many rounds, thread-local storage distinct per
 * thread, detached threads, pthread_exit from a nested call, and distinct thread ids with
 * one process id. Built with glibc and musl; ends with "PASS threads". */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest.h"

#define WAVES 4
#define PER_WAVE 32
#define LOCKERS 8
#define INCREMENTS 20000
#define PRODUCERS 4
#define ITEMS 2000
#define QCAP 4
#define BARRIER_THREADS 8
#define ROUNDS 50
#define DETACHED 16

static pid_t tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Waves of threads: each returns 2 * its argument + 1, and records its tid and pid. */
static pid_t wave_tids[PER_WAVE], wave_pids[PER_WAVE];

static void *doubler(void *arg)
{
	uintptr_t i = (uintptr_t)arg;

	wave_tids[i % PER_WAVE] = tid();
	wave_pids[i % PER_WAVE] = getpid();
	return (void *)(2 * i + 1);
}

static void test_create_join(void)
{
	for (uintptr_t w = 0; w < WAVES; w++) {
		pthread_t t[PER_WAVE];

		for (uintptr_t i = 0; i < PER_WAVE; i++) {
			int e = pthread_create(&t[i], NULL, doubler, (void *)(w * PER_WAVE + i));
			CHECK(e == 0, "pthread_create: %s", strerror(e));
		}
		for (uintptr_t i = 0; i < PER_WAVE; i++) {
			void *ret;

			CHECK(pthread_join(t[i], &ret) == 0);
			CHECK((uintptr_t)ret == 2 * (w * PER_WAVE + i) + 1, "join returned %p",
			      ret);
		}
		for (int i = 0; i < PER_WAVE; i++) {
			CHECK(wave_pids[i] == getpid(), "thread pid %d, process %d", wave_pids[i],
			      getpid());
			CHECK(wave_tids[i] != getpid() && wave_tids[i] > 0, "tid %d", wave_tids[i]);
			for (int j = 0; j < i; j++)
				CHECK(wave_tids[i] != wave_tids[j], "tid %d twice", wave_tids[i]);
		}
	}
	CHECK(tid() == getpid(), "main thread tid %d != pid %d", tid(), getpid());
}

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *locker(void *arg)
{
	(void)arg;
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&counter_lock);
		long v = counter;
		if (i % 256 == 0)
			sched_yield(); /* hold the lock across a yield: others must wait */
		counter = v + 1;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static void test_mutex(void)
{
	pthread_t t[LOCKERS];

	for (int i = 0; i < LOCKERS; i++)
		CHECK(pthread_create(&t[i], NULL, locker, NULL) == 0);
	for (int i = 0; i < LOCKERS; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(counter == (long)LOCKERS * INCREMENTS, "counter %ld", counter);
}

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_not_full = PTHREAD_COND_INITIALIZER;
static int queue[QCAP], q_head, q_len;

static void q_put(int v)
{
	pthread_mutex_lock(&q_lock);
	while (q_len == QCAP)
		pthread_cond_wait(&q_not_full, &q_lock);
	queue[(q_head + q_len++) % QCAP] = v;
	pthread_cond_signal(&q_not_empty);
	pthread_mutex_unlock(&q_lock);
}

static void *producer(void *arg)
{
	(void)arg;
	for (int v = 1; v <= ITEMS; v++)
		q_put(v);
	return NULL;
}

static void *consumer(void *arg)
{
	long *sum = arg;

	for (;;) {
		pthread_mutex_lock(&q_lock);
		while (q_len == 0)
			pthread_cond_wait(&q_not_empty, &q_lock);
		int v = queue[q_head];
		q_head = (q_head + 1) % QCAP;
		q_len--;
		pthread_cond_broadcast(&q_not_full);
		pthread_mutex_unlock(&q_lock);
		if (v == 0)
			return NULL;
		*sum += v;
	}
}

static void test_condvar(void)
{
	pthread_t p[PRODUCERS], c[PRODUCERS];
	long sums[PRODUCERS] = {0}, total = 0;

	for (int i = 0; i < PRODUCERS; i++) {
		CHECK(pthread_create(&p[i], NULL, producer, NULL) == 0);
		CHECK(pthread_create(&c[i], NULL, consumer, &sums[i]) == 0);
	}
	for (int i = 0; i < PRODUCERS; i++)
		CHECK(pthread_join(p[i], NULL) == 0);
	for (int i = 0; i < PRODUCERS; i++)
		q_put(0); /* one stop sentinel per consumer */
	for (int i = 0; i < PRODUCERS; i++) {
		CHECK(pthread_join(c[i], NULL) == 0);
		total += sums[i];
	}
	CHECK(total == (long)PRODUCERS * ITEMS * (ITEMS + 1) / 2, "sum %ld", total);
}

static pthread_barrier_t barrier;
static volatile int slots[BARRIER_THREADS];

static void *barrier_worker(void *arg)
{
	int me = (int)(uintptr_t)arg, serial = 0;

	for (int r = 1; r <= ROUNDS; r++) {
		slots[me] = r;
		if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
			serial++;
		for (int i = 0; i < BARRIER_THREADS; i++)
			CHECK(slots[i] == r, "round %d: slot %d holds %d", r, i, slots[i]);
		if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
			serial++;
	}
	return (void *)(uintptr_t)serial;
}

static void test_barrier(void)
{
	pthread_t t[BARRIER_THREADS];
	uintptr_t serials = 0;

	CHECK(pthread_barrier_init(&barrier, NULL, BARRIER_THREADS) == 0);
	for (uintptr_t i = 0; i < BARRIER_THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, barrier_worker, (void *)i) == 0);
	for (int i = 0; i < BARRIER_THREADS; i++) {
		void *ret;

		CHECK(pthread_join(t[i], &ret) == 0);
		serials += (uintptr_t)ret;
	}
	/* exactly one waiter per barrier cycle gets PTHREAD_BARRIER_SERIAL_THREAD */
	CHECK(serials == 2 * ROUNDS, "%lu serial threads", (unsigned long)serials);
	CHECK(pthread_barrier_destroy(&barrier) == 0);
}

static __thread int tls_value = 7;
static __thread char tls_buf[64];
static int *tls_addr[PER_WAVE];

static void *tls_worker(void *arg)
{
	int me = (int)(uintptr_t)arg;

	CHECK(tls_value == 7, "initial TLS value %d", tls_value); /* from the TLS image */
	CHECK(tls_buf[0] == 0);
	tls_value = 1000 + me;
	memset(tls_buf, 'a' + me % 26, sizeof tls_buf);
	tls_addr[me] = &tls_value;
	for (int i = 0; i < 20; i++) {
		sched_yield();
		CHECK(tls_value == 1000 + me, "thread %d sees TLS value %d", me, tls_value);
		CHECK(tls_buf[63] == 'a' + me % 26);
	}
	return NULL;
}

static void test_tls(void)
{
	pthread_t t[PER_WAVE];

	tls_value = 1;
	for (uintptr_t i = 0; i < PER_WAVE; i++)
		CHECK(pthread_create(&t[i], NULL, tls_worker, (void *)i) == 0);
	for (int i = 0; i < PER_WAVE; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(tls_value == 1, "main's TLS value became %d", tls_value);
	for (int i = 0; i < PER_WAVE; i++)
		for (int j = 0; j < i; j++)
			CHECK(tls_addr[i] != tls_addr[j], "threads %d and %d share TLS", i, j);
}

static pthread_mutex_t det_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t det_cond = PTHREAD_COND_INITIALIZER;
static int det_done;

static void *detached(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&det_lock);
	det_done++;
	pthread_cond_signal(&det_cond);
	pthread_mutex_unlock(&det_lock);
	return NULL;
}

static void test_detached(void)
{
	pthread_attr_t attr;
	pthread_t t;

	CHECK(pthread_attr_init(&attr) == 0);
	CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0);
	for (int i = 0; i < DETACHED; i++)
		CHECK(pthread_create(&t, &attr, detached, NULL) == 0);
	CHECK(pthread_create(&t, NULL, detached, NULL) == 0);
	CHECK(pthread_detach(t) == 0);
	pthread_mutex_lock(&det_lock);
	while (det_done < DETACHED + 1)
		pthread_cond_wait(&det_cond, &det_lock);
	pthread_mutex_unlock(&det_lock);
	pthread_attr_destroy(&attr);
}

__attribute__((noinline)) static void inner_exit(void *value)
{
	pthread_exit(value);
}

__attribute__((noinline)) static void nested_exit(uintptr_t value)
{
	inner_exit((void *)value);
}

static void *exiter(void *arg)
{
	(void)arg;
	nested_exit(0x1234);
	return NULL; /* not reached */
}

static void test_pthread_exit(void)
{
	pthread_t t;
	void *ret;

	CHECK(pthread_create(&t, NULL, exiter, NULL) == 0);
	CHECK(pthread_join(t, &ret) == 0);
	CHECK(ret == (void *)0x1234, "pthread_exit value %p", ret);
}

int main(void)
{
	test_create_join();
	printf("threads: %d created and joined\n", WAVES * PER_WAVE);
	test_mutex();
	printf("threads: mutex counter %ld\n", counter);
	test_condvar();
	printf("threads: condition variables\n");
	test_barrier();
	printf("threads: barrier\n");
	test_tls();
	printf("threads: tls\n");
	test_detached();
	printf("threads: detached\n");
	test_pthread_exit();
	printf("threads: pthread_exit\n");
	guest_pass("threads");
	return 0;
}
