/* ksyms.h: the kernel's own symbol table (generated at link time, scripts/gen-ksyms.sh),
 * for symbolised backtraces. */
#ifndef ISLE_CORE_KSYMS_H
#define ISLE_CORE_KSYMS_H

#include <stddef.h>
#include <stdint.h>

/* Write "function+0xoff" for a kernel address, or "?" when none is known. */
void ksyms_lookup(uint64_t addr, char *buf, size_t size);
/* Print a backtrace: the frame at rip (if non-zero), then the frame-pointer chain. */
void kernel_backtrace_from(uint64_t rip, uint64_t rbp);

#endif
