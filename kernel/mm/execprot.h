/* execprot.h: exec protection (config ExecProtection, kernel option execprot): the one
 * rule that decides which protections a mapping may have. See docs/security.md. */
#ifndef ISLE_MM_EXECPROT_H
#define ISLE_MM_EXECPROT_H

#include <stdbool.h>

/* Turn exec protection on or off for the program; the loader sets it before exec_load
 * and it does not change afterwards. Off by default (JITs need writable code). */
void vm_set_exec_protection(bool on);
bool vm_exec_protection(void);

/* vma.flags bit (kernel/mm/vma.h's space): the VMA's pages come from executable code:
 * one of the program's PF_X segments or the vDSO (vm_map_fixed with PROT_EXEC), or a
 * regular file with an x bit in its mode. Only set while exec protection is on. */
#define VMA_EXECOK 0x8000

/* May a VMA whose flags are *flags and whose protection is now cur_prot (0 for a new
 * mapping) get prot? Always 0 with exec protection off. With it on:
 *   - PROT_WRITE together with PROT_EXEC: -EACCES (no mapping is ever W and X);
 *   - PROT_EXEC without VMA_EXECOK (anonymous memory, MAP_SHARED anonymous memory,
 *     /dev/zero, brk, stacks, a file without an x bit, a once-writable VMA): -EACCES;
 *   - PROT_WRITE on a VMA_EXECOK VMA that is executable now (cur_prot has PROT_EXEC):
 *     -EACCES (code is never made writable);
 *   - PROT_WRITE on a VMA_EXECOK VMA that is not executable now: allowed, and
 *     VMA_EXECOK is cleared in *flags, so that the VMA (whose pages may then be written)
 *     can never become executable.
 * 0 otherwise. Nothing but *flags changes; the caller applies prot and *flags. */
int vm_execprot_check(int prot, int cur_prot, unsigned *flags);

#endif
