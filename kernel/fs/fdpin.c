/* fdpin.c: files a syscall holds open while it may sleep (fdtable.h fd_get_pinned). */
#include "fs/fdtable.h"
#include "sched/task.h"

struct file *fd_get_pinned(int fd)
{
	struct file *f = fd_get(fd);
	struct task *t = current;

	if (f && task_count() > 1 && t->npinned < TASK_PINNED_FILES)
		t->pinned[t->npinned++] = vfs_file_get(f);
	return f;
}

void fd_unpin_all(void)
{
	struct task *t = current;

	while (t->npinned > 0) {
		struct file *f = t->pinned[--t->npinned];
		t->pinned[t->npinned] = NULL;
		vfs_file_put(f);
	}
}
