/* sys_clock.h (private to the time system calls: sys_time.c, sys_timer.c, sys_timerfd.c,
 * sys_rusage.c): Linux clock ids, reading clocks, CPU time, and user timespec copies.
 *
 * Clocks: CLOCK_REALTIME, _COARSE and CLOCK_TAI read the wall clock, which runs at the
 * monotonic clock's rate from the RTC's time at boot and is never stepped (there is no
 * clock_settime), so a wall-clock deadline converts to a monotonic one once, exactly.
 * MONOTONIC, _RAW, _COARSE and BOOTTIME read the monotonic clock (the machine never
 * suspends). The CPU-time clocks sum the threads' accounted run time (sched.c) plus the
 * slice the calling thread is running now; other threads' slices in progress on other
 * CPUs are counted when they end. Negative ids are Linux's dynamic CPU clocks
 * (clock_getcpuclockid, pthread_getcpuclockid): ~id >> 3 is the pid or tid, bit 2 says
 * thread, the low two bits PROF (0), VIRT (1) or SCHED (2). */
#ifndef ISLE_SYSCALL_SYS_CLOCK_H
#define ISLE_SYSCALL_SYS_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/ktime.h"

enum {
	CLOCK_REALTIME,
	CLOCK_MONOTONIC,
	CLOCK_PROCESS_CPUTIME_ID,
	CLOCK_THREAD_CPUTIME_ID,
	CLOCK_MONOTONIC_RAW,
	CLOCK_REALTIME_COARSE,
	CLOCK_MONOTONIC_COARSE,
	CLOCK_BOOTTIME,
	CLOCK_REALTIME_ALARM,
	CLOCK_BOOTTIME_ALARM,
	CLOCK_SGI_CYCLE,
	CLOCK_TAI,
};
#define TIMER_ABSTIME 1

struct task;

bool clk_is_wall(int clock);
/* A clock that timers and sleeps can use (REALTIME, MONOTONIC, BOOTTIME, TAI)? */
bool clk_is_timer_clock(int clock);
/* Read clock: 0 and *ns, or -EINVAL (unknown clock, or a CPU clock of no such thread). */
int clk_now(int clock, uint64_t *ns);
/* Monotonic time of the wall-clock instant wall_ns (0 when it is already past). */
uint64_t clk_wall_to_mono(uint64_t wall_ns);
/* CPU time of one thread, and of the process: the sum over live threads (the time of
 * threads that exited is not kept), in total and of which in the kernel. */
uint64_t clk_task_cpu_ns(struct task *t);
uint64_t clk_process_cpu_ns(void);
uint64_t clk_process_sys_ns(void);

/* User memory: a timespec Linux accepts (-EFAULT, -EINVAL), and one written back. */
long clk_get_timespec(uint64_t uaddr, uint64_t *ns);
long clk_put_timespec(uint64_t uaddr, uint64_t ns);

#endif
