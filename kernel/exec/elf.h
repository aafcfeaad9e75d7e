/* elf.h: ELF64 file structures (x86-64, little endian; from the ELF specification and the
 * System V x86-64 ABI) and the loader's checks of an untrusted program file.
 *
 * The file is never trusted: elf_parse checks every header field the loader uses, with
 * overflow-safe arithmetic, before anything is mapped. Headers are copied out with memcpy,
 * so the file needs no particular alignment in memory. */
#ifndef ISLE_EXEC_ELF_H
#define ISLE_EXEC_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_NIDENT 16
#define ELF_EI_CLASS 4
#define ELF_EI_DATA 5
#define ELF_EI_VERSION 6
#define ELF_CLASS64 2
#define ELF_DATA2LSB 1
#define ELF_EV_CURRENT 1

#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62

#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_PHDR 6
#define PT_TLS 7
#define PT_GNU_STACK 0x6474e551

#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

#define SHT_SYMTAB 2
#define SHF_ALLOC 0x2
#define SHF_EXECINSTR 0x4
#define SHT_STRTAB 3
#define SHN_UNDEF 0
#define STT_FUNC 2
#define ELF_ST_TYPE(info) ((info)&0xf)

struct elf64_ehdr {
	unsigned char e_ident[ELF_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

struct elf64_sym {
	uint32_t st_name;
	unsigned char st_info;
	unsigned char st_other;
	uint16_t st_shndx;
	uint64_t st_value;
	uint64_t st_size;
};

/* Upper bound on the program-header table (as Linux: 64 KiB). */
#define ELF_MAX_PHDRS_SIZE 65536
/* Largest PT_LOAD alignment honoured for a PIE's load bias; larger p_align values are
 * accepted but the bias is only aligned to this. */
#define ELF_MAX_BIAS_ALIGN (2UL << 20)

/* What the loader needs from a checked file. Addresses are unbiased (as in the file). */
struct elf_info {
	const unsigned char *file;
	size_t size;
	int type;	     /* ET_EXEC or ET_DYN */
	uint64_t entry;	     /* e_entry, inside an executable PT_LOAD */
	uint64_t phoff;	     /* e_phoff */
	unsigned phnum;	     /* e_phnum, >= 1 */
	unsigned nload;	     /* PT_LOAD entries with p_memsz > 0, >= 1 */
	uint64_t lo;	     /* lowest PT_LOAD p_vaddr, rounded down to a page */
	uint64_t hi;	     /* highest PT_LOAD p_vaddr + p_memsz (not rounded) */
	uint64_t bias_align; /* page size up to ELF_MAX_BIAS_ALIGN: the largest PT_LOAD p_align */
	bool has_phdr_addr;  /* phdr_addr is valid */
	uint64_t phdr_addr;  /* where the program headers are in memory (for AT_PHDR) */
	bool exec_stack;     /* PT_GNU_STACK with PF_X; no PT_GNU_STACK means not executable */
};

/* Check the file: identification, x86-64, ET_EXEC or ET_DYN, program headers inside the
 * file, every PT_LOAD (file range inside the file, p_filesz <= p_memsz, p_align a power of
 * two, p_vaddr and p_offset congruent modulo the page size, ascending and non-overlapping),
 * PT_TLS, PT_PHDR (inside a PT_LOAD), the entry point; an ET_EXEC must also lie inside
 * [USER_MIN, USER_TOP) as elf_check_placement(info, 0). Refuses PT_INTERP (dynamic
 * programs are not supported yet). Returns 0 and fills *out, or -ENOEXEC after logging a
 * line naming the problem. */
int elf_parse(const void *file, size_t size, struct elf_info *out);

/* 0 when every PT_LOAD, moved by bias, lies inside [USER_MIN, USER_TOP); -ENOEXEC (logged)
 * otherwise. */
int elf_check_placement(const struct elf_info *info, uint64_t bias);

/* Copy program header i (i < info->phnum) out of a file accepted by elf_parse. */
void elf_phdr(const struct elf_info *info, unsigned i, struct elf64_phdr *out);

/* Find the function symbol for addr (unbiased) in the file's .symtab: the STT_FUNC symbol
 * with the greatest value <= addr whose size covers addr (or whose size is 0, then only
 * when addr is inside an allocated executable section: a stack or heap address is not
 * "_fini + 0x7eef..."). Sets *name
 * (NUL-terminated, inside the file) and *offset = addr - value. 0 on success; -ENOENT when
 * the file has no (valid) symbol table or no symbol matches. Checks the section headers
 * itself, so any bytes are safe to pass. */
int elf_find_symbol(const void *file, size_t size, uint64_t addr, const char **name,
		    uint64_t *offset);

#endif
