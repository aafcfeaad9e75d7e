/* test_cli_elfcheck.c: host-side ELF checks on headers crafted in memory, and program
 * loading from real files (missing, directory, not ELF, good). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "abi/exit.h"
#include "../../cli/elfcheck.h"
#include "../../cli/program.h"

#define IMG_SIZE 8192
#define INTERP "/lib64/ld-linux-x86-64.so.2"

/* A minimal static x86-64 ET_EXEC: one PT_LOAD covering the whole file at 0x400000,
 * entry inside it. Room for up to 4 program headers after the ELF header. */
struct img {
	unsigned char b[IMG_SIZE];
	size_t size;
};

static Elf64_Ehdr *ehdr(struct img *im)
{
	return (Elf64_Ehdr *)im->b;
}

static Elf64_Phdr *phdr(struct img *im, int i)
{
	return (Elf64_Phdr *)(im->b + sizeof(Elf64_Ehdr)) + i;
}

static void make_good(struct img *im)
{
	Elf64_Ehdr *eh = ehdr(im);
	Elf64_Phdr *ph = phdr(im, 0);

	memset(im, 0, sizeof(*im));
	im->size = IMG_SIZE;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x401000;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_offset = 0;
	ph->p_vaddr = ph->p_paddr = 0x400000;
	ph->p_filesz = IMG_SIZE;
	ph->p_memsz = IMG_SIZE + 4096;
	ph->p_align = 4096;
}

static void add_interp(struct img *im, const char *path)
{
	Elf64_Phdr *ph = phdr(im, ehdr(im)->e_phnum++);

	ph->p_type = PT_INTERP;
	ph->p_offset = 0x400;
	ph->p_filesz = strlen(path) + 1;
	memcpy(im->b + 0x400, path, strlen(path) + 1);
}

/* Runs elfcheck on im; expects failure with a reason containing want (or success). */
static void expect(struct img *im, const char *want)
{
	char why[512] = "";
	int r = elfcheck(im->b, im->size, why, sizeof(why));

	if (!want) {
		if (r)
			fail_msg("unexpected failure: %s", why);
		return;
	}
	assert_int_equal(r, -ENOEXEC);
	if (!strstr(why, want))
		fail_msg("reason '%s' does not contain '%s'", why, want);
}

static void test_good_exec(void **state)
{
	struct img im;

	make_good(&im);
	expect(&im, NULL);
}

static void test_good_static_pie(void **state)
{
	struct img im;

	make_good(&im);
	ehdr(&im)->e_type = ET_DYN;
	phdr(&im, 0)->p_vaddr = 0;
	ehdr(&im)->e_entry = 0x1000;
	expect(&im, NULL);
}

static void test_interp(void **state)
{
	struct img im;
	char why[512];

	make_good(&im);
	add_interp(&im, INTERP);
	assert_int_equal(elfcheck(im.b, im.size, why, sizeof(why)), -ENOEXEC);
	assert_string_equal(why, "dynamically linked (interpreter " INTERP
				 "); only static programs are supported for now: link with -static "
				 "(Go: build with CGO_ENABLED=0)");
}

static void test_interp_unprintable(void **state)
{
	struct img im;

	make_good(&im);
	add_interp(&im, "/lib/\033[31mld.so");
	expect(&im, "(interpreter /lib/?[31mld.so)");
}

static void test_interp_truncated(void **state)
{
	struct img im;

	make_good(&im);
	add_interp(&im, INTERP);
	phdr(&im, 1)->p_offset = IMG_SIZE - 4;
	expect(&im, "truncated: the interpreter path");
}

static void test_shared_library(void **state)
{
	struct img im;
	Elf64_Phdr *ph;
	Elf64_Dyn dyn[2] = {{.d_tag = DT_NEEDED, .d_un.d_val = 1}, {.d_tag = DT_NULL}};

	make_good(&im);
	ehdr(&im)->e_type = ET_DYN;
	ph = phdr(&im, ehdr(&im)->e_phnum++);
	ph->p_type = PT_DYNAMIC;
	ph->p_offset = 0x800;
	ph->p_filesz = sizeof(dyn);
	memcpy(im.b + 0x800, dyn, sizeof(dyn));
	expect(&im, "shared library");
	dyn[0].d_tag = DT_DEBUG; /* a static-PIE's dynamic section has no DT_NEEDED */
	memcpy(im.b + 0x800, dyn, sizeof(dyn));
	expect(&im, NULL);
}

static void test_not_elf(void **state)
{
	struct img im;
	char why[64];

	make_good(&im);
	im.b[1] = 'X';
	expect(&im, "not an ELF file");
	assert_int_equal(elfcheck(NULL, 0, why, sizeof(why)), -ENOEXEC);
	assert_string_equal(why, "empty file, not an ELF program");
	assert_int_equal(elfcheck("#!/bin/sh\n", 10, why, sizeof(why)), -ENOEXEC);
	assert_string_equal(why, "not an ELF file (nor an isle disk image)");
}

static void test_class_and_data(void **state)
{
	struct img im;

	make_good(&im);
	im.b[EI_CLASS] = ELFCLASS32;
	expect(&im, "32-bit ELF");
	make_good(&im);
	im.b[EI_CLASS] = 7;
	expect(&im, "invalid ELF class 7");
	make_good(&im);
	im.b[EI_DATA] = ELFDATA2MSB;
	expect(&im, "big-endian");
	make_good(&im);
	im.b[EI_VERSION] = 0;
	expect(&im, "unsupported ELF version 0");
}

static void test_wrong_machine(void **state)
{
	struct img im;

	make_good(&im);
	ehdr(&im)->e_machine = EM_AARCH64;
	expect(&im, "ELF for another machine (e_machine 183, aarch64); only x86-64 programs");
	ehdr(&im)->e_machine = EM_386;
	expect(&im, "i386");
	ehdr(&im)->e_machine = 9999;
	expect(&im, "e_machine 9999, unknown");
}

static void test_wrong_type(void **state)
{
	struct img im;

	make_good(&im);
	ehdr(&im)->e_type = ET_REL;
	expect(&im, "relocatable object file (ET_REL)");
	ehdr(&im)->e_type = ET_CORE;
	expect(&im, "core dump (ET_CORE)");
	ehdr(&im)->e_type = 0x1234;
	expect(&im, "unsupported ELF type 4660");
}

static void test_truncated(void **state)
{
	struct img im;

	make_good(&im);
	im.size = 3;
	expect(&im, "not an ELF file");
	im.size = 10;
	expect(&im, "truncated ELF header (10 bytes)");
	im.size = 40;
	expect(&im, "truncated ELF header (40 bytes, expected 64)");
	/* the program headers end beyond the file */
	make_good(&im);
	im.size = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) - 1;
	phdr(&im, 0)->p_filesz = im.size;
	expect(&im, "truncated: the program headers (1 at offset 64) extend beyond the end of "
		    "the file (119 bytes)");
	make_good(&im);
	ehdr(&im)->e_phoff = UINT64_MAX - 8; /* overflow must not wrap */
	expect(&im, "truncated: the program headers");
	/* a segment ends beyond the file */
	make_good(&im);
	im.size = 4096;
	expect(&im, "truncated: segment 0 (PT_LOAD, file offset 0, 8192 bytes) extends beyond "
		    "the end of the file (4096 bytes)");
	make_good(&im);
	phdr(&im, 0)->p_offset = UINT64_MAX;
	expect(&im, "truncated: segment 0");
}

static void test_inconsistent(void **state)
{
	struct img im;

	make_good(&im);
	ehdr(&im)->e_phnum = 0;
	expect(&im, "no program headers");
	make_good(&im);
	ehdr(&im)->e_phnum = PN_XNUM;
	expect(&im, "PN_XNUM");
	make_good(&im);
	ehdr(&im)->e_phentsize = 32;
	expect(&im, "invalid program header size 32 (expected 56)");
	make_good(&im);
	phdr(&im, 0)->p_memsz = 100;
	expect(&im, "p_filesz 8192 is larger than p_memsz 100");
	make_good(&im);
	phdr(&im, 0)->p_align = 3000;
	expect(&im, "is not a power of two");
	make_good(&im);
	phdr(&im, 0)->p_vaddr = 0x400100;
	ehdr(&im)->e_entry = 0x401000;
	expect(&im, "differ modulo p_align");
	make_good(&im);
	ehdr(&im)->e_entry = 0x10;
	expect(&im, "the entry point 0x10 is outside every loadable segment");
	make_good(&im);
	phdr(&im, 0)->p_type = PT_NOTE;
	expect(&im, "no loadable segments (PT_LOAD)");
}

/* --- program_load on real files --- */

static char tmpdir[] = "/tmp/isle-test-elfcheck-XXXXXX";

static int setup_dir(void **state)
{
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *write_file(const char *name, const void *data, size_t n)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	return path;
}

static void test_load_good(void **state)
{
	struct img im;
	struct program p;
	char *path;

	make_good(&im);
	path = write_file("good", im.b, im.size);
	assert_int_equal(program_load(path, &p), 0);
	assert_int_equal(p.size, IMG_SIZE);
	assert_memory_equal(p.data, im.b, IMG_SIZE);
	program_unload(&p);
	assert_null(p.data);
}

static void test_load_errors(void **state)
{
	struct img im;
	struct program p;
	char path[256];

	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	assert_int_equal(program_load(path, &p), ISLE_EXIT_NOT_FOUND);
	assert_int_equal(program_load(tmpdir, &p), ISLE_EXIT_CANNOT_RUN); /* a directory */
	assert_int_equal(program_load("/dev/null", &p), ISLE_EXIT_CANNOT_RUN);
	assert_int_equal(program_load(write_file("empty", "", 0), &p), ISLE_EXIT_CANNOT_RUN);
	assert_int_equal(program_load(write_file("script", "#!/bin/sh\n", 10), &p),
			 ISLE_EXIT_CANNOT_RUN);
	make_good(&im);
	add_interp(&im, INTERP);
	assert_int_equal(program_load(write_file("dyn", im.b, im.size), &p), ISLE_EXIT_CANNOT_RUN);
	make_good(&im);
	assert_int_equal(program_load(write_file("trunc", im.b, 100), &p), ISLE_EXIT_CANNOT_RUN);
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(program_load(path, &p), ISLE_EXIT_CANNOT_RUN); /* must not block */
	if (geteuid() != 0) {
		char *q = write_file("unreadable", im.b, im.size);

		chmod(q, 0);
		assert_int_equal(program_load(q, &p), ISLE_EXIT_CANNOT_RUN);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_exec),	 cmocka_unit_test(test_good_static_pie),
		cmocka_unit_test(test_interp),		 cmocka_unit_test(test_interp_unprintable),
		cmocka_unit_test(test_interp_truncated), cmocka_unit_test(test_shared_library),
		cmocka_unit_test(test_not_elf),		 cmocka_unit_test(test_class_and_data),
		cmocka_unit_test(test_wrong_machine),	 cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_truncated),	 cmocka_unit_test(test_inconsistent),
		cmocka_unit_test(test_load_good),	 cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
