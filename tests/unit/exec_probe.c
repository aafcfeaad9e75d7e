/* exec_probe.c: a small Linux program for the exec unit tests, built static and
 * static-PIE by the host gcc (exec.mk). It reports what its loader gave it (argv, envp,
 * auxv) and exercises TLS and malloc, so a wrong initial stack or auxv shows up as wrong
 * output or a crash. Not part of the kernel. */
#include <cpuid.h>
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>

static __thread int tls_counter = 41;
extern const Elf64_Ehdr __ehdr_start; /* defined by the linker */
extern char _start[];
extern char **environ;

/* The auxv entry as the loader wrote it (getauxval reports a rewritten AT_HWCAP). */
static unsigned long aux(unsigned long type)
{
	char **e = environ;

	while (*e)
		e++;
	for (Elf64_auxv_t *v = (Elf64_auxv_t *)(e + 1); v->a_type != AT_NULL; v++)
		if (v->a_type == type)
			return v->a_un.a_val;
	return 0;
}

int main(int argc, char **argv)
{
	const char *probe = getenv("ISLE_PROBE");
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	char *p = malloc(100000);
	unsigned a, b, c, d;
	unsigned long phdr = (unsigned long)&__ehdr_start + __ehdr_start.e_phoff;

	__cpuid(1, a, b, c, d);

	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	printf("ISLE_PROBE=%s\n", probe ? probe : "(none)");
	printf("execfn=%s\n", (const char *)aux(AT_EXECFN));
	printf("platform=%s\n", (const char *)aux(AT_PLATFORM));
	printf("pagesz=%lu\n", aux(AT_PAGESZ));
	printf("random16=%d\n", aux(AT_RANDOM) % 16 == 0);
	printf("minsigstksz=%d\n", aux(AT_MINSIGSTKSZ) >= 1024);
	printf("phdr=%d\n", aux(AT_PHDR) == phdr && aux(AT_PHNUM) == __ehdr_start.e_phnum &&
				    aux(AT_PHENT) == sizeof(Elf64_Phdr));
	printf("entry=%d\n", aux(AT_ENTRY) == (unsigned long)_start);
	printf("hwcap=%d\n", aux(AT_HWCAP) == d);
	printf("tls=%d\n", ++tls_counter);
	printf("malloc=%s\n", p ? "ok" : "failed");
	printf("frame16=%d\n", sp % 16 == 0);
	printf("main=%#lx\n", (unsigned long)(uintptr_t)main);
	free(p);
	return 0;
}
