/* elfcheck.c: host-side validation of the program's ELF headers, so that a wrong file
 * gets a precise message instead of a failed boot. Every offset and size read from the
 * file is checked against the file size with overflow-safe arithmetic. */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "elfcheck.h"

#define INTERP_SHOW_MAX 200 /* longest interpreter path quoted in a message */

static int fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -ENOEXEC;
}

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_386:
		return "i386";
	case EM_ARM:
		return "arm";
	case EM_AARCH64:
		return "aarch64";
	case EM_RISCV:
		return "riscv";
	case EM_PPC:
		return "ppc";
	case EM_PPC64:
		return "ppc64";
	case EM_S390:
		return "s390";
	case EM_MIPS:
		return "mips";
	case EM_SPARCV9:
		return "sparc64";
	case EM_LOONGARCH:
		return "loongarch";
	default:
		return "unknown";
	}
}

/* true if [off, off + len) lies within a file of size bytes. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

/* Copies the interpreter path for a message, replacing non-printable bytes. */
static void show_interp(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, j = 0;

	for (i = 0; i < n && s[i] && j + 1 < outlen; i++)
		out[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[j] = '\0';
}

static int check_ident(const unsigned char *id, size_t size, char *why, size_t whylen)
{
	if (size == 0)
		return fail(why, whylen, "empty file, not an ELF program");
	if (size < SELFMAG || memcmp(id, ELFMAG, SELFMAG) != 0)
		return fail(why, whylen, "not an ELF file (nor an isle disk image)");
	if (size < EI_NIDENT)
		return fail(why, whylen, "truncated ELF header (%zu bytes)", size);
	if (id[EI_CLASS] == ELFCLASS32)
		return fail(why, whylen,
			    "32-bit ELF (ELFCLASS32); only 64-bit x86-64 programs are supported");
	if (id[EI_CLASS] != ELFCLASS64)
		return fail(why, whylen, "invalid ELF class %u", id[EI_CLASS]);
	if (id[EI_DATA] == ELFDATA2MSB)
		return fail(why, whylen,
			    "big-endian ELF (ELFDATA2MSB); only x86-64 programs are supported");
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(why, whylen, "invalid ELF data encoding %u", id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return fail(why, whylen, "unsupported ELF version %u", id[EI_VERSION]);
	if (size < sizeof(Elf64_Ehdr))
		return fail(why, whylen, "truncated ELF header (%zu bytes, expected %zu)", size,
			    sizeof(Elf64_Ehdr));
	return 0;
}

static int check_ehdr(const Elf64_Ehdr *eh, size_t size, char *why, size_t whylen)
{
	if (eh->e_machine != EM_X86_64)
		return fail(why, whylen,
			    "ELF for another machine (e_machine %u, %s); only x86-64 programs are "
			    "supported",
			    eh->e_machine, machine_name(eh->e_machine));
	switch (eh->e_type) {
	case ET_EXEC:
	case ET_DYN:
		break;
	case ET_REL:
		return fail(why, whylen,
			    "relocatable object file (ET_REL), not an executable: link it first");
	case ET_CORE:
		return fail(why, whylen, "core dump (ET_CORE), not an executable");
	default:
		return fail(why, whylen, "unsupported ELF type %u (expected ET_EXEC or ET_DYN)",
			    eh->e_type);
	}
	if (eh->e_phnum == 0)
		return fail(why, whylen, "no program headers (e_phnum is 0)");
	if (eh->e_phnum == PN_XNUM)
		return fail(why, whylen, "too many program headers (e_phnum is PN_XNUM)");
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(why, whylen, "invalid program header size %u (expected %zu)",
			    eh->e_phentsize, sizeof(Elf64_Phdr));
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
		return fail(why, whylen,
			    "truncated: the program headers (%u at offset %" PRIu64
			    ") extend beyond the end of the file (%zu bytes)",
			    eh->e_phnum, (uint64_t)eh->e_phoff, size);
	return 0;
}

static int check_load(const Elf64_Phdr *ph, unsigned i, size_t size, char *why, size_t whylen)
{
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return fail(why, whylen,
			    "truncated: segment %u (PT_LOAD, file offset %" PRIu64 ", %" PRIu64
			    " bytes) extends beyond the end of the file (%zu bytes)",
			    i, (uint64_t)ph->p_offset, (uint64_t)ph->p_filesz, size);
	if (ph->p_filesz > ph->p_memsz)
		return fail(why, whylen,
			    "inconsistent program header %u: p_filesz %" PRIu64
			    " is larger than p_memsz %" PRIu64,
			    i, (uint64_t)ph->p_filesz, (uint64_t)ph->p_memsz);
	if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
		return fail(why, whylen,
			    "inconsistent program header %u: segment wraps the address space", i);
	if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)))
		return fail(why, whylen,
			    "inconsistent program header %u: p_align %" PRIu64
			    " is not a power of two",
			    i, (uint64_t)ph->p_align);
	if (ph->p_align > 1 && (ph->p_vaddr - ph->p_offset) % ph->p_align)
		return fail(why, whylen,
			    "inconsistent program header %u: p_vaddr and p_offset differ modulo "
			    "p_align",
			    i);
	return 0;
}

/* true if the PT_DYNAMIC segment ph lists a DT_NEEDED library (ph checked in_file). */
static bool needs_libraries(const unsigned char *bytes, const Elf64_Phdr *ph)
{
	Elf64_Dyn d;

	for (uint64_t off = 0; off + sizeof(d) <= ph->p_filesz; off += sizeof(d)) {
		memcpy(&d, bytes + ph->p_offset + off, sizeof(d));
		if (d.d_tag == DT_NULL)
			break;
		if (d.d_tag == DT_NEEDED)
			return true;
	}
	return false;
}

int elfcheck(const void *buf, size_t size, char *why, size_t whylen)
{
	const unsigned char *bytes = buf;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	bool entry_mapped = false;
	bool needed = false;
	unsigned loads = 0;
	int interp = -1;
	int r;

	r = check_ident(bytes, size, why, whylen);
	if (r)
		return r;
	memcpy(&eh, bytes, sizeof(eh)); /* the buffer need not be aligned */
	r = check_ehdr(&eh, size, why, whylen);
	if (r)
		return r;

	for (unsigned i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, bytes + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP) {
			if (!in_file(ph.p_offset, ph.p_filesz, size) || ph.p_filesz == 0)
				return fail(why, whylen,
					    "truncated: the interpreter path (PT_INTERP) lies "
					    "beyond the end of the file");
			if (interp < 0)
				interp = (int)i;
		} else if (ph.p_type == PT_LOAD) {
			r = check_load(&ph, i, size, why, whylen);
			if (r)
				return r;
			loads++;
			if (eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz)
				entry_mapped = true;
		} else if (ph.p_type == PT_DYNAMIC) {
			if (!in_file(ph.p_offset, ph.p_filesz, size))
				return fail(why, whylen,
					    "truncated: segment %u (PT_DYNAMIC) extends beyond the "
					    "end of the file (%zu bytes)",
					    i, size);
			needed = needed || needs_libraries(bytes, &ph);
		}
	}

	if (interp >= 0) {
		char name[INTERP_SHOW_MAX + 1];

		memcpy(&ph, bytes + eh.e_phoff + (size_t)interp * sizeof(ph), sizeof(ph));
		show_interp((const char *)bytes + ph.p_offset, ph.p_filesz, name, sizeof(name));
		return fail(why, whylen,
			    "dynamically linked (interpreter %s); only static programs are "
			    "supported for now: link with -static (Go: build with CGO_ENABLED=0)",
			    name);
	}
	if (needed)
		return fail(why, whylen,
			    "a shared library (it needs other libraries and has no interpreter), "
			    "not a program");
	if (loads == 0)
		return fail(why, whylen, "no loadable segments (PT_LOAD)");
	if (!entry_mapped)
		return fail(why, whylen,
			    "inconsistent headers: the entry point 0x%" PRIx64
			    " is outside every loadable segment",
			    (uint64_t)eh.e_entry);
	return 0;
}
