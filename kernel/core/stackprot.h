/* stackprot.h: the kernel's stack protector (-fstack-protector-strong with a global
 * guard, mk/toolchain.mk). Every instrumented function stores __stack_chk_guard below its
 * saved registers on entry and compares it before returning; a mismatch calls
 * __stack_chk_fail, a kernel panic naming the function whose frame was smashed.
 *
 * Until stackprot_init runs, the guard holds a fixed value compiled into the image (it
 * still catches accidental overruns, not an attacker who knows the image): that window is
 * kmain's first steps (cpu_init, pvh_parse, cmdline_parse, cpu_log_features,
 * random_init), before any program input is read. Functions whose frames are live while
 * the guard changes must not be instrumented: kmain and stackprot_init carry
 * __attribute__((no_stack_protector)). */
#ifndef ISLE_CORE_STACKPROT_H
#define ISLE_CORE_STACKPROT_H

#include <stdint.h>

extern uint64_t __stack_chk_guard;

/* Give the guard a random value (random_init must have run). The low byte is zero, so a
 * string copy that runs past a buffer stops at the guard instead of reproducing it. */
void stackprot_init(void);
/* Called by instrumented code on a smashed frame: panics, never returns. */
_Noreturn void __stack_chk_fail(void);

#endif
