/* sys_wait.h (private to the event-waiting system calls: sys_poll.c, sys_epoll.c): the
 * temporary signal mask of ppoll, pselect6 and epoll_pwait, and timeouts turned into
 * CLOCK_MONOTONIC deadlines (fs/poll.h's POLL_FOREVER / POLL_NOW). */
#ifndef ISLE_SYSCALL_SYS_WAIT_H
#define ISLE_SYSCALL_SYS_WAIT_H

#include <stdbool.h>
#include <stdint.h>

/* A mask installed for the duration of a call. */
struct sys_tmpmask {
	bool set;
	uint64_t saved;
};

/* Install the program's sigset at umask (none when 0): 0, -EINVAL (size != 8), -EFAULT. */
int sys_tmpmask_begin(struct sys_tmpmask *m, uint64_t umask, uint64_t size);
/* Put the old mask back, or, when the call was interrupted, leave the temporary one in
 * place until the signal is delivered (sig.saved_blocked + sig.restore_saved). */
void sys_tmpmask_end(struct sys_tmpmask *m, bool interrupted);

/* Deadline for a relative timeout in ns. */
uint64_t sys_deadline_after(uint64_t ns);
/* Deadline from the program's struct timespec at uts (0: POLL_FOREVER): 0, -EFAULT,
 * -EINVAL. */
int sys_deadline_timespec(uint64_t uts, uint64_t *deadline);
/* Deadline from a millisecond timeout (negative: forever). */
uint64_t sys_deadline_ms(int ms);

#endif
