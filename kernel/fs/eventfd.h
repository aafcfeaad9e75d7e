/* eventfd.h: event counters (eventfd(2)): an anonymous file holding a 64-bit count that
 * write adds to and read takes (all of it, or 1 with EFD_SEMAPHORE), 8 bytes at a time.
 * A read of 0 blocks, as does a write that would take the count past
 * 0xfffffffffffffffe; both answer -EAGAIN instead with EFD_NONBLOCK.
 *
 * Locking: BKL. */
#ifndef ISLE_FS_EVENTFD_H
#define ISLE_FS_EVENTFD_H

#include <stdint.h>

#include "fs/file.h"

#define EFD_SEMAPHORE 1u
#define EFD_NONBLOCK O_NONBLOCK
#define EFD_CLOEXEC O_CLOEXEC

/* A new eventfd counting from initval, flags EFD_SEMAPHORE | EFD_NONBLOCK (EFD_CLOEXEC
 * is the caller's). Returns 0 and a file with one reference, -EINVAL (unknown flags),
 * -ENOMEM. */
int eventfd_create(uint64_t initval, unsigned flags, struct file **out);

/* Add n to the counter as a write would without blocking (for kernel users such as
 * AIO); returns 0 or -EAGAIN (overflow), -EINVAL (not an eventfd). */
int eventfd_signal(struct file *f, uint64_t n);

#endif
