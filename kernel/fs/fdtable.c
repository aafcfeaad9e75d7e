/* fdtable.c: the one process's descriptor table (fdtable.h): a fixed array, because
 * FD_MAX pointers are 8 KiB and a unikernel has exactly one table. */
#include "core/errno.h"
#include "fs/fdtable.h"

static struct file *fds[FD_MAX];
static bool cloexec_of[FD_MAX];

static bool valid(int fd)
{
	return fd >= 0 && fd < FD_MAX;
}

struct file *fd_get(int fd)
{
	return valid(fd) ? fds[fd] : NULL;
}

int fd_install(struct file *f, int min, bool cloexec)
{
	if (min < 0 || min >= FD_MAX) {
		vfs_file_put(f);
		return -EINVAL;
	}
	for (int fd = min; fd < FD_MAX; fd++) {
		if (!fds[fd]) {
			fds[fd] = f;
			cloexec_of[fd] = cloexec;
			return fd;
		}
	}
	vfs_file_put(f);
	return -EMFILE;
}

int fd_close(int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	fds[fd] = NULL;
	cloexec_of[fd] = false;
	vfs_file_put(f);
	return 0;
}

int fd_dup_to(int oldfd, int newfd, bool cloexec)
{
	struct file *f = fd_get(oldfd);

	if (!f || !valid(newfd))
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	vfs_file_get(f);
	if (fds[newfd])
		fd_close(newfd);
	fds[newfd] = f;
	cloexec_of[newfd] = cloexec;
	return newfd;
}

int fd_get_cloexec(int fd)
{
	if (!fd_get(fd))
		return -EBADF;
	return cloexec_of[fd];
}

int fd_set_cloexec(int fd, bool on)
{
	if (!fd_get(fd))
		return -EBADF;
	cloexec_of[fd] = on;
	return 0;
}

void fd_close_all(void)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (fds[fd])
			fd_close(fd);
}
