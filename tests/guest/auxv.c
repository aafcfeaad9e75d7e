/* auxv.c: the auxiliary vector and the initial stack, as the SysV x86-64 ABI and Linux
 * give them to a static program. Usage: auxv UID GID (the ids the program should see: the
 * caller's natively, 0 in isle). Prints AT_RANDOM's bytes, AT_EXECFN and the stack address
 * so the test can compare runs, then PASS. */
#define _GNU_SOURCE
#include <cpuid.h>
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "guest.h"

extern const ElfW(Ehdr) __ehdr_start; /* the ELF header, mapped: provided by the linker */
extern char _start[];

#define MAX_AUXV 64

struct phdr_seen {
	int calls;
	uintptr_t addr;
	const ElfW(Phdr) * phdr;
	int phnum;
};

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct phdr_seen *seen = arg;

	(void)size;
	if (seen->calls++ == 0) {
		seen->addr = info->dlpi_addr;
		seen->phdr = info->dlpi_phdr;
		seen->phnum = info->dlpi_phnum;
	}
	return 0;
}

/* Load bias: where the program is minus where its headers say it is. */
static uintptr_t load_bias(const ElfW(Ehdr) * eh)
{
	const ElfW(Phdr) *ph = (const void *)((const char *)eh + eh->e_phoff);

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			return (uintptr_t)eh - ph[i].p_vaddr;
	}
	guest_fail(__FILE__, __LINE__, "load_bias", "no PT_LOAD maps the ELF header");
}

static unsigned long parse_id(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	CHECK(*s && *end == '\0', "bad id '%s'", s);
	return v;
}

int main(int argc, char **argv, char **envp)
{
	_Alignas(16) volatile char aligned[16];
	const ElfW(Ehdr) *eh = &__ehdr_start;
	uintptr_t bias = load_bias(eh);
	unsigned int a, b, c, d;

	CHECK(argc == 3, "usage: auxv UID GID");
	unsigned long uid = parse_id(argv[1]), gid = parse_id(argv[2]);

	/* Stack: 16-byte aligned at _start (rsp -> argc, argv at rsp + 8), hence in main. */
	CHECK(((uintptr_t)argv & 15) == 8, "argv at %p", (void *)argv);
	CHECK(((uintptr_t)aligned & 15) == 0, "local at %p", (void *)aligned);
	aligned[0] = 1;

	/* The vector itself follows envp's NULL and ends with AT_NULL; every entry agrees
	 * with getauxval (except AT_HWCAP*, which glibc replaces with its own bits); the
	 * strings lie above it. */
	char **p = envp;
	for (int i = 0; *p; i++, p++)
		CHECK(i < 100000);
	const ElfW(auxv_t) *av = (const void *)(p + 1);
	int n = 0;
	unsigned long hwcap = 0;
	for (; av[n].a_type != AT_NULL; n++) {
		CHECK(n < MAX_AUXV, "no AT_NULL in the first %d entries", MAX_AUXV);
		if (av[n].a_type == AT_HWCAP)
			hwcap = av[n].a_un.a_val;
		else if (av[n].a_type != AT_HWCAP2)
			CHECK(getauxval(av[n].a_type) == av[n].a_un.a_val, "type %lu",
			      (unsigned long)av[n].a_type);
	}
	CHECK((uintptr_t)argv[0] > (uintptr_t)&av[n], "argv[0] %p below the auxv end %p",
	      (void *)argv[0], (const void *)&av[n]);

	CHECK(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ %lu", getauxval(AT_PAGESZ));
	CHECK(sysconf(_SC_PAGESIZE) == 4096);
	CHECK(getauxval(AT_CLKTCK) == 100, "AT_CLKTCK %lu", getauxval(AT_CLKTCK));
	CHECK(sysconf(_SC_CLK_TCK) == 100);
	CHECK(getauxval(AT_SECURE) == 0);
	CHECK(getauxval(AT_UID) == uid && getauxval(AT_EUID) == uid, "uid %lu euid %lu",
	      getauxval(AT_UID), getauxval(AT_EUID));
	CHECK(getauxval(AT_GID) == gid && getauxval(AT_EGID) == gid, "gid %lu egid %lu",
	      getauxval(AT_GID), getauxval(AT_EGID));
	CHECK(getauxval(AT_BASE) == 0, "AT_BASE %#lx with no interpreter", getauxval(AT_BASE));

	/* Program headers: where the mapped ELF header says, as many as it says. */
	CHECK(getauxval(AT_PHDR) == (uintptr_t)eh + eh->e_phoff, "AT_PHDR %#lx, expected %#lx",
	      getauxval(AT_PHDR), (unsigned long)((uintptr_t)eh + eh->e_phoff));
	CHECK(getauxval(AT_PHNUM) == eh->e_phnum, "AT_PHNUM %lu e_phnum %u", getauxval(AT_PHNUM),
	      eh->e_phnum);
	CHECK(getauxval(AT_PHENT) == sizeof(ElfW(Phdr)));
	struct phdr_seen seen = {0};
	dl_iterate_phdr(phdr_cb, &seen);
	CHECK(seen.calls >= 1);
	CHECK((uintptr_t)seen.phdr == getauxval(AT_PHDR) && seen.phnum == eh->e_phnum);
	CHECK(seen.addr == bias, "dlpi_addr %#lx bias %#lx", (unsigned long)seen.addr,
	      (unsigned long)bias);

	/* Entry: _start, which is e_entry moved by the load bias. */
	CHECK(getauxval(AT_ENTRY) == (uintptr_t)_start, "AT_ENTRY %#lx _start %p",
	      getauxval(AT_ENTRY), (void *)_start);
	CHECK(getauxval(AT_ENTRY) == eh->e_entry + bias);

	/* AT_RANDOM: 16 readable bytes, not all zero. */
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	CHECK(rnd != NULL);
	int nonzero = 0;
	for (int i = 0; i < 16; i++)
		nonzero |= rnd[i];
	CHECK(nonzero, "AT_RANDOM is all zero");

	const char *execfn = (const char *)getauxval(AT_EXECFN);
	CHECK(execfn != NULL && execfn[0] != '\0');
	const char *platform = (const char *)getauxval(AT_PLATFORM);
	CHECK(platform != NULL && strcmp(platform, "x86_64") == 0, "AT_PLATFORM %s",
	      platform ? platform : "(null)");

	/* AT_HWCAP is CPUID.1:EDX on x86: fpu, sse and sse2 are architectural on x86-64 and
	 * every bit it reports is one the CPU reports. */
	CHECK(__get_cpuid(1, &a, &b, &c, &d));
	CHECK(hwcap != 0);
	CHECK((hwcap & (1ul << 0 | 1ul << 25 | 1ul << 26)) == (1ul << 0 | 1ul << 25 | 1ul << 26),
	      "AT_HWCAP %#lx", hwcap);
	CHECK((hwcap & ~(unsigned long)d) == 0, "AT_HWCAP %#lx CPUID.1:EDX %#x", hwcap, d);

	printf("AT_RANDOM=");
	for (int i = 0; i < 16; i++)
		printf("%02x", rnd[i]);
	printf("\nAT_EXECFN=%s\nstack=%p\nauxv entries=%d\n", execfn, (void *)argv, n);
	guest_pass("auxv");
	return 0;
}
