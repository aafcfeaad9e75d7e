/* layout.h: the virtual address map. The whole kernel lives at the top of the lower half
 * of the 48-bit address space (PVM guests may only use the lower half), above every
 * address the program may map. See docs/memory.md.
 *
 *   0x0000_0000_0000 .. 0x0000_0000_ffff   never mapped (NULL guard, 64 KiB)
 *   0x0000_0001_0000 .. USER_TOP            the program
 *   DIRECT_BASE      .. + 512 GiB           direct map of physical memory; the kernel
 *                                           image runs inside it at DIRECT_BASE + its
 *                                           physical address (text RX, rodata R, data RW NX)
 *   MMIO_BASE        .. + 1 GiB             device registers (uncached)
 *   KSTACK_BASE      .. + 1 GiB             kernel stacks with unmapped guard pages
 */
#ifndef ISLE_MM_LAYOUT_H
#define ISLE_MM_LAYOUT_H

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN_UP(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_ALIGN_DOWN(x) ((x)&PAGE_MASK)

#define USER_MIN 0x10000UL	  /* first mappable user address */
#define USER_TOP 0x7f0000000000UL /* first address the program may not map */
#define DIRECT_BASE 0x7f0000000000UL
#define DIRECT_SIZE 0x8000000000UL /* 512 GiB */
#define MMIO_BASE 0x7f8000000000UL
#define MMIO_SIZE 0x40000000UL
#define KSTACK_BASE 0x7f8040000000UL
#define KSTACK_SIZE 0x40000000UL

#ifndef __ASSEMBLER__
#include <stdint.h>
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(DIRECT_BASE + pa);
}
static inline uint64_t virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va - DIRECT_BASE;
}
#endif

#endif
