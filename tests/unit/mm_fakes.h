/* mm_fakes.h: host stand-ins shared by the mm unit tests: fake RAM behind the pmm, panic
 * capture, a page-table backend over a hash map, and an MMU that turns accesses into
 * vm_handle_fault calls the way the CPU would. */
#ifndef ISLE_TESTS_MM_FAKES_H
#define ISLE_TESTS_MM_FAKES_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hooks in kernel/mm under ISLE_UNIT_TEST. */
void pmm_test_reset(void);
void heap_test_reset(void);

/* Fresh pmm and heap over `bytes` of page-aligned host memory at physical `base`. */
void fake_ram_init(uint64_t base, size_t bytes);
/* The same without giving it to pmm (the test calls pmm_add_range on parts of it). */
void fake_ram_alloc(uint64_t base, size_t bytes);
void fake_ram_free(void);

/* Panic capture: EXPECT_PANIC(stmt) runs stmt and fails unless it panics; the message is
 * then in fake_panic_msg. A panic outside EXPECT_PANIC fails the test. */
extern jmp_buf *fake_panic_jmp;
extern char fake_panic_msg[512];
#define EXPECT_PANIC(stmt)                                                                         \
	do {                                                                                       \
		jmp_buf jb_;                                                                       \
		fake_panic_msg[0] = 0;                                                             \
		if (setjmp(jb_) == 0) {                                                            \
			fake_panic_jmp = &jb_;                                                     \
			stmt;                                                                      \
			fake_panic_jmp = NULL;                                                     \
			fail_msg("no panic from %s", #stmt);                                       \
		}                                                                                  \
		fake_panic_jmp = NULL;                                                             \
	} while (0)

/* Fake paging: every root shares one table (one address space at a time). */
void fake_paging_reset(void);
size_t fake_paging_count(void); /* mapped pages */
/* paging_map fails with -ENOMEM once this many more maps have succeeded (-1: never). */
extern long fake_paging_fail_after;
extern unsigned long fake_flush_page_calls, fake_flush_all_calls;
extern uint64_t fake_loaded_root;

/* The MMU: a user-mode access at va. Faults go to vm_handle_fault with the x86 error
 * code; returns 0 or its error. */
int mmu_read(uintptr_t va, uint8_t *out);
int mmu_write(uintptr_t va, uint8_t val);
int mmu_fetch(uintptr_t va);
/* The page-table entry at va: true when present. */
bool mmu_pte(uintptr_t va, uint64_t *pa, unsigned *flags);

#endif
