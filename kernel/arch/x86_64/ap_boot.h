/* ap_boot.h: the application-processor trampoline (ap_boot.S) and its contract with
 * smp.c. The trampoline is copied to AP_TRAMP_PA, a page of the low 1 MiB that the page
 * allocator never hands out (main.c reserves the whole first MiB); the three pages after
 * it hold temporary page tables: the kernel half of kernel_root plus an identity map of
 * the first 2 MiB, which the AP needs for the instructions right after paging goes on.
 *
 * Hand-over (one AP at a time, serialised by smp.c): the boot CPU fills the data block at
 * AP_DATA, then stores the CPU index in ticket and sends INIT-SIPI-SIPI. The AP claims the
 * ticket with a locked compare-exchange before it touches the stack: a late AP whose
 * ticket the boot CPU already withdrew (timed out) halts instead of sharing a stack. */
#ifndef ISLE_ARCH_AP_BOOT_H
#define ISLE_ARCH_AP_BOOT_H

#define AP_TRAMP_PA 0x8000		     /* SIPI vector 0x08: CS = 0x0800, IP = 0 */
#define AP_TRAMP_PML4 (AP_TRAMP_PA + 0x1000) /* temporary page tables */
#define AP_TRAMP_PDPT (AP_TRAMP_PA + 0x2000)
#define AP_TRAMP_PD (AP_TRAMP_PA + 0x3000)
#define AP_TRAMP_PAGES 4
#define AP_DATA (AP_TRAMP_PA + 0xf00) /* struct ap_boot_data */

/* Offsets in struct ap_boot_data (for the assembly). */
#define AP_DATA_EFER 0	 /* uint32_t: bits ORed into EFER before paging (LME, NXE) */
#define AP_DATA_TICKET 8 /* uint64_t: CPU index to start, 0 once claimed or withdrawn */
#define AP_DATA_ROOT 16	 /* uint64_t: kernel_root */
#define AP_DATA_STACK 24 /* uint64_t: top of the AP's first kernel stack */
#define AP_DATA_ENTRY 32 /* uint64_t: address of ap_entry64 (kernel text) */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct ap_boot_data {
	uint32_t efer;
	uint32_t pad;
	uint64_t ticket;
	uint64_t root;
	uint64_t stack;
	uint64_t entry;
};
_Static_assert(__builtin_offsetof(struct ap_boot_data, ticket) == AP_DATA_TICKET, "ticket");
_Static_assert(__builtin_offsetof(struct ap_boot_data, root) == AP_DATA_ROOT, "root");
_Static_assert(__builtin_offsetof(struct ap_boot_data, stack) == AP_DATA_STACK, "stack");
_Static_assert(__builtin_offsetof(struct ap_boot_data, entry) == AP_DATA_ENTRY, "entry");

/* ap_boot.S: the real-mode code to copy (below AP_DATA - AP_TRAMP_PA bytes), and the
 * 64-bit kernel entry it jumps to with rdi = CPU index, rdx = kernel_root, rsp = stack:
 * it loads kernel_root and calls smp_ap_entry(cpu). */
extern const char ap_tramp_start[], ap_tramp_end[];
void ap_entry64(void);
/* smp.c: the C entry of an AP. */
_Noreturn void smp_ap_entry(int cpu);
#endif

#endif
