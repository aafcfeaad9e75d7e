/* task_fake.c: `current` for unit tests that link no scheduler fakes: there is no task
 * (wait_fakes.c never sleeps, so nobody looks at it). */
#include <stddef.h>

#include "sched/task.h"

struct task *task_current(void)
{
	return NULL;
}
