/* aslr.c: prints where this run's address space was placed, one "name 0xADDR" line each:
 *   stack      a local variable's address
 *   stack_top  the end of the [stack] mapping (/proc/self/maps)
 *   mmap       an anonymous one-page mmap without a hint
 *   brk        sbrk(0) (the C library has already used some of the heap: TLS)
 *   heap       the start of the [heap] mapping, the initial break (0 when none)
 *   load       the ELF header's address (__ehdr_start): the load address of a PIE, whose
 *              first PT_LOAD is at 0 (a non-PIE's link address, 0x400000, otherwise)
 *   end        &_end, the end of the program's bss
 *   vdso       AT_SYSINFO_EHDR
 * It checks what must hold whatever the layout (vdso is the [vdso] mapping, the break is
 * inside or at the end of the heap, stack_top above the local) and ends with PASS. */
#include <elf.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"

extern char _end[];
extern const Elf64_Ehdr __ehdr_start; /* the linker's: the ELF header, as loaded */

/* The range of the /proc/self/maps line whose name is `name`; 0 when there is none. */
static int maps_range(const char *name, uintptr_t *lo, uintptr_t *hi)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	CHECK(f != NULL, "/proc/self/maps");
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		char *nl = strchr(line, '\n'), *sp = strrchr(line, ' ');
		if (nl)
			*nl = 0;
		if (sp && !strcmp(sp + 1, name) && sscanf(line, "%lx-%lx", &a, &b) == 2) {
			*lo = a;
			*hi = b;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

int main(void)
{
	volatile int local = 0;
	uintptr_t stack_lo, stack_hi, heap_lo = 0, heap_hi = 0, vdso_lo, vdso_hi;
	uintptr_t vdso = getauxval(AT_SYSINFO_EHDR), brk = (uintptr_t)sbrk(0);
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(m != MAP_FAILED);
	CHECK(getauxval(AT_PHDR) == (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff);
	CHECK(maps_range("[stack]", &stack_lo, &stack_hi));
	CHECK(maps_range("[vdso]", &vdso_lo, &vdso_hi));
	maps_range("[heap]", &heap_lo, &heap_hi);
	CHECK((uintptr_t)&local >= stack_lo && (uintptr_t)&local < stack_hi);
	CHECK(vdso == vdso_lo, "AT_SYSINFO_EHDR %#lx, [vdso] at %#lx", (unsigned long)vdso,
	      (unsigned long)vdso_lo);
	CHECK(!heap_lo || (brk >= heap_lo && brk <= heap_hi), "brk %#lx heap %#lx-%#lx",
	      (unsigned long)brk, (unsigned long)heap_lo, (unsigned long)heap_hi);
	printf("stack %#" PRIxPTR "\n", (uintptr_t)&local);
	printf("stack_top %#" PRIxPTR "\n", stack_hi);
	printf("mmap %#" PRIxPTR "\n", (uintptr_t)m);
	printf("brk %#" PRIxPTR "\n", brk);
	printf("heap %#" PRIxPTR "\n", heap_lo);
	printf("load %#" PRIxPTR "\n", (uintptr_t)&__ehdr_start);
	printf("end %#" PRIxPTR "\n", (uintptr_t)_end);
	printf("vdso %#" PRIxPTR "\n", vdso);
	guest_pass("aslr");
	return 0;
}
