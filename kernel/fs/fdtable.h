/* fdtable.h: the process's file descriptor table: fd -> open file (file.h) plus the
 * close-on-exec flag. New descriptors take the lowest free number; at most FD_MAX
 * (RLIMIT_NOFILE's default soft limit, 1024) are open (-EMFILE). Each slot holds one
 * reference to its file. fd_get borrows: the file stays valid only while nothing can
 * close fds (no sleep in between, or a single-threaded program). A syscall that may
 * sleep with the file uses fd_get_pinned: in a program with several threads another
 * thread may close the fd meanwhile (Linux keeps the file open until the call returns,
 * and so do we), so the file is then held by a reference that syscall_dispatch drops
 * when the call returns (fd_unpin_all). */
#ifndef ISLE_FS_FDTABLE_H
#define ISLE_FS_FDTABLE_H

#include <stdbool.h>

#include "fs/file.h"

#define FD_MAX 1024

/* The file open on fd, or NULL (-EBADF for the caller) when fd is not open. */
struct file *fd_get(int fd);
/* fd_get for a syscall handler: the same file, which stays open until the syscall
 * returns even if another thread closes fd meanwhile. Up to TASK_PINNED_FILES files per
 * call are pinned (with one thread none need be); past that the file is borrowed as with
 * fd_get (only poll/select reach that, and their waiters are told of a closed file
 * through file.h's gone()). */
struct file *fd_get_pinned(int fd);
/* Drop the current task's pinned files: at the end of every syscall, and in a thread's
 * exit (a call that never returns). May run release handlers: thread context only. */
void fd_unpin_all(void);
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
