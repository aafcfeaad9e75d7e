/* elf.c: checks an untrusted ELF64 program file for the loader, and finds function
 * symbols in it for crash reports.
 *
 * Design: elf_parse makes one pass over the program headers and checks everything exec.c
 * will rely on, so mapping needs no further checks. Every sum of values taken from the
 * file is overflow-checked; headers are copied out with memcpy (no alignment assumed).
 * PT_LOAD entries must be ascending and their bytes [p_vaddr, p_vaddr + p_memsz) must not
 * overlap; neighbours may still share a page, which exec.c handles. The symbol lookup
 * re-checks the section headers itself and never logs: a stripped or odd file simply has
 * no symbols. */
#include <stdarg.h>

#include "core/errno.h"
#include "core/printk.h"
#include "exec/elf.h"
#include "lib/checked.h"
#include "lib/string.h"
#include "mm/layout.h"

__attribute__((format(printf, 1, 2))) static int bad(const char *fmt, ...)
{
	va_list ap;

	printk("isle: exec: not a loadable x86-64 program: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	return -ENOEXEC;
}

/* [off, off + len) lies inside a file of size bytes. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	uint64_t end;

	return !chk_add_u64(off, len, &end) && end <= size;
}

static bool pow2_or_zero(uint64_t x)
{
	return (x & (x - 1)) == 0;
}

/* Why the identification fields are not those of an x86-64 ELF64 file, or NULL. */
static const char *ident_problem(const struct elf64_ehdr *eh)
{
	if (memcmp(eh->e_ident, "\177ELF", 4) != 0)
		return "no ELF magic";
	if (eh->e_ident[ELF_EI_CLASS] != ELF_CLASS64)
		return "not a 64-bit ELF file";
	if (eh->e_ident[ELF_EI_DATA] != ELF_DATA2LSB)
		return "not little endian";
	if (eh->e_ident[ELF_EI_VERSION] != ELF_EV_CURRENT || eh->e_version != ELF_EV_CURRENT)
		return "unknown ELF version";
	if (eh->e_machine != EM_X86_64)
		return "not for x86-64 (e_machine)";
	return NULL;
}

void elf_phdr(const struct elf_info *info, unsigned i, struct elf64_phdr *out)
{
	memcpy(out, info->file + info->phoff + (uint64_t)i * sizeof(*out), sizeof(*out));
}

/* Is [addr, addr + len) inside the memory of one PT_LOAD (executable if need_x)? Only
 * called after every PT_LOAD was checked, so the sums cannot overflow. */
static const struct elf64_phdr *find_load(const struct elf_info *info, uint64_t addr, uint64_t len,
					  bool need_x, struct elf64_phdr *ph)
{
	for (unsigned i = 0; i < info->phnum; i++) {
		elf_phdr(info, i, ph);
		if (ph->p_type != PT_LOAD || (need_x && !(ph->p_flags & PF_X)))
			continue;
		if (addr >= ph->p_vaddr && addr - ph->p_vaddr <= ph->p_memsz &&
		    len <= ph->p_memsz - (addr - ph->p_vaddr))
			return ph;
	}
	return NULL;
}

static int check_load(struct elf_info *info, unsigned i, const struct elf64_phdr *ph)
{
	uint64_t end;

	if (ph->p_filesz > ph->p_memsz)
		return bad("PT_LOAD %u: p_filesz %#lx > p_memsz %#lx", i, ph->p_filesz,
			   ph->p_memsz);
	if (!in_file(ph->p_offset, ph->p_filesz, info->size))
		return bad("PT_LOAD %u: bytes at %#lx+%#lx lie outside the file", i, ph->p_offset,
			   ph->p_filesz);
	if (!pow2_or_zero(ph->p_align))
		return bad("PT_LOAD %u: p_align %#lx is not a power of two", i, ph->p_align);
	if ((ph->p_vaddr - ph->p_offset) % PAGE_SIZE != 0)
		return bad("PT_LOAD %u: p_vaddr %#lx and p_offset %#lx differ modulo the page size",
			   i, ph->p_vaddr, ph->p_offset);
	if (chk_add_u64(ph->p_vaddr, ph->p_memsz, &end))
		return bad("PT_LOAD %u: address range wraps around", i);
	if (ph->p_memsz == 0)
		return 0; /* occupies nothing */
	if (info->nload > 0 && ph->p_vaddr < info->hi)
		return bad("PT_LOAD %u at %#lx overlaps or precedes the previous one (ending %#lx)",
			   i, ph->p_vaddr, info->hi);
	if (info->nload == 0)
		info->lo = PAGE_ALIGN_DOWN(ph->p_vaddr);
	info->hi = end;
	info->nload++;
	if (ph->p_align > info->bias_align)
		info->bias_align =
			ph->p_align < ELF_MAX_BIAS_ALIGN ? ph->p_align : ELF_MAX_BIAS_ALIGN;
	return 0;
}

static int check_tls(struct elf_info *info, const struct elf64_phdr *ph)
{
	if (ph->p_filesz > ph->p_memsz || !in_file(ph->p_offset, ph->p_filesz, info->size))
		return bad("PT_TLS: initialisation image outside the file or larger than p_memsz");
	if (!pow2_or_zero(ph->p_align))
		return bad("PT_TLS: p_align %#lx is not a power of two", ph->p_align);
	return 0;
}

/* Where the program headers are in memory: PT_PHDR when present, else inside the PT_LOAD
 * whose file bytes contain them (for a static binary, the first one). */
static int find_phdrs(struct elf_info *info, const struct elf64_phdr *pt_phdr)
{
	uint64_t len = (uint64_t)info->phnum * sizeof(struct elf64_phdr);
	struct elf64_phdr ph;

	if (pt_phdr) {
		if (!find_load(info, pt_phdr->p_vaddr, len, false, &ph))
			return bad("PT_PHDR at %#lx is not inside a PT_LOAD", pt_phdr->p_vaddr);
		info->has_phdr_addr = true;
		info->phdr_addr = pt_phdr->p_vaddr;
		return 0;
	}
	for (unsigned i = 0; i < info->phnum; i++) {
		elf_phdr(info, i, &ph);
		if (ph.p_type != PT_LOAD || info->phoff < ph.p_offset ||
		    info->phoff - ph.p_offset > ph.p_filesz ||
		    len > ph.p_filesz - (info->phoff - ph.p_offset))
			continue;
		info->has_phdr_addr = true;
		info->phdr_addr = ph.p_vaddr + (info->phoff - ph.p_offset);
		return 0;
	}
	return 0; /* not mapped: AT_PHDR is left out */
}

int elf_parse(const void *file, size_t size, struct elf_info *out)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph, pt_phdr;
	bool has_pt_phdr = false;
	const char *why;
	uint64_t table;
	int r;

	if (size < sizeof(eh))
		return bad("file too short (%zu bytes) for an ELF header", size);
	memcpy(&eh, file, sizeof(eh));
	why = ident_problem(&eh);
	if (why)
		return bad("%s", why);
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return bad("ELF type %u is neither ET_EXEC nor ET_DYN", eh.e_type);
	if (eh.e_phentsize != sizeof(struct elf64_phdr))
		return bad("program header size %u, expected %zu", eh.e_phentsize,
			   sizeof(struct elf64_phdr));
	table = (uint64_t)eh.e_phnum * eh.e_phentsize; /* 16 x 16 bits: cannot overflow */
	if (eh.e_phnum == 0 || table > ELF_MAX_PHDRS_SIZE)
		return bad("%u program headers", eh.e_phnum);
	if (!in_file(eh.e_phoff, table, size))
		return bad("program headers at %#lx lie outside the file", eh.e_phoff);

	memset(out, 0, sizeof(*out));
	out->file = file;
	out->size = size;
	out->type = eh.e_type;
	out->entry = eh.e_entry;
	out->phoff = eh.e_phoff;
	out->phnum = eh.e_phnum;
	out->bias_align = PAGE_SIZE;

	for (unsigned i = 0; i < out->phnum; i++) {
		elf_phdr(out, i, &ph);
		r = 0;
		switch (ph.p_type) {
		case PT_LOAD:
			r = check_load(out, i, &ph);
			break;
		case PT_INTERP:
			printk("isle: exec: dynamic programs (PT_INTERP) are not supported yet\n");
			return -ENOEXEC;
		case PT_GNU_STACK:
			out->exec_stack = (ph.p_flags & PF_X) != 0;
			break;
		case PT_TLS:
			r = check_tls(out, &ph);
			break;
		case PT_PHDR:
			pt_phdr = ph;
			has_pt_phdr = true;
			break;
		default:
			break; /* PT_NOTE, PT_DYNAMIC (static PIE relocates itself), GNU notes */
		}
		if (r)
			return r;
	}
	if (out->nload == 0)
		return bad("no PT_LOAD segment");
	if (!find_load(out, out->entry, 1, true, &ph))
		return bad("entry point %#lx is not in an executable PT_LOAD", out->entry);
	r = find_phdrs(out, has_pt_phdr ? &pt_phdr : NULL);
	if (r)
		return r;
	if (out->type == ET_EXEC)
		return elf_check_placement(out, 0);
	return 0;
}

int elf_check_placement(const struct elf_info *info, uint64_t bias)
{
	uint64_t lo, hi;

	if (chk_add_u64(info->lo, bias, &lo) || chk_add_u64(info->hi, bias, &hi) || lo < USER_MIN ||
	    hi > USER_TOP)
		return bad("segments %#lx..%#lx (+%#lx) lie outside the user range %#lx..%#lx",
			   info->lo, info->hi, bias, USER_MIN, USER_TOP);
	return 0;
}

/* Section header i of a file whose section table was checked to lie inside it. */
static void read_shdr(const unsigned char *file, const struct elf64_ehdr *eh, unsigned i,
		      struct elf64_shdr *sh)
{
	memcpy(sh, file + eh->e_shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
}

/* Find .symtab and the string table it links to; false when there is no valid pair. */
static bool find_symtab(const unsigned char *file, size_t size, struct elf64_shdr *symtab,
			struct elf64_shdr *strtab)
{
	struct elf64_ehdr eh;
	unsigned i;

	if (size < sizeof(eh))
		return false;
	memcpy(&eh, file, sizeof(eh));
	if (ident_problem(&eh) || eh.e_shentsize != sizeof(struct elf64_shdr) ||
	    !in_file(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(struct elf64_shdr), size))
		return false;
	for (i = 0; i < eh.e_shnum; i++) {
		read_shdr(file, &eh, i, symtab);
		if (symtab->sh_type == SHT_SYMTAB)
			break;
	}
	if (i == eh.e_shnum || symtab->sh_link >= eh.e_shnum ||
	    symtab->sh_entsize != sizeof(struct elf64_sym) ||
	    !in_file(symtab->sh_offset, symtab->sh_size, size))
		return false;
	read_shdr(file, &eh, symtab->sh_link, strtab);
	return strtab->sh_type == SHT_STRTAB && strtab->sh_size > 0 &&
	       in_file(strtab->sh_offset, strtab->sh_size, size);
}

/* true when an allocated, executable section holds addr (headers valid per find_symtab). */
static bool in_code_section(const unsigned char *file, uint64_t addr)
{
	struct elf64_ehdr eh;
	struct elf64_shdr sh;

	memcpy(&eh, file, sizeof(eh));
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		read_shdr(file, &eh, i, &sh);
		if ((sh.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) == (SHF_ALLOC | SHF_EXECINSTR) &&
		    addr >= sh.sh_addr && addr - sh.sh_addr < sh.sh_size)
			return true;
	}
	return false;
}

int elf_find_symbol(const void *file, size_t size, uint64_t addr, const char **name,
		    uint64_t *offset)
{
	const unsigned char *f = file;
	struct elf64_shdr symtab, strtab;
	struct elf64_sym sym, best = {0};
	const char *strs;
	bool found = false;
	uint64_t n;

	if (!find_symtab(f, size, &symtab, &strtab))
		return -ENOENT;
	strs = (const char *)f + strtab.sh_offset;
	n = symtab.sh_size / sizeof(sym);
	for (uint64_t i = 0; i < n; i++) {
		memcpy(&sym, f + symtab.sh_offset + i * sizeof(sym), sizeof(sym));
		if (ELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
		    sym.st_value > addr || (sym.st_size != 0 && addr - sym.st_value >= sym.st_size))
			continue;
		/* The name must be non-empty and NUL-terminated inside the string table. */
		if (sym.st_name == 0 || sym.st_name >= strtab.sh_size ||
		    strnlen(strs + sym.st_name, strtab.sh_size - sym.st_name) ==
			    strtab.sh_size - sym.st_name)
			continue;
		/* Prefer the closest start; on a tie, a sized symbol over an unsized one. */
		if (!found || sym.st_value > best.st_value ||
		    (sym.st_value == best.st_value && best.st_size == 0 && sym.st_size != 0)) {
			best = sym;
			found = true;
		}
	}
	if (!found || (best.st_size == 0 && !in_code_section(f, addr)))
		return -ENOENT;
	*name = strs + best.st_name;
	*offset = addr - best.st_value;
	return 0;
}
