/* selftest_harden.h: kernel self-tests of the hardening (the selftest= option), each of
 * which must end in a precise report when the protection works and prints a FAIL line
 * (exit 1) when it does not:
 *   stackprot  a smashed frame: "kernel panic: stack smashing detected" (exit 125)
 *   kstack     unbounded kernel recursion on the boot stack: "kernel stack overflow"
 *              (exit 125); kstack:task the same on a task's kernel stack
 *   smap       a plain kernel load from a user page: kernel page fault (exit 125)
 *   smep       a kernel call into a user page: kernel page fault on the fetch (exit 125)
 *   umip:INSN  INSN (sgdt, sidt, sldt, smsw, str) run in ring 3: SIGSEGV crash report
 *              naming "general protection" (exit 139); with UMIP off the ud2 after it
 *              gives SIGILL (132).
 * A protection the CPU does not offer prints "not offered" and exits 1. */
#ifndef ISLE_CORE_SELFTEST_HARDEN_H
#define ISLE_CORE_SELFTEST_HARDEN_H

#include <stdbool.h>

struct trap_frame;

/* Before the program is loaded: runs stackprot and kstack (they do not return). Returns
 * true when name is one of the self-tests above (the others run from
 * selftest_harden_user), false when it is not ours. */
bool selftest_harden(const char *name);
/* After exec, with the program's address space current and entry its first user
 * frame: runs smap and smep (they do not return), or points entry at the umip code. */
void selftest_harden_user(const char *name, struct trap_frame *entry);

#endif
