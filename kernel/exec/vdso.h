/* vdso.h: the vDSO and its data page in the program's address space. The vDSO image is
 * built from kernel/vdso/vdso.c and embedded in the kernel (kernel/vdso/image.S); the
 * data page (vdso/vvar.h) holds what core/time.c publishes for user-mode clock reads.
 *
 * Layout: [vvar] one read-only page, then [vdso] (read+execute) right above it, in the
 * gap above the highest stack top (exec.c), at a page-granular random offset unless
 * ASLR is off. Both are private anonymous memory filled at exec: the program may unmap
 * or mprotect them like Linux's. Locking: BKL. */
#ifndef ISLE_EXEC_VDSO_H
#define ISLE_EXEC_VDSO_H

#include <stdbool.h>
#include <stdint.h>

/* Boot (or per CPU bring-up): write this CPU's index into IA32_TSC_AUX so RDTSCP/RDPID in
 * the vDSO's getcpu read it (Linux's encoding: node << 12 | cpu, node 0). To be called
 * on every CPU, the boot CPU included, before the program starts; getcpu in the vDSO
 * uses the instruction only when every online CPU did, else it makes the syscall. */
void vdso_cpu_init(int cpu);

/* Pages the vvar and the vDSO take together. */
uint64_t vdso_span(void);
/* The vDSO base (AT_SYSINFO_EHDR) for a window of addresses [lo, hi): the vvar page sits
 * just below the base. Random page in the window with aslr, else lo + one page. */
uintptr_t vdso_choose_base(bool aslr, uintptr_t lo, uintptr_t hi);
/* Map the vvar page and the vDSO at base in the (new) address space: 0 or -ENOMEM. */
int vdso_map(uintptr_t base);

#endif
