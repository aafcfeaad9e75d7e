/* events_sys_fakes.c: what test_sys's handlers reach of the event files without linking
 * them: no pipes (F_GETPIPE_SZ/F_SETPIPE_SZ find none) and a console that is always
 * ready. */
#include <stdint.h>

#include "core/errno.h"
#include "drivers/console.h"
#include "fs/pipe.h"
#include "fs/poll.h"

long pipe_set_size(struct file *f, uint64_t size)
{
	return -EBADF;
}

unsigned console_poll(struct poll_table *pt)
{
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}
