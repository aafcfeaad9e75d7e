/* test_vm_merge.c: unit tests of when VMAs split and merge (kernel/mm/vma.c and the
 * rules in mmap.c, madvise.c, mremap.c): anon ids, VM_ACCOUNT, madvise flags, the
 * read-only mapping of never-written memory, the map-count limit. Every expected layout here was
 * observed on Linux 6.18 with the same calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "mm/vma.h"
#include "mm_fakes.h"
#include "vm_test.h"

static int setup(void **state)
{
	return vm_test_start(8 * MIB);
}

/* The VMA layout of [lo, lo + 16 pages) as "0-2 2-3" (page offsets, hex), like the
 * /proc/self/maps excerpts the expectations were taken from. */
static const char *layout(uintptr_t lo)
{
	static char buf[256];
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = vma_find(lo); i < vm_current.n && vm_current.v[i].start < lo + 16 * P;
	     i++) {
		const struct vma *v = &vm_current.v[i];
		uintptr_t s = v->start < lo ? lo : v->start;
		uintptr_t e = v->end > lo + 16 * P ? lo + 16 * P : v->end;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%lx-%lx", n ? " " : "",
				      (unsigned long)((s - lo) / P), (unsigned long)((e - lo) / P));
	}
	return buf;
}

static void t_written_memory_keeps_account(void **state)
{
	/* RW -> R drops VM_ACCOUNT only if never written; a fresh R mapping has none. */
	assert_int_equal(map(A, 3 * P, RW, FIXED), (long)A);
	wr(A, 1);
	assert_int_equal(vm_mprotect(A, 3 * P, PROT_READ), 0);
	assert_int_equal(map(A, 2 * P, PROT_READ, FIXED), (long)A);
	assert_string_equal(layout(A), "0-2 2-3");

	assert_int_equal(map(B, 3 * P, RW, FIXED), (long)B);
	assert_int_equal(vm_mprotect(B, 3 * P, PROT_READ), 0);
	assert_int_equal(map(B, 2 * P, PROT_READ, FIXED), (long)B);
	assert_string_equal(layout(B), "0-3");

	/* mprotect that does not change prot changes nothing (not even VM_ACCOUNT). */
	uintptr_t c = B + 0x100000;
	assert_int_equal(map(c, P, PROT_READ, FIXED), (long)c);
	assert_int_equal(map(c + P, P, RW, FIXED), (long)(c + P));
	wr(c + P, 1);
	assert_int_equal(vm_mprotect(c + P, P, PROT_READ), 0);
	assert_string_equal(layout(c), "0-1 1-2");
	assert_int_equal(vm_mprotect(c, 2 * P, PROT_READ), 0);
	assert_string_equal(layout(c), "0-1 1-2");
}

static void t_anon_ids(void **state)
{
	/* Two separately written neighbours merge only through a shared anon id: the second
	 * one's first write adopts the first one's. */
	assert_int_equal(map(A, P, RW, FIXED), (long)A);
	wr(A, 1);
	assert_int_equal(map(A + P, P, RW, FIXED), (long)(A + P));
	wr(A + P, 1);
	assert_string_equal(layout(A), "0-2");
	/* Filling a gap between two differently written VMAs merges with the left one. */
	assert_int_equal(map(B, P, RW, FIXED), (long)B);
	wr(B, 1);
	assert_int_equal(map(B + 2 * P, P, RW, FIXED), (long)(B + 2 * P));
	wr(B + 2 * P, 1);
	assert_int_equal(map(B + P, P, RW, FIXED), (long)(B + P));
	assert_string_equal(layout(B), "0-2 2-3");
	/* A written region moved elsewhere keeps its page offset and does not merge with a
	 * new neighbour there; a never-written one takes a fresh offset and does. */
	uintptr_t c = B + 0x100000, d = B + 0x200000;
	assert_int_equal(map(c, P, RW, FIXED), (long)c);
	wr(c, 1);
	assert_int_equal(map(d + P, P, RW, FIXED), (long)(d + P));
	assert_int_equal(vm_mremap(c, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, d), (long)d);
	assert_string_equal(layout(d), "0-1 1-2");
	assert_int_equal(map(c, P, RW, FIXED), (long)c);
	assert_int_equal(map(d + 0x10000 + P, P, RW, FIXED), (long)(d + 0x10000 + P));
	assert_int_equal(vm_mremap(c, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, d + 0x10000),
			 (long)(d + 0x10000));
	assert_string_equal(layout(d + 0x10000), "0-2");
}

static void t_read_then_write_faults_twice(void **state)
{
	uint64_t pa;
	unsigned fl;
	long a = map(0, 2 * P, RW, MAP_PRIVATE | MAP_ANONYMOUS);
	assert_int_equal(rd(a), 0);
	assert_true(mmu_pte(a, &pa, &fl));
	assert_int_equal(fl, PG_USER); /* like Linux's zero page: not yet writable */
	wr(a, 5);
	assert_true(mmu_pte(a, &pa, &fl));
	assert_int_equal(fl, PG_USER | PG_WRITE);
	assert_int_equal(rd(a), 5);
	/* Once written, new pages of the VMA are mapped writable at once. */
	assert_int_equal(rd(a + P), 0);
	assert_true(mmu_pte(a + P, &pa, &fl));
	assert_int_equal(fl, PG_USER | PG_WRITE);
}

static void t_madvise_flags_split_and_merge(void **state)
{
	assert_int_equal(map(A, 6 * P, RW, FIXED), (long)A);
	assert_int_equal(vm_madvise(A + 2 * P, 2 * P, 1), 0); /* MADV_RANDOM */
	assert_string_equal(layout(A), "0-2 2-4 4-6");
	assert_int_equal(vm_madvise(A + 3 * P, P, 2), 0); /* SEQUENTIAL replaces RANDOM */
	assert_string_equal(layout(A), "0-2 2-3 3-4 4-6");
	assert_int_equal(vm_madvise(A, 6 * P, 0), 0); /* NORMAL: all one again */
	assert_string_equal(layout(A), "0-6");
	static const int pairs[][2] = {{10, 11}, {16, 17}, {18, 19}, {12, 13}};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		assert_int_equal(vm_madvise(A + P, P, pairs[i][0]), 0);
		assert_string_equal(layout(A), "0-1 1-2 2-6");
		assert_int_equal(vm_madvise(A + P, P, pairs[i][1]), 0);
		assert_string_equal(layout(A), "0-6");
	}
	/* HUGEPAGE then NOHUGEPAGE leaves a flag of its own, until all of it has it. */
	assert_int_equal(vm_madvise(A + P, P, 14), 0);
	assert_int_equal(vm_madvise(A + P, P, 15), 0);
	assert_string_equal(layout(A), "0-1 1-2 2-6");
	assert_int_equal(vm_madvise(A, 6 * P, 15), 0);
	assert_string_equal(layout(A), "0-6");
	/* KSM ignores shared memory; WIPEONFORK refuses it. */
	long s = map(B, 2 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED);
	assert_int_equal(vm_madvise(s, P, 12), 0);
	assert_string_equal(layout(B), "0-2");
	assert_int_equal(vm_madvise(s, P, 18), -EINVAL);
	/* Locked memory refuses DONTNEED but not DONTNEED_LOCKED. */
	long l = map(B + 0x10000, P, RW, FIXED | MAP_LOCKED);
	assert_int_equal(rd(l), 0); /* populated by MAP_LOCKED: no fault needed */
	assert_int_equal(vm_madvise(l, P, 4), -EINVAL);
	assert_int_equal(vm_madvise(l, P, 8), -EINVAL);
	assert_int_equal(vm_madvise(l, P, 24), 0);
	/* Droppable memory cannot be made to keep on fork or be dumped. */
	long d = map(0, P, RW, MAP_ANONYMOUS | 0x08);
	assert_int_equal(vm_madvise(d, P, 19), -EINVAL);
	assert_int_equal(vm_madvise(d, P, 17), -EINVAL);
}

static void t_map_count_limit(void **state)
{
	/* Single pages with gaps: nothing merges. Linux checks "count > max" before mmap. */
	size_t i;
	for (i = 0; i <= VM_MAX_MAP_COUNT; i++)
		assert_int_equal(map(A + 2 * i * P, P, RW, ANON | MAP_FIXED),
				 (long)(A + 2 * i * P));
	assert_int_equal(vm_current.n, VM_MAX_MAP_COUNT + 1);
	uintptr_t next = A + 2 * i * P;
	assert_int_equal(map(next, P, RW, ANON | MAP_FIXED), -ENOMEM);
	assert_int_equal(map(0, P, RW, ANON), -ENOMEM);
	/* Splits that add a VMA are refused; ones that do not are fine. */
	assert_int_equal(vm_munmap(A, P), 0);
	assert_int_equal(vm_munmap(A + 2 * P, P), 0);
	assert_int_equal(vm_current.n, VM_MAX_MAP_COUNT - 1);
	assert_int_equal(map(next, 3 * P, RW, ANON | MAP_FIXED), (long)next);
	assert_int_equal(map(0, P, RW, ANON | MAP_STACK), (long)(MMAP_BASE - P));
	assert_int_equal(vm_current.n, VM_MAX_MAP_COUNT + 1);
	assert_int_equal(vm_munmap(next + P, P), -ENOMEM);	    /* three-way split */
	assert_int_equal(vm_mprotect(next, P, PROT_READ), -ENOMEM); /* split */
	assert_int_equal(vm_munmap(next, P), 0);		    /* head: no new VMA */
	assert_int_equal(vm_current.n, VM_MAX_MAP_COUNT + 1);
}

static void t_madvise_split_at_limit_is_eagain(void **state)
{
	size_t i;
	for (i = 0; vm_current.n < VM_MAX_MAP_COUNT; i++)
		assert_true(map(A + 2 * i * P, P, RW, FIXED) > 0);
	assert_int_equal(map(B, 3 * P, RW, FIXED), (long)B);
	assert_int_equal(vm_madvise(B + P, P, 1), -EAGAIN);
	assert_int_equal(vm_madvise(B, 3 * P, 1), 0); /* whole VMA: no split */
}

static void t_mremap_dontunmap_old_vma(void **state)
{
	/* Moving all of a written VMA away with DONTUNMAP leaves it never written: a new
	 * written neighbour merges with it. Moving part of it keeps it one VMA. */
	assert_int_equal(map(A, 3 * P, RW, FIXED), (long)A);
	wr(A, 1);
	assert_int_equal(vm_mremap(A, 3 * P, 3 * P, 7, B), (long)B);
	assert_int_equal(rd(B), 1);
	assert_int_equal(map(A + 3 * P, P, RW, FIXED), (long)(A + 3 * P));
	wr(A + 3 * P, 1);
	assert_string_equal(layout(A), "0-4");

	uintptr_t c = A + 0x100000;
	assert_int_equal(map(c, 3 * P, RW, FIXED | MAP_LOCKED), (long)c);
	assert_int_equal(vm_mremap(c + P, P, P, 7, B + 0x100000), (long)(B + 0x100000));
	assert_string_equal(layout(c), "0-3");
	assert_int_equal(map(c + 3 * P, P, RW, FIXED), (long)(c + 3 * P));
	assert_string_equal(layout(c), "0-4"); /* the old VMA is no longer locked */
}

static void t_mremap_fixed_shrink_checks_kept_part(void **state)
{
	/* [A, A+2P) RW, [A+2P, A+3P) R: a FIXED move that shrinks to what lies inside the
	 * first VMA is fine; one whose kept part crosses into the second is -EFAULT. */
	assert_int_equal(map(A, 2 * P, RW, FIXED), (long)A);
	assert_int_equal(map(A + 2 * P, P, PROT_READ, FIXED), (long)(A + 2 * P));
	assert_int_equal(vm_mremap(A, 4 * P, 3 * P, 3, B), -EFAULT);
	assert_int_equal(vm_mremap(A, 3 * P, 3 * P, 3, B), (long)B); /* pieces move */
	assert_string_equal(layout(B), "0-2 2-3");
	assert_int_equal(vm_mremap(B, 3 * P, P, 3, A), (long)A);
	assert_string_equal(layout(A), "0-1");
	assert_string_equal(layout(B), "");
}

static void t_mremap_shared_duplicate(void **state)
{
	long s = map(A, 2 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED);
	assert_int_equal(vm_mremap(s, 0, P, 0, 0), -ENOMEM);		  /* Linux's answer */
	assert_int_equal(vm_mremap(s, 0, P, MREMAP_MAYMOVE, 0), -EINVAL); /* unsupported */
	assert_int_equal(map(B, P, RW, FIXED), (long)B);
	assert_int_equal(vm_mremap(B, 0, P, MREMAP_MAYMOVE, 0), -EINVAL); /* as Linux */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(t_written_memory_keeps_account),
		T(t_anon_ids),
		T(t_read_then_write_faults_twice),
		T(t_madvise_flags_split_and_merge),
		T(t_map_count_limit),
		T(t_madvise_split_at_limit_is_eagain),
		T(t_mremap_dontunmap_old_vma),
		T(t_mremap_fixed_shrink_checks_kept_part),
		T(t_mremap_shared_duplicate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
