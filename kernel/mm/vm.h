/* vm.h: the program's address space: a sorted set of VMAs (ranges with protection and
 * kind) over one page-table root, demand paging, and the Linux semantics of mmap, munmap,
 * mprotect, mremap, madvise and brk. One address space (one process) for now: vm_current.
 * All functions return 0 / an address, or a negative errno exactly as Linux would for the
 * corresponding syscall. */
#ifndef ISLE_MM_VM_H
#define ISLE_MM_VM_H

#include <stddef.h>
#include <stdint.h>

/* Linux PROT_ and MAP_ values (x86-64). */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_32BIT 0x40
#define MAP_GROWSDOWN 0x100
#define MAP_DENYWRITE 0x800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4
#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

struct file;

/* Create the program's address space (a fresh root with the kernel half) and switch to
 * it. mmap_base: top of the area where mmap places mappings without a hint (grows down);
 * both are chosen by the ELF loader (ASLR). Panics if out of memory. */
void vm_init(uintptr_t mmap_base);
/* Load the program's page-table root on this CPU if another one is loaded (the scheduler,
 * switching to a program thread: application processors start on the kernel's root). */
void vm_activate(void);
/* Set the initial program break (page aligned by the loader); brk can grow from there. */
void vm_set_brk_start(uintptr_t brk_start);

/* file: the open file behind mmap's fd (NULL when the fd is not open: -EBADF unless
 * MAP_ANONYMOUS, which ignores it). A file mapping holds a reference to file. */
long vm_mmap(uintptr_t addr, size_t len, int prot, int flags, struct file *file, long offset);
long vm_munmap(uintptr_t addr, size_t len);
long vm_mprotect(uintptr_t addr, size_t len, int prot);
long vm_mremap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr);
long vm_madvise(uintptr_t addr, size_t len, int advice);
/* msync: MS_SYNC writes back the dirty pages and the inode of each shared file mapping
 * in the range (the whole file: there is no ranged fsync). -EINVAL (flags, alignment),
 * -ENOMEM (holes), -EBUSY (MS_INVALIDATE on locked memory), or the write-back error. */
long vm_msync(uintptr_t addr, size_t len, int flags);
/* mincore for the mapping at addr (page aligned, checked by the caller): fills vec with
 * one byte per page (1: mapped, or cached in the page cache for a file mapping) for up to
 * npages pages, stopping at the end of the VMA. Returns the pages filled, or -ENOMEM when
 * no VMA holds addr. */
long vm_mincore(uintptr_t addr, size_t npages, unsigned char *vec);
/* Linux brk: returns the new break, or the current one when the request fails or is 0. */
long vm_brk(uintptr_t new_brk);

/* For the ELF loader: map [addr, addr+len) (page aligned) as private anonymous memory with
 * prot, replacing nothing (-EEXIST on overlap). */
long vm_map_fixed(uintptr_t addr, size_t len, int prot);
/* For the ELF loader: write bytes into the program's memory regardless of its protection
 * (pages are allocated as needed). -EFAULT when the range is not inside a VMA. */
long vm_copy_in(uintptr_t uaddr, const void *src, size_t len);

/* Resolve a page fault at addr. err is the x86 page-fault error code (bit 0 present,
 * bit 1 write, bit 2 user, bit 4 instruction fetch). Returns 0 when the access is now
 * possible, -EFAULT when no VMA allows it (SIGSEGV), -ENOMEM when no page could be
 * allocated, -EIO when a file mapping's page lies wholly past the end of the file or
 * cannot be read (SIGBUS). */
int vm_handle_fault(uintptr_t addr, uint64_t err);
/* Drop va's translation from every CPU's TLB (this one and, through smp_tlb_shootdown,
 * the others): after unmapping or downgrading a page the program may use. */
void vm_flush_tlb_page(uintptr_t va);

/* Describe the VMA holding addr for a crash report ("[heap]", "[stack]", "program", or
 * "anonymous") with its range and rwx; writes "unmapped" when none. */
void vm_describe(uintptr_t addr, char *buf, size_t size);

/* vm_iter.c: a read-only view of the address space, for /proc (maps, stat, status). */
#include <stdbool.h>

/* What a VMA is (the kinds vm_describe names). Kinds added later are passed through;
 * readers show an unknown kind as anonymous memory. */
#define VM_AREA_ANON 0
#define VM_AREA_PROGRAM 1
#define VM_AREA_HEAP 2
#define VM_AREA_STACK 3
#define VM_AREA_FILE 4
#define VM_AREA_VDSO 5
#define VM_AREA_VVAR 6

struct file;

/* One VMA as vm_for_each reports it. */
struct vm_area_info {
	uintptr_t start, end; /* page aligned, start < end */
	int prot;	      /* PROT_READ | PROT_WRITE | PROT_EXEC */
	int kind;	      /* VM_AREA_* */
	bool shared;	      /* MAP_SHARED */
	struct file *file;    /* VM_AREA_FILE: the mapped file (the VMA's reference) */
	uint64_t offset;      /* VM_AREA_FILE: file offset mapped at start; else 0 */
};

/* Call fn for every VMA in address order until it returns non-zero; returns that value,
 * or 0 after the last VMA. fn must not change the address space (no mmap, munmap, page
 * faults on unmapped user memory) while the walk is under way. */
int vm_for_each(int (*fn)(void *arg, const struct vm_area_info *area), void *arg);
/* Pages of the program's memory present in the page tables now (resident set). */
uint64_t vm_resident_pages(void);
/* For the ELF loader: the VMA holding addr is the program's stack (maps shows [stack],
 * crash reports name it) and, as Linux's main stack, grows down: no mapping is placed
 * without MAP_FIXED within STACK_GUARD_GAP (1 MiB) below it. Nothing happens when no VMA
 * holds addr. */
void vm_mark_stack(uintptr_t addr);
/* For a crash report: addr lies in the guard gap below the main stack; *lo, *hi: the
 * stack's range. */
bool vm_stack_guard_gap(uintptr_t addr, uintptr_t *lo, uintptr_t *hi);
/* For exec/vdso.c: the VMA holding addr is the vDSO (VM_AREA_VDSO) or its data page
 * (VM_AREA_VVAR); no-op when no VMA holds addr. */
void vm_mark_kind(uintptr_t addr, int kind);

#endif
