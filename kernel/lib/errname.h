/* errname.h: names and messages of the Linux errno values (kernel/lib/errname.c), for
 * the syscall trace and logs. */
#ifndef ISLE_LIB_ERRNAME_H
#define ISLE_LIB_ERRNAME_H

/* The symbolic name of a positive errno value ("ENOENT" for 2), or NULL if it is not one
 * of kernel/core/errno.h. Aliases give the primary name (EWOULDBLOCK -> "EAGAIN",
 * ENOTSUP -> "EOPNOTSUPP", EDEADLOCK -> "EDEADLK"). Zero and negative values give NULL. */
const char *errno_name(int err);

/* The message glibc's strerror() gives for a positive errno value ("No such file or
 * directory" for 2), or NULL where errno_name() gives NULL. The kernel-internal
 * ERESTARTSYS, unknown to glibc, gets strace's text "To be restarted if SA_RESTART is
 * set". The strings are static and constant. */
const char *errno_message(int err);

#endif
