/* elfcheck.h: decide on the host, before booting, whether an ELF file is a program the
 * isle kernel can run (64-bit x86-64 executable, consistent headers, statically linked). */
#ifndef ISLE_CLI_ELFCHECK_H
#define ISLE_CLI_ELFCHECK_H

#include <stddef.h>

/* Checks the size bytes at buf (the whole file). Returns 0 if it is a static ET_EXEC or
 * ET_DYN (static-PIE) x86-64 ELF whose program headers and loadable segments lie within
 * the file, or -ENOEXEC with a one-line reason (no "isle:" prefix, no newline) in why.
 * A dynamically linked program (PT_INTERP) is refused with a reason that names its
 * interpreter and suggests -static. buf may be NULL when size is 0. */
int elfcheck(const void *buf, size_t size, char *why, size_t whylen);

#endif
