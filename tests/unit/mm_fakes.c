/* mm_fakes.c: fake RAM, printk and panic capture for the mm unit tests (mm_fakes.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/printk.h"
#include "mm/pmm.h"
#include "mm_fakes.h"

bool printk_verbose;
jmp_buf *fake_panic_jmp;
char fake_panic_msg[512];

/* Weak: test_pmm links no heap. */
void heap_test_reset(void) __attribute__((weak));

static char *ram;
static uint64_t ram_base;
static size_t ram_size;

void *mm_test_phys_to_virt(uint64_t pa);
uint64_t mm_test_virt_to_phys(const void *va);

void *mm_test_phys_to_virt(uint64_t pa)
{
	if (pa < ram_base || pa - ram_base >= ram_size) {
		fprintf(stderr, "phys_to_virt(%#llx): outside fake RAM\n", (unsigned long long)pa);
		abort();
	}
	return ram + (pa - ram_base);
}

uint64_t mm_test_virt_to_phys(const void *va)
{
	const char *p = va;
	if (p < ram || (size_t)(p - ram) >= ram_size) {
		fprintf(stderr, "virt_to_phys(%p): outside fake RAM\n", va);
		abort();
	}
	return ram_base + (uint64_t)(p - ram);
}

void fake_ram_init(uint64_t base, size_t bytes)
{
	fake_ram_alloc(base, bytes);
	pmm_add_range(base, bytes);
}

void fake_ram_alloc(uint64_t base, size_t bytes)
{
	fake_ram_free();
	if (posix_memalign((void **)&ram, 4096, bytes))
		abort();
	memset(ram, 0xa5, bytes); /* garbage, as real RAM */
	ram_base = base;
	ram_size = bytes;
	pmm_test_reset();
	if (heap_test_reset)
		heap_test_reset();
}

void fake_ram_free(void)
{
	free(ram);
	ram = NULL;
	ram_size = 0;
}

void vprintk(const char *fmt, va_list ap)
{
	if (getenv("MM_TEST_VERBOSE"))
		vfprintf(stderr, fmt, ap);
}

void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fake_panic_msg, sizeof(fake_panic_msg), fmt, ap);
	va_end(ap);
	if (fake_panic_jmp) {
		jmp_buf *jb = fake_panic_jmp;
		fake_panic_jmp = NULL;
		longjmp(*jb, 1);
	}
	fprintf(stderr, "unexpected panic at %s:%d: %s\n", file, line, fake_panic_msg);
	abort();
}

/* No interrupts in the host tests (the heap and page allocator disable them). */
unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long state) {}
