/* sys_pipe.c: pipe, pipe2, eventfd, eventfd2: new anonymous files (fs/pipe.h,
 * fs/eventfd.h) installed at the lowest free descriptors. pipe2 takes O_CLOEXEC,
 * O_NONBLOCK and O_DIRECT, anything else is EINVAL; when the second descriptor cannot be
 * installed the first is closed again, so a failed call leaves the table unchanged. */
#include "core/errno.h"
#include "fs/eventfd.h"
#include "fs/fdtable.h"
#include "fs/pipe.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"

static long do_pipe(uint64_t ufds, uint64_t flags)
{
	struct file *rd, *wr;
	int fds[2];
	bool cloexec = flags & O_CLOEXEC;
	int r;

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	r = pipe_create((unsigned)flags, &rd, &wr);
	if (r < 0)
		return r;
	fds[0] = fd_install(rd, 0, cloexec);
	if (fds[0] < 0) {
		vfs_file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(wr, 0, cloexec);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user((void *)(uintptr_t)ufds, fds, sizeof(fds)) < 0) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(const struct syscall_args *a)
{
	return do_pipe(a->arg[0], 0);
}

long sys_pipe2(const struct syscall_args *a)
{
	return do_pipe(a->arg[0], (uint32_t)a->arg[1]);
}

static long do_eventfd(uint32_t initval, uint32_t flags)
{
	struct file *f;
	int r;

	r = eventfd_create(initval, flags, &f);
	if (r < 0)
		return r;
	return fd_install(f, 0, (flags & EFD_CLOEXEC) != 0);
}

long sys_eventfd(const struct syscall_args *a)
{
	return do_eventfd((uint32_t)a->arg[0], 0);
}

long sys_eventfd2(const struct syscall_args *a)
{
	return do_eventfd((uint32_t)a->arg[0], (uint32_t)a->arg[1]);
}
