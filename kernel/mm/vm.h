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

/* Create the program's address space (a fresh root with the kernel half) and switch to
 * it. mmap_base: top of the area where mmap places mappings without a hint (grows down);
 * both are chosen by the ELF loader (ASLR). Panics if out of memory. */
void vm_init(uintptr_t mmap_base);
/* Set the initial program break (page aligned by the loader); brk can grow from there. */
void vm_set_brk_start(uintptr_t brk_start);

long vm_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, long offset);
long vm_munmap(uintptr_t addr, size_t len);
long vm_mprotect(uintptr_t addr, size_t len, int prot);
long vm_mremap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr);
long vm_madvise(uintptr_t addr, size_t len, int advice);
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
 * possible, -EFAULT when no VMA allows it, -ENOMEM when no page could be allocated. */
int vm_handle_fault(uintptr_t addr, uint64_t err);

/* Describe the VMA holding addr for a crash report ("[heap]", "[stack]", "program", or
 * "anonymous") with its range and rwx; writes "unmapped" when none. */
void vm_describe(uintptr_t addr, char *buf, size_t size);

#endif
