/* direct.h (private to kernel/mm): how mm code reaches physical pages. In the kernel this
 * is the direct map (layout.h); unit tests built with ISLE_UNIT_TEST supply the two hooks
 * so that "physical memory" is a host buffer. Nothing else may differ between the builds. */
#ifndef ISLE_MM_DIRECT_H
#define ISLE_MM_DIRECT_H

#include <stdint.h>
#include "mm/layout.h"

#ifdef ISLE_UNIT_TEST
void *mm_test_phys_to_virt(uint64_t pa);
uint64_t mm_test_virt_to_phys(const void *va);
#define MM_VIRT(pa) mm_test_phys_to_virt(pa)
#define MM_PHYS(va) mm_test_virt_to_phys(va)
#else
#define MM_VIRT(pa) phys_to_virt(pa)
#define MM_PHYS(va) virt_to_phys(va)
#endif

#endif
