/* test_elf.c: unit tests of kernel/exec/elf.c: ELF images built in memory (one good image
 * per type, then one defect at a time), mutated and truncated images, symbol lookup, and
 * real static and static-PIE probe programs built by the host gcc (see exec.mk). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/errno.h"
#include "core/printk.h"
#include "exec/elf.h"
#include "mm/layout.h"

/* printk stand-in: keeps the last lines so tests can check what was logged. */
bool printk_verbose;
static char log_buf[4096];
static size_t log_len;

void vprintk(const char *fmt, va_list ap)
{
	if (log_len < sizeof(log_buf))
		log_len += vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, fmt, ap);
	if (log_len >= sizeof(log_buf))
		log_len = 0; /* wrap: only recent lines matter */
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

static void log_clear(void)
{
	log_len = 0;
	log_buf[0] = 0;
}

/* The image under test. Program headers at 64, segment bytes from 0x1000, symbol data
 * from 0x2000, section headers at 0x2800. */
#define IMG_SIZE 0x3000
static unsigned char img[IMG_SIZE] __attribute__((aligned(16)));
static size_t img_size;
static struct elf_info info;

static struct elf64_ehdr *eh(void)
{
	return (struct elf64_ehdr *)img;
}
static struct elf64_phdr *ph(int i)
{
	return (struct elf64_phdr *)(img + 64 + i * 56);
}

static void set_ph(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
		   uint64_t filesz, uint64_t memsz, uint64_t align)
{
	*ph(i) = (struct elf64_phdr){type, flags, off, vaddr, vaddr, filesz, memsz, align};
}

/* Text R+X at base (file 0..0x1000, headers inside), data RW at base+0x1000 with bss,
 * PT_GNU_STACK RW. */
static void make_good(int type)
{
	uint64_t base = type == ET_EXEC ? 0x400000 : 0;

	memset(img, 0, sizeof(img));
	memcpy(eh()->e_ident, "\177ELF", 4);
	eh()->e_ident[ELF_EI_CLASS] = ELF_CLASS64;
	eh()->e_ident[ELF_EI_DATA] = ELF_DATA2LSB;
	eh()->e_ident[ELF_EI_VERSION] = ELF_EV_CURRENT;
	eh()->e_type = type;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = ELF_EV_CURRENT;
	eh()->e_entry = base + 0x100;
	eh()->e_phoff = 64;
	eh()->e_ehsize = 64;
	eh()->e_phentsize = 56;
	eh()->e_phnum = 3;
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, base, 0x1000, 0x1000, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1000, base + 0x1000, 0x100, 0x2000, 0x1000);
	set_ph(2, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
	img_size = 0x1100;
	log_clear();
}

static int parse(void)
{
	return elf_parse(img, img_size, &info);
}

/* Refused, with a log line naming this problem. */
static void expect_bad(const char *why)
{
	assert_int_equal(parse(), -ENOEXEC);
	assert_non_null(strstr(log_buf, "exec: "));
	if (!strstr(log_buf, why))
		fail_msg("expected \"%s\" in the log: %s", why, log_buf);
}

static void test_good_exec(void **state)
{
	make_good(ET_EXEC);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.type, ET_EXEC);
	assert_int_equal(info.nload, 2);
	assert_int_equal(info.phnum, 3);
	assert_int_equal(info.lo, 0x400000);
	assert_int_equal(info.hi, 0x403000);
	assert_int_equal(info.entry, 0x400100);
	assert_true(info.has_phdr_addr);
	assert_int_equal(info.phdr_addr, 0x400040);
	assert_false(info.exec_stack);
	assert_int_equal(info.bias_align, PAGE_SIZE);
	assert_int_equal(log_len, 0);
}

static void test_good_dyn(void **state)
{
	make_good(ET_DYN);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.type, ET_DYN);
	assert_int_equal(info.lo, 0);
	assert_int_equal(info.phdr_addr, 0x40);
	/* Placement is checked with the bias: at 0 the program would cover page 0. */
	assert_int_equal(elf_check_placement(&info, 0), -ENOEXEC);
	assert_int_equal(elf_check_placement(&info, 0x555555554000), 0);
	assert_int_equal(elf_check_placement(&info, USER_TOP - 0x3000), 0);
	assert_int_equal(elf_check_placement(&info, USER_TOP - 0x2000), -ENOEXEC);
	assert_int_equal(elf_check_placement(&info, UINT64_MAX - 0x1000), -ENOEXEC);
}

static void test_identification(void **state)
{
	make_good(ET_EXEC);
	img[0] = 0x7e;
	expect_bad("no ELF magic");
	make_good(ET_EXEC);
	img[ELF_EI_CLASS] = 1; /* ELFCLASS32 */
	expect_bad("not a 64-bit");
	make_good(ET_EXEC);
	img[ELF_EI_DATA] = 2; /* ELFDATA2MSB */
	expect_bad("not little endian");
	make_good(ET_EXEC);
	img[ELF_EI_VERSION] = 0;
	expect_bad("unknown ELF version");
	make_good(ET_EXEC);
	eh()->e_version = 2;
	expect_bad("unknown ELF version");
	make_good(ET_EXEC);
	eh()->e_machine = 3; /* EM_386 */
	expect_bad("not for x86-64");
	make_good(ET_EXEC);
	eh()->e_type = ET_REL;
	expect_bad("ELF type 1");
	make_good(ET_EXEC);
	eh()->e_type = 4; /* ET_CORE */
	expect_bad("ELF type 4");
	make_good(ET_EXEC);
	img_size = 63;
	expect_bad("too short");
	assert_int_equal(elf_parse(img, 0, &info), -ENOEXEC);
}

static void test_program_header_table(void **state)
{
	make_good(ET_EXEC);
	eh()->e_phentsize = 32;
	expect_bad("program header size");
	make_good(ET_EXEC);
	eh()->e_phnum = 0;
	expect_bad("0 program headers");
	make_good(ET_EXEC);
	eh()->e_phnum = 0xffff; /* PN_XNUM, and more than 64 KiB of headers */
	expect_bad("65535 program headers");
	make_good(ET_EXEC);
	eh()->e_phoff = img_size; /* beyond the file */
	expect_bad("outside the file");
	make_good(ET_EXEC);
	eh()->e_phoff = img_size - 100; /* starts inside, ends outside */
	expect_bad("outside the file");
	make_good(ET_EXEC);
	eh()->e_phoff = UINT64_MAX - 8; /* phoff + phnum * phentsize overflows */
	expect_bad("outside the file");
	make_good(ET_EXEC);
	eh()->e_phoff = UINT64_MAX - 3 * 56 + 1;
	expect_bad("outside the file");
}

static void test_load_segments(void **state)
{
	make_good(ET_EXEC);
	ph(1)->p_filesz = 0x2001; /* > p_memsz */
	expect_bad("p_filesz 0x2001 > p_memsz");
	make_good(ET_EXEC);
	ph(1)->p_filesz = 0x101; /* offset + filesz beyond the file */
	expect_bad("lie outside the file");
	make_good(ET_EXEC);
	ph(1)->p_offset = UINT64_MAX - 0x10; /* offset + filesz overflows */
	ph(1)->p_vaddr = 0x401000 + ((UINT64_MAX - 0x10) & 0xfff);
	expect_bad("lie outside the file");
	make_good(ET_EXEC);
	ph(1)->p_vaddr = 0x401008; /* not congruent with p_offset 0x1000 */
	expect_bad("differ modulo the page size");
	make_good(ET_EXEC);
	ph(1)->p_align = 0x3000;
	expect_bad("not a power of two");
	make_good(ET_EXEC);
	ph(0)->p_memsz = 0x1001; /* overlaps the data segment by one byte */
	expect_bad("overlaps or precedes");
	make_good(ET_EXEC);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1000, 0x3ff000, 0x100, 0x100, 0x1000); /* descending */
	expect_bad("overlaps or precedes");
	make_good(ET_EXEC);
	ph(1)->p_memsz = UINT64_MAX - 0x400000; /* vaddr + memsz wraps */
	expect_bad("wraps around");
	/* Non-overlapping bytes may share a page: accepted (exec.c merges protections). */
	make_good(ET_EXEC);
	ph(0)->p_filesz = ph(0)->p_memsz = 0x800;
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x800, 0x400800, 0x100, 0x2000, 0x1000);
	assert_int_equal(parse(), 0);
	/* A zero-sized PT_LOAD occupies nothing. */
	make_good(ET_EXEC);
	set_ph(2, PT_LOAD, PF_R, 0, 0x200000, 0, 0, 0x1000);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nload, 2);
}

static void test_no_load(void **state)
{
	make_good(ET_EXEC);
	ph(0)->p_type = PT_NOTE;
	ph(1)->p_type = PT_NOTE;
	expect_bad("no PT_LOAD");
}

static void test_placement(void **state)
{
	make_good(ET_EXEC);
	ph(0)->p_vaddr = ph(1)->p_vaddr = USER_TOP; /* above */
	ph(1)->p_vaddr += 0x1000;
	eh()->e_entry = USER_TOP + 0x100;
	expect_bad("outside the user range");
	make_good(ET_EXEC);
	ph(1)->p_vaddr = USER_TOP - 0x1000; /* straddles USER_TOP (bss) */
	expect_bad("outside the user range");
	make_good(ET_EXEC);
	ph(0)->p_vaddr = 0x8000; /* below USER_MIN */
	eh()->e_entry = 0x8100;
	expect_bad("outside the user range");
	make_good(ET_EXEC);
	ph(0)->p_vaddr = USER_MIN; /* exactly at the bounds is fine */
	eh()->e_entry = USER_MIN;
	ph(1)->p_vaddr = USER_TOP - 0x2000;
	assert_int_equal(parse(), 0);
}

static void test_interp(void **state)
{
	make_good(ET_DYN);
	set_ph(2, PT_INTERP, PF_R, 0x200, 0x200, 28, 28, 1);
	assert_int_equal(parse(), -ENOEXEC);
	assert_non_null(strstr(log_buf, "dynamic programs"));
	assert_non_null(strstr(log_buf, "not supported yet"));
}

static void test_entry(void **state)
{
	make_good(ET_EXEC);
	eh()->e_entry = 0x401000; /* in the data segment: not executable */
	expect_bad("not in an executable PT_LOAD");
	make_good(ET_EXEC);
	eh()->e_entry = 0x500000;
	expect_bad("not in an executable PT_LOAD");
	make_good(ET_EXEC);
	eh()->e_entry = 0x400fff; /* last byte of text */
	assert_int_equal(parse(), 0);
}

static void test_gnu_stack(void **state)
{
	make_good(ET_EXEC);
	ph(2)->p_flags = PF_R | PF_W | PF_X;
	assert_int_equal(parse(), 0);
	assert_true(info.exec_stack);
	make_good(ET_EXEC);
	ph(2)->p_type = PT_NOTE; /* no PT_GNU_STACK: not executable */
	assert_int_equal(parse(), 0);
	assert_false(info.exec_stack);
}

static void test_tls_and_phdr(void **state)
{
	make_good(ET_EXEC);
	set_ph(2, PT_TLS, PF_R, 0x1000, 0x401000, 0x10, 0x40, 16);
	assert_int_equal(parse(), 0);
	ph(2)->p_align = 24;
	expect_bad("PT_TLS: p_align");
	make_good(ET_EXEC);
	set_ph(2, PT_TLS, PF_R, 0x1000, 0x401000, 0x41, 0x40, 16);
	expect_bad("PT_TLS: initialisation image");
	/* PT_PHDR gives AT_PHDR; it must be inside a PT_LOAD. */
	make_good(ET_EXEC);
	set_ph(2, PT_PHDR, PF_R, 64, 0x400040, 3 * 56, 3 * 56, 8);
	assert_int_equal(parse(), 0);
	assert_true(info.has_phdr_addr);
	assert_int_equal(info.phdr_addr, 0x400040);
	ph(2)->p_vaddr = 0x300000;
	expect_bad("PT_PHDR at 0x300000");
	/* Headers outside every PT_LOAD and no PT_PHDR: no AT_PHDR, still loadable. */
	make_good(ET_EXEC);
	ph(0)->p_offset = 0x1000;
	ph(0)->p_filesz = 0x100;
	ph(1)->p_offset = 0x1000;
	assert_int_equal(parse(), 0);
	assert_false(info.has_phdr_addr);
}

static void test_bias_align(void **state)
{
	make_good(ET_DYN);
	ph(1)->p_align = 0x200000;
	assert_int_equal(parse(), 0);
	assert_int_equal(info.bias_align, 0x200000);
	ph(1)->p_align = 1UL << 30; /* honoured only up to ELF_MAX_BIAS_ALIGN */
	assert_int_equal(parse(), 0);
	assert_int_equal(info.bias_align, ELF_MAX_BIAS_ALIGN);
}

/* Symbols: .symtab (section 1), .strtab (section 2) and .text (section 3, allocated and
 * executable, 0x400000-0x402000) after the segments. */
static void add_symbols(void)
{
	static const char strs[] = "\0main\0helper\0data\0nosize\0";
	struct elf64_sym syms[] = {
		{0},
		{1, STT_FUNC, 0, 1, 0x400100, 0x40}, /* main */
		{6, STT_FUNC, 0, 1, 0x400200, 0x10}, /* helper */
		{13, 1 /* OBJECT */, 0, 1, 0x400150, 0x100},
		{18, STT_FUNC, 0, 1, 0x400300, 0}, /* nosize */
		{6, STT_FUNC, 0, SHN_UNDEF, 0x400120, 0x100},
		{0x7000, STT_FUNC, 0, 1, 0x400110, 0x100}, /* name outside .strtab */
	};
	struct elf64_shdr *sh = (struct elf64_shdr *)(img + 0x2800);

	memcpy(img + 0x2000, strs, sizeof(strs));
	memcpy(img + 0x2100, syms, sizeof(syms));
	memset(sh, 0, 4 * sizeof(*sh));
	sh[1].sh_type = SHT_SYMTAB;
	sh[1].sh_offset = 0x2100;
	sh[1].sh_size = sizeof(syms);
	sh[1].sh_link = 2;
	sh[1].sh_entsize = sizeof(struct elf64_sym);
	sh[2].sh_type = SHT_STRTAB;
	sh[2].sh_offset = 0x2000;
	sh[2].sh_size = sizeof(strs);
	sh[3].sh_type = 1; /* SHT_PROGBITS */
	sh[3].sh_flags = SHF_ALLOC | SHF_EXECINSTR;
	sh[3].sh_addr = 0x400000;
	sh[3].sh_size = 0x2000;
	eh()->e_shoff = 0x2800;
	eh()->e_shentsize = sizeof(struct elf64_shdr);
	eh()->e_shnum = 4;
	img_size = 0x2800 + 4 * sizeof(struct elf64_shdr);
}

static void expect_sym(uint64_t addr, const char *name, uint64_t off)
{
	const char *n = NULL;
	uint64_t o = 0;

	assert_int_equal(elf_find_symbol(img, img_size, addr, &n, &o), 0);
	assert_string_equal(n, name);
	assert_int_equal(o, off);
}

static void expect_nosym(uint64_t addr)
{
	const char *n;
	uint64_t o;

	assert_int_equal(elf_find_symbol(img, img_size, addr, &n, &o), -ENOENT);
}

static void test_symbols(void **state)
{
	struct elf64_shdr *sh = (struct elf64_shdr *)(img + 0x2800);

	make_good(ET_EXEC);
	expect_nosym(0x400100); /* stripped: no section headers */
	add_symbols();
	assert_int_equal(parse(), 0);
	expect_sym(0x400100, "main", 0);
	expect_sym(0x40013f, "main", 0x3f);
	expect_nosym(0x400140); /* past main, before helper; the OBJECT does not count */
	expect_nosym(0x4000ff);
	expect_sym(0x400205, "helper", 5);
	expect_sym(0x400300, "nosize", 0);
	expect_sym(0x401000, "nosize", 0xd00); /* unsized: nearest below */
	expect_sym(0x401fff, "nosize", 0x1cff);
	expect_nosym(0x402000);	      /* unsized, but past the code section */
	expect_nosym(0x7eef5b607000); /* a stack address is no function */

	/* Broken tables give no symbols, never a crash. */
	sh[1].sh_link = 7;
	expect_nosym(0x400100);
	sh[1].sh_link = 1; /* links to itself: not a string table */
	expect_nosym(0x400100);
	sh[1].sh_link = 2;
	sh[1].sh_entsize = 16;
	expect_nosym(0x400100);
	sh[1].sh_entsize = 24;
	sh[2].sh_size = 0x10000;
	expect_nosym(0x400100);
	sh[2].sh_size = 5; /* "main" without its NUL */
	expect_nosym(0x400100);
	sh[2].sh_size = 6;
	expect_sym(0x400100, "main", 0);
	eh()->e_shoff = UINT64_MAX - 10;
	expect_nosym(0x400100);
	eh()->e_shoff = 0x2800;
	eh()->e_shentsize = 40;
	expect_nosym(0x400100);
}

/* Every truncation, and many random mutations, are refused or accepted without any
 * out-of-bounds access (ASan) or overflow (UBSan). */
static void test_mutations(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15;
	const char *n;
	uint64_t o;

	make_good(ET_EXEC);
	add_symbols();
	for (size_t len = 0; len < img_size; len++) {
		unsigned char *copy = malloc(len ? len : 1);

		memcpy(copy, img, len);
		int r = elf_parse(copy, len, &info);
		assert_int_equal(r, len >= 0x1100 ? 0 : -ENOEXEC);
		(void)elf_find_symbol(copy, len, 0x400100, &n, &o);
		free(copy);
	}
	for (int iter = 0; iter < 20000; iter++) {
		make_good(iter & 1 ? ET_EXEC : ET_DYN);
		add_symbols();
		for (int k = 0; k < 1 + iter % 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Mostly the headers, sometimes the section data. */
			size_t at = (x >> 32) % (iter % 3 ? 64 + 3 * 56 : img_size);
			img[at] = (unsigned char)x;
		}
		int r = parse();
		assert_true(r == 0 || r == -ENOEXEC);
		(void)elf_find_symbol(img, img_size, x & 0x403fff, &n, &o);
	}
}

static unsigned char *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc(n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*size = n;
	return buf;
}

static uint64_t read_main_addr(const char *path)
{
	char name[600];
	unsigned long long v = 0;
	FILE *f;

	snprintf(name, sizeof(name), "%s.main", path);
	f = fopen(name, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%llx", &v), 1);
	fclose(f);
	assert_true(v != 0);
	return v;
}

/* The directory of this test's executable (where exec.mk builds the programs), with '/'. */
static void test_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	assert_true(n > 0);
	buf[n] = 0;
	slash = strrchr(buf, '/');
	assert_non_null(slash);
	slash[1] = 0;
}

static void check_real(const char *file, int type)
{
	char path[512];
	size_t size;
	unsigned char *buf;
	struct elf64_ehdr h;
	const char *n;
	uint64_t o, main_addr;

	test_dir(path, sizeof(path));
	strncat(path, file, sizeof(path) - strlen(path) - 1);
	buf = read_all(path, &size);
	log_clear();
	assert_int_equal(elf_parse(buf, size, &info), 0);
	assert_int_equal(log_len, 0);
	assert_int_equal(info.type, type);
	assert_true(info.nload >= 2);
	assert_true(info.has_phdr_addr);
	assert_false(info.exec_stack);
	if (type == ET_DYN)
		assert_int_equal(elf_check_placement(&info, 0x555555554000), 0);

	main_addr = read_main_addr(path);
	assert_int_equal(elf_find_symbol(buf, size, main_addr, &n, &o), 0);
	assert_string_equal(n, "main");
	assert_int_equal(o, 0);
	assert_int_equal(elf_find_symbol(buf, size, main_addr + 3, &n, &o), 0);
	assert_string_equal(n, "main");
	assert_int_equal(o, 3);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(elf_find_symbol(buf, size, h.e_entry, &n, &o), 0);
	assert_string_equal(n, "_start");
	free(buf);
}

static void test_real_static(void **state)
{
	check_real("exec-probe-static", ET_EXEC);
}

static void test_real_static_pie(void **state)
{
	check_real("exec-probe-pie", ET_DYN);
}

/* A dynamically linked program (the host's own tools, and this test) is refused clearly. */
static void test_real_dynamic(void **state)
{
	static const char *const paths[] = {"/bin/sh", "/proc/self/exe"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		size_t size;
		unsigned char *buf = read_all(paths[i], &size);

		log_clear();
		assert_int_equal(elf_parse(buf, size, &info), -ENOEXEC);
		assert_non_null(strstr(log_buf, "dynamic programs (PT_INTERP) are not supported"));
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_exec),      cmocka_unit_test(test_good_dyn),
		cmocka_unit_test(test_identification), cmocka_unit_test(test_program_header_table),
		cmocka_unit_test(test_load_segments),  cmocka_unit_test(test_no_load),
		cmocka_unit_test(test_placement),      cmocka_unit_test(test_interp),
		cmocka_unit_test(test_entry),	       cmocka_unit_test(test_gnu_stack),
		cmocka_unit_test(test_tls_and_phdr),   cmocka_unit_test(test_bias_align),
		cmocka_unit_test(test_symbols),	       cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_real_static),    cmocka_unit_test(test_real_static_pie),
		cmocka_unit_test(test_real_dynamic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
