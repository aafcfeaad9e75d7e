/* fdtable.h: the process's file descriptor table: fd -> open file (file.h) plus the
 * close-on-exec flag. New descriptors take the lowest free number; at most FD_MAX
 * (RLIMIT_NOFILE's default soft limit, 1024) are open (-EMFILE). Each slot holds one
 * reference to its file. Single process, single CPU: handlers may use the file returned
 * by fd_get for the rest of the syscall without taking a reference, as long as they do
 * not close fds meanwhile. */
#ifndef ISLE_FS_FDTABLE_H
#define ISLE_FS_FDTABLE_H

#include <stdbool.h>

#include "fs/file.h"

#define FD_MAX 1024

/* The file open on fd, or NULL (-EBADF for the caller) when fd is not open. */
struct file *fd_get(int fd);
/* Install f (takes the caller's reference) at the lowest free fd >= min: the fd, or
 * -EMFILE (min >= FD_MAX: -EINVAL), in which case the reference is dropped. */
int fd_install(struct file *f, int min, bool cloexec);
/* close(2): 0 or -EBADF. */
int fd_close(int fd);
/* dup2/dup3 semantics: newfd is closed first (silently); oldfd == newfd returns newfd
 * without change (the caller handles dup3's -EINVAL). -EBADF for a bad oldfd or newfd
 * outside [0, FD_MAX). */
int fd_dup_to(int oldfd, int newfd, bool cloexec);
/* FD_CLOEXEC: -EBADF when fd is not open. */
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);
/* Close every fd (shutdown, tests). */
void fd_close_all(void);

#endif
