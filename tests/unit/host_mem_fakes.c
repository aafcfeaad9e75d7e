/* host_mem_fakes.c: the kernel heap and physical pages over host memory (malloc; a
 * "physical page" is a host page at its own address), and panic as a test failure: for
 * unit tests that run kernel code allocating memory without caring how (test_sys). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

void *kmalloc(size_t size)
{
	return malloc(size);
}

void *kzalloc(size_t size)
{
	return calloc(1, size);
}

void kfree(void *p)
{
	free(p);
}

uint64_t pmm_alloc_page(void)
{
	return (uint64_t)(uintptr_t)aligned_alloc(4096, 4096);
}

void pmm_free_page(uint64_t pa)
{
	free((void *)(uintptr_t)pa);
}

void *mm_test_phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

uint64_t mm_test_virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va;
}

_Noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
	fail_msg("panic at %s:%d: %s", file, line, fmt);
	abort();
}
