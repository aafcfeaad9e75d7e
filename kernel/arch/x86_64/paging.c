/* paging.c: x86-64 4-level page tables (native backend).
 * The kernel half is PML4 entries 254 (direct map, 512 GiB) and 255 (MMIO window, kernel
 * stacks); both exist from paging_init on, so every user root made later shares them by
 * copying two entries. The direct map uses 2 MiB pages, except the 2 MiB chunks holding
 * the kernel image, which use 4 KiB pages so text is RX, rodata R, data RW, and the page
 * below the boot stack is left unmapped as a guard. Everything but text is NX. */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/pmm.h"

#define PTE_P (1UL << 0)
#define PTE_W (1UL << 1)
#define PTE_U (1UL << 2)
#define PTE_PWT (1UL << 3)
#define PTE_PCD (1UL << 4)
#define PTE_PS (1UL << 7)
#define PTE_G (1UL << 8)
#define PTE_SW_FILE (1UL << 9) /* available to software: PG_FILE */
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL
#define PML4_KERNEL_FIRST 254 /* USER_TOP >> 39 */

_Static_assert((DIRECT_BASE >> 39) == PML4_KERNEL_FIRST, "boot.S maps PML4 entry 254");
_Static_assert(USER_TOP == DIRECT_BASE, "user space ends where the kernel begins");
_Static_assert((MMIO_BASE >> 39) == 255 && (KSTACK_BASE >> 39) == 255, "kernel half");

uint64_t kernel_root;

extern char __kernel_start[], __boot_end[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __data_end[];
extern char __kernel_end[], __stack_guard[], __ist_df_guard[], __ist_nmi_guard[];

static uint64_t early_next, early_end, early_start;
static bool pmm_ready;
static uint64_t mmio_next = MMIO_BASE;

void paging_early_pool(uint64_t pa, uint64_t size)
{
	early_start = early_next = PAGE_ALIGN_UP(pa);
	early_end = PAGE_ALIGN_DOWN(pa + size);
}

uint64_t paging_early_end(void)
{
	return early_next;
}

static uint64_t alloc_table(void)
{
	uint64_t pa;
	if (!pmm_ready) {
		if (early_next >= early_end)
			panic("out of memory for boot page tables");
		pa = early_next;
		early_next += PAGE_SIZE;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		return pa;
	}
	return pmm_alloc_zeroed_page();
}

static uint64_t *table(uint64_t entry)
{
	return phys_to_virt(entry & PTE_ADDR);
}

static uint64_t pte_bits(unsigned flags)
{
	uint64_t v = PTE_P;
	if (flags & PG_WRITE)
		v |= PTE_W;
	if (flags & PG_USER)
		v |= PTE_U;
	else
		v |= PTE_G;
	if (!(flags & PG_EXEC) && cpu_features.nx)
		v |= PTE_NX;
	if (flags & PG_NOCACHE)
		v |= PTE_PCD | PTE_PWT;
	if (flags & PG_FILE)
		v |= PTE_SW_FILE;
	return v;
}

static unsigned pte_flags(uint64_t pte)
{
	unsigned f = 0;
	if (pte & PTE_W)
		f |= PG_WRITE;
	if (pte & PTE_U)
		f |= PG_USER;
	if (!(pte & PTE_NX))
		f |= PG_EXEC;
	if (pte & PTE_PCD)
		f |= PG_NOCACHE;
	if (pte & PTE_SW_FILE)
		f |= PG_FILE;
	return f;
}

/* The entry for va at level (3 = PML4 .. 0 = PT), creating tables on the way when create.
 * Returns NULL when a table is missing (and !create) or cannot be allocated. */
static uint64_t *walk(uint64_t root, uintptr_t va, bool create, bool user)
{
	uint64_t *t = phys_to_virt(root);
	for (int level = 3; level > 0; level--) {
		uint64_t *e = &t[(va >> (12 + 9 * level)) & 511];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			uint64_t pa = alloc_table();
			if (!pa)
				return NULL;
			*e = pa | PTE_P | PTE_W | (user ? PTE_U : 0);
		} else if (*e & PTE_PS) {
			return NULL; /* inside a large page: not ours to split */
		}
		t = table(*e);
	}
	return &t[(va >> 12) & 511];
}

int paging_map(uint64_t root, uintptr_t va, uint64_t pa, unsigned flags)
{
	uint64_t *e = walk(root, va, true, flags & PG_USER);
	if (!e)
		return -ENOMEM;
	if (*e & PTE_P)
		return -EEXIST;
	*e = (pa & PTE_ADDR) | pte_bits(flags);
	return 0;
}

uint64_t paging_unmap(uint64_t root, uintptr_t va)
{
	uint64_t *e = walk(root, va, false, false);
	if (!e || !(*e & PTE_P))
		return 0;
	uint64_t pa = *e & PTE_ADDR;
	*e = 0;
	return pa;
}

int paging_protect(uint64_t root, uintptr_t va, unsigned flags)
{
	uint64_t *e = walk(root, va, false, false);
	if (!e || !(*e & PTE_P))
		return -ENOENT;
	*e = (*e & PTE_ADDR) | pte_bits(flags);
	return 0;
}

bool paging_lookup(uint64_t root, uintptr_t va, uint64_t *pa, unsigned *flags)
{
	uint64_t *e = walk(root, va, false, false);
	if (!e || !(*e & PTE_P))
		return false;
	if (pa)
		*pa = *e & PTE_ADDR;
	if (flags)
		*flags = pte_flags(*e);
	return true;
}

uintptr_t paging_next_mapped(uint64_t root, uintptr_t va, uintptr_t end)
{
	while (va < end) {
		uint64_t *t = phys_to_virt(root);
		int level = 3;
		for (; level > 0; level--) {
			uint64_t e = t[(va >> (12 + 9 * level)) & 511];
			if (!(e & PTE_P) || (e & PTE_PS))
				break; /* nothing of ours below this entry */
			t = table(e);
		}
		if (level == 0 && (t[(va >> 12) & 511] & PTE_P))
			return va;
		uintptr_t span = 1UL << (12 + 9 * level);
		uintptr_t next = (va & ~(span - 1)) + span;
		if (next <= va)
			return end; /* wrapped past the top */
		va = next;
	}
	return end;
}

uint64_t paging_new_root(void)
{
	uint64_t root = pmm_alloc_zeroed_page();
	if (!root)
		return 0;
	uint64_t *dst = phys_to_virt(root), *src = phys_to_virt(kernel_root);
	for (int i = PML4_KERNEL_FIRST; i < 512; i++)
		dst[i] = src[i];
	return root;
}

void *paging_map_mmio(uint64_t pa, uint64_t size)
{
	uint64_t first = PAGE_ALIGN_DOWN(pa), last = PAGE_ALIGN_UP(pa + size);
	uintptr_t va = mmio_next;
	if (last - first > MMIO_BASE + MMIO_SIZE - mmio_next)
		panic("MMIO window full mapping %#lx+%#lx", (unsigned long)pa, (unsigned long)size);
	for (uint64_t p = first; p < last; p += PAGE_SIZE) {
		if (paging_map(kernel_root, mmio_next, p, PG_WRITE | PG_NOCACHE) < 0)
			panic("out of memory mapping MMIO");
		mmio_next += PAGE_SIZE;
	}
	return (void *)(va + (pa - first));
}

/* Flags for one 4 KiB page of the kernel image, by the section it lies in. */
static bool image_page_flags(uint64_t va, unsigned *flags)
{
	if (va == (uint64_t)__stack_guard || va == (uint64_t)__ist_df_guard ||
	    va == (uint64_t)__ist_nmi_guard)
		return false; /* guard pages below the boot CPU's stacks stay unmapped */
	if (va >= (uint64_t)__text_start && va < (uint64_t)__text_end)
		*flags = PG_EXEC;
	else if (va >= (uint64_t)__data_start && va < (uint64_t)__data_end)
		*flags = PG_WRITE;
	else
		*flags = 0; /* boot code (done with), rodata, ksyms: read-only */
	return true;
}

void paging_init(uint64_t max_phys)
{
	kernel_root = alloc_table();
	uint64_t img_lo = virt_to_phys(__kernel_start), img_hi = virt_to_phys(__kernel_end);
	uint64_t top = (max_phys + 0x1fffff) & ~0x1fffffUL;
	if (top > DIRECT_SIZE)
		top = DIRECT_SIZE;

	uint64_t *pml4 = phys_to_virt(kernel_root);
	for (uint64_t chunk = 0; chunk < top; chunk += 0x200000) {
		uintptr_t va = DIRECT_BASE + chunk;
		uint64_t *e = &pml4[(va >> 39) & 511];
		if (!(*e & PTE_P))
			*e = alloc_table() | PTE_P | PTE_W;
		uint64_t *pdpt = table(*e);
		e = &pdpt[(va >> 30) & 511];
		if (!(*e & PTE_P))
			*e = alloc_table() | PTE_P | PTE_W;
		uint64_t *pd = table(*e);
		e = &pd[(va >> 21) & 511];
		if (chunk + 0x200000 <= img_lo || chunk >= img_hi) {
			*e = chunk | PTE_P | PTE_W | PTE_PS | PTE_G |
			     (cpu_features.nx ? PTE_NX : 0);
			continue;
		}
		if (!(*e & PTE_P))
			*e = alloc_table() | PTE_P | PTE_W;
		uint64_t *pt = table(*e);
		for (int i = 0; i < 512; i++) {
			uint64_t pa = chunk + (uint64_t)i * PAGE_SIZE;
			unsigned flags = PG_WRITE;
			if (pa >= img_lo && pa < img_hi &&
			    !image_page_flags(DIRECT_BASE + pa, &flags))
				continue;
			pt[i] = pa | pte_bits(flags);
		}
	}
	/* Entry 255 (MMIO, kernel stacks) must exist before any user root copies it. */
	if (!(pml4[255] & PTE_P))
		pml4[255] = alloc_table() | PTE_P | PTE_W;
	arch_load_root(kernel_root);
}

void paging_enable_allocator(void)
{
	pmm_ready = true;
}
