/* names.h: the Linux x86-64 system-call names by number (names.c). Pure data with no
 * kernel dependencies, so the CLI shares names.c (Makefile CLI_SHARED_SRCS) to check
 * --trace=NAME,... against the same table the kernel prints. */
#ifndef ISLE_SYSCALL_NAMES_H
#define ISLE_SYSCALL_NAMES_H

#include "syscall/nr.h"

/* Numbers 0..SYSCALL_NAMES_END-1 may have a name (some in that range are unused). */
#define SYSCALL_NAMES_END (SYS_MAX + 1)

/* Name of syscall nr ("openat"), or NULL when unknown. */
const char *syscall_name(long nr);

/* The number whose name is exactly name, or -1 when no call has that name. */
long syscall_by_name(const char *name);

#endif
