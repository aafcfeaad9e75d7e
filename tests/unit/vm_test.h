/* vm_test.h: what the address-space unit tests (test_vm*.c) share: the fake RAM layout,
 * short names for common flags, a fresh address space per test over the fake MMU
 * (mm_fakes.h), and byte access as the program would do it. Include after cmocka.h. */
#ifndef ISLE_TESTS_VM_TEST_H
#define ISLE_TESTS_VM_TEST_H

#include <stdint.h>
#include <string.h>

#include "mm/layout.h"
#include "mm/vm.h"
#include "mm/vma.h"
#include "mm_fakes.h"

#define BASE 0x100000ULL
#define MIB (1024 * 1024UL)
#define P PAGE_SIZE
#define MMAP_BASE 0x700000000000UL
#define A 0x200000000000UL /* free areas for MAP_FIXED tests */
#define B 0x300000000000UL
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define SHARED (MAP_SHARED | MAP_ANONYMOUS)
#define FIXED (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define RW (PROT_READ | PROT_WRITE)

/* An empty address space over ram bytes of fake RAM. */
static inline int vm_test_start(size_t ram)
{
	memset(&vm_current, 0, sizeof(vm_current));
	fake_paging_reset();
	fake_ram_init(BASE, ram);
	vm_init(MMAP_BASE);
	return 0;
}

static inline int teardown(void **state)
{
	(void)state;
	memset(&vm_current, 0, sizeof(vm_current));
	fake_paging_reset();
	fake_ram_free();
	return 0;
}

static inline long map(uintptr_t addr, size_t len, int prot, int flags)
{
	return vm_mmap(addr, len, prot, flags, NULL, 0);
}

static inline uint8_t rd(uintptr_t va)
{
	uint8_t b = 0;
	assert_int_equal(mmu_read(va, &b), 0);
	return b;
}

static inline void wr(uintptr_t va, uint8_t v)
{
	assert_int_equal(mmu_write(va, v), 0);
}

#endif
