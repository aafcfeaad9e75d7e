/* test_execprot.c: exec protection (kernel/mm/execprot.c): the rule itself, then mmap,
 * mprotect, vm_map_fixed, brk and mremap under it, over tmpfs files on fake RAM and the
 * fake page tables; the program file made read-only (vfs_protect_program); and that with
 * protection off nothing is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/errno.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/tmpfs.h"
#include "mm/execprot.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "mm/vma.h"
#include "mm_fakes.h"
#include "vm_test.h"

#define RX (PROT_READ | PROT_EXEC)
#define RWX (PROT_READ | PROT_WRITE | PROT_EXEC)

/* A tmpfs file of two pages with the given mode, opened with flags. */
static struct file *file_mode(const char *path, uint32_t mode, unsigned flags)
{
	struct file *f;
	char buf[2 * P];
	assert_int_equal(vfs_open(NULL, path, O_RDWR | O_CREAT | O_TRUNC, mode, &f), 0);
	memset(buf, 0xc3, sizeof(buf));
	assert_int_equal(vfs_write(f, buf, sizeof(buf), 0, NULL), (long)sizeof(buf));
	vfs_file_put(f);
	assert_int_equal(vfs_open(NULL, path, flags, 0, &f), 0);
	return f;
}

static int group_setup(void **state)
{
	fake_paging_reset();
	fake_ram_init(BASE, 16 * MIB);
	struct super_block *sb = tmpfs_create(0755);
	assert_non_null(sb);
	vfs_mount_root(sb);
	vfs_namei_init();
	return 0;
}

static int group_teardown(void **state)
{
	vm_set_exec_protection(false);
	return 0;
}

static int setup(void **state)
{
	vm_init(MMAP_BASE);
	vm_set_exec_protection(true);
	return 0;
}

/* The rule alone, every case of its contract. */
static void t_rule(void **state)
{
	unsigned fl = 0;
	assert_int_equal(vm_execprot_check(RWX, 0, &fl), -EACCES);
	assert_int_equal(vm_execprot_check(RX, 0, &fl), -EACCES);	  /* not exec-capable */
	assert_int_equal(vm_execprot_check(PROT_EXEC, RW, &fl), -EACCES); /* data */
	assert_int_equal(vm_execprot_check(RW, 0, &fl), 0);
	assert_int_equal(vm_execprot_check(PROT_READ, RW, &fl), 0);
	assert_int_equal(vm_execprot_check(PROT_NONE, 0, &fl), 0);
	assert_int_equal(fl, 0);

	fl = VMA_EXECOK | VMA_ACCOUNT;
	assert_int_equal(vm_execprot_check(RX, 0, &fl), 0);
	assert_int_equal(vm_execprot_check(PROT_EXEC, RX, &fl), 0);
	assert_int_equal(vm_execprot_check(RWX, RX, &fl), -EACCES);
	assert_int_equal(vm_execprot_check(RW, RX, &fl), -EACCES); /* code never writable */
	assert_int_equal(fl, VMA_EXECOK | VMA_ACCOUNT);
	/* Not executable now: it may become writable and then never executable. */
	assert_int_equal(vm_execprot_check(RW, PROT_READ, &fl), 0);
	assert_int_equal(fl, VMA_ACCOUNT);
	assert_int_equal(vm_execprot_check(RX, RW, &fl), -EACCES);

	vm_set_exec_protection(false);
	fl = 0;
	assert_int_equal(vm_execprot_check(RWX, 0, &fl), 0);
	assert_int_equal(vm_execprot_check(RX, RW, &fl), 0);
	assert_int_equal(fl, 0);
}

/* Anonymous memory of every kind never becomes executable, nor W+X. */
static void t_anon(void **state)
{
	assert_int_equal(map(0, P, RWX, ANON), -EACCES);
	assert_int_equal(map(0, P, RX, ANON), -EACCES);
	assert_int_equal(map(0, P, RX, SHARED), -EACCES);
	assert_int_equal(map(0, P, PROT_EXEC, ANON | MAP_STACK), -EACCES);
	assert_int_equal(vm_current.n, 0);
	long a = map(0, 2 * P, RW, ANON);
	assert_true(a > 0);
	assert_int_equal(vm_mprotect((uintptr_t)a, P, RX), -EACCES);
	assert_int_equal(vm_mprotect((uintptr_t)a, 2 * P, PROT_READ), 0);
	assert_int_equal(vm_mprotect((uintptr_t)a, 2 * P, RX), -EACCES);
	assert_int_equal(vm_current.v[0].prot, PROT_READ);
	/* brk memory: the heap is RW and refuses exec like any anonymous memory. */
	vm_set_brk_start(0x10000000UL);
	assert_int_equal(vm_brk(0x10000000UL + 3 * P), 0x10000000UL + 3 * P);
	assert_int_equal(vm_mprotect(0x10000000UL, P, RX), -EACCES);
}

/* The loader's code (vm_map_fixed with PROT_EXEC) is executable and never writable. */
static void t_program(void **state)
{
	assert_int_equal(vm_map_fixed(A, 2 * P, RX), 0);
	assert_int_equal(vm_map_fixed(A + 2 * P, P, RW), 0);
	assert_int_equal(vm_map_fixed(B, P, RWX), -EACCES);
	assert_int_equal(vm_mprotect(A, P, RWX), -EACCES);
	assert_int_equal(vm_mprotect(A, P, RW), -EACCES);
	assert_int_equal(vm_mprotect(A, P, PROT_READ), 0);
	assert_int_equal(vm_mprotect(A, P, RX), 0); /* never written: may be code again */
	assert_int_equal(vm_mprotect(A + 2 * P, P, RX), -EACCES); /* the data segment */
	/* mremap moves code with its rule: still not writable at the new place. */
	assert_int_equal(vm_mremap(A, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, B), (long)B);
	assert_int_equal(vm_mprotect(B, P, RW), -EACCES);
	assert_int_equal(vm_mprotect(B, P, RX), 0);
}

/* Files: only those with an x bit may be mapped executable, and never writable. */
static void t_files(void **state)
{
	struct file *plain = file_mode("/plain", 0644, O_RDWR);
	struct file *exe = file_mode("/exe", 0755, O_RDWR);
	struct file *one = file_mode("/one", 0100, O_RDONLY); /* any x bit counts */

	assert_int_equal(vm_mmap(0, P, RX, MAP_PRIVATE, plain, 0), -EACCES);
	assert_int_equal(vm_mmap(0, P, RWX, MAP_PRIVATE, exe, 0), -EACCES);
	assert_int_equal(vm_mmap(0, P, RWX, MAP_SHARED, exe, 0), -EACCES);
	long a = vm_mmap(0, P, RX, MAP_PRIVATE, exe, 0);
	assert_true(a > 0);
	assert_int_equal(vm_mprotect((uintptr_t)a, P, RWX), -EACCES);
	assert_int_equal(vm_mprotect((uintptr_t)a, P, RW), -EACCES);
	long b = vm_mmap(0, P, RX, MAP_PRIVATE, one, 0);
	assert_true(b > 0);
	/* An executable file mapped writable is data from then on. */
	long c = vm_mmap(0, P, RW, MAP_SHARED, exe, 0);
	assert_true(c > 0);
	assert_int_equal(vm_mprotect((uintptr_t)c, P, RX), -EACCES);
	/* Read-only, then writable, then never executable. */
	long d = vm_mmap(0, P, PROT_READ, MAP_PRIVATE, exe, P);
	assert_true(d > 0);
	assert_int_equal(vm_mprotect((uintptr_t)d, P, RW), 0);
	assert_int_equal(vm_mprotect((uintptr_t)d, P, RX), -EACCES);
	/* A plain file stays data even read-only. */
	long e = vm_mmap(0, P, PROT_READ, MAP_PRIVATE, plain, 0);
	assert_true(e > 0);
	assert_int_equal(vm_mprotect((uintptr_t)e, P, RX), -EACCES);
	vfs_file_put(plain);
	vfs_file_put(exe);
	vfs_file_put(one);
}

/* The program's file: no write access under any name, no truncation; reading works. */
static void t_program_file(void **state)
{
	struct file *f = file_mode("/prog", 0755, O_RDONLY), *g;
	struct inode *root = vfs_root()->inode;
	assert_int_equal(root->ops->link(root, "alias", 5, f->inode), 0); /* a second name */
	vfs_protect_program(f->inode);
	assert_int_equal(vfs_open(NULL, "/prog", O_WRONLY, 0, &g), -EACCES);
	assert_int_equal(vfs_open(NULL, "/alias", O_RDWR, 0, &g), -EACCES);
	assert_int_equal(vfs_open(NULL, "/prog", O_RDONLY | O_TRUNC, 0, &g), -EACCES);
	assert_int_equal(vfs_truncate(f->inode, 0), -EACCES);
	assert_int_equal(f->inode->size, 2 * P);
	assert_int_equal(vfs_open(NULL, "/alias", O_RDONLY, 0, &g), 0);
	vfs_file_put(g);
	vfs_file_put(f);
}

/* Without exec protection everything above is allowed, as on Linux. */
static void t_off(void **state)
{
	vm_set_exec_protection(false);
	struct file *plain = file_mode("/plain2", 0644, O_RDWR);
	assert_true(map(0, P, RWX, ANON) > 0);
	assert_true(vm_mmap(0, P, RX, MAP_PRIVATE, plain, 0) > 0);
	assert_int_equal(vm_map_fixed(A, P, RWX), 0);
	assert_int_equal(vm_mprotect(A, P, RW), 0);
	assert_int_equal(vm_mprotect(A, P, RX), 0);
	vfs_file_put(plain);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(t_rule), T(t_anon), T(t_program), T(t_files), T(t_program_file), T(t_off),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
