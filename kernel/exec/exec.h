/* exec.h: loading the program. Validates the ELF (static ET_EXEC and static-PIE ET_DYN
 * without PT_INTERP for now), creates the address space with randomised placement (stack,
 * mmap base, brk, PIE base), maps and copies the segments, and builds the initial stack:
 * argc, argv, envp, auxv (AT_PHDR AT_PHENT AT_PHNUM AT_PAGESZ AT_BASE AT_FLAGS AT_ENTRY
 * AT_UID AT_EUID AT_GID AT_EGID AT_SECURE AT_RANDOM AT_HWCAP AT_HWCAP2 AT_CLKTCK AT_EXECFN
 * AT_PLATFORM AT_MINSIGSTKSZ AT_NULL) with 16 random bytes for AT_RANDOM. */
#ifndef ISLE_EXEC_EXEC_H
#define ISLE_EXEC_EXEC_H

#include <stddef.h>
#include <stdint.h>

struct exec_args {
	const void *elf; /* the ELF file in kernel memory, kept for the program's lifetime */
	size_t elf_size;
	const char *path; /* as the program sees it: AT_EXECFN, /proc/self/exe */
	int argc;
	const char *const *argv;
	int envc;
	const char *const *envp;
	int no_aslr; /* 1: fixed, documented addresses (debugging) */
};

struct exec_result {
	uintptr_t entry;     /* first instruction of the program */
	uintptr_t stack;     /* initial rsp (points at argc) */
	uintptr_t load_bias; /* 0 for ET_EXEC, the PIE base otherwise */
	uintptr_t brk_start;
	uintptr_t mmap_base;
};

/* Load the program into a fresh address space (calls vm_init). 0 or -ENOEXEC (not an ELF
 * for x86-64 / malformed: a message naming the problem is logged), -ENOMEM, -E2BIG
 * (arguments too large). */
int exec_load(const struct exec_args *args, struct exec_result *out);

/* Name the program symbol containing addr ("main+0x1c") from the ELF's .symtab, using the
 * load bias; writes "?" when there is no symbol table or no match. */
void exec_symbolize(uintptr_t addr, char *buf, size_t size);

#endif
