/* vvar.h: the page the kernel shares read-only with the program, just below the vDSO
 * (its layout is the contract between kernel/core/time.c, which fills it, and
 * kernel/vdso/vdso.c, which reads it in user mode). Plain C with fixed-width types only:
 * it is compiled both freestanding in the kernel and in the vDSO.
 *
 * Readers follow a sequence count: read seq (retry while odd), read the fields, read seq
 * again and retry if it changed. The kernel makes seq odd, writes, then makes it even;
 * x86 keeps stores in order, so a compiler barrier on each side is enough. */
#ifndef ISLE_VDSO_VVAR_H
#define ISLE_VDSO_VVAR_H

#include <stdint.h>

#define VVAR_SIZE 4096

#define VVAR_TSC_OK 0x1u  /* mult is known: monotonic time can be read from the TSC */
#define VVAR_WALL_OK 0x2u /* wall_offset_ns is known (the RTC was read) */
#define VVAR_CPU_AUX 0x4u /* IA32_TSC_AUX holds the CPU index on every CPU (rdtscp) */
#define VVAR_RDPID 0x8u	  /* and the CPU has RDPID */

struct vdso_vvar {
	volatile uint32_t seq;
	uint32_t flags;		 /* VVAR_* */
	uint64_t boot_tsc;	 /* TSC at monotonic time 0 */
	uint64_t mult;		 /* nanoseconds per TSC tick, 32.32 fixed point */
	uint64_t wall_offset_ns; /* CLOCK_REALTIME = CLOCK_MONOTONIC + this */
};

#endif
