/* test_exec.c: unit tests of kernel/exec/exec.c over host stand-ins: vm_* map real host
 * memory at the requested addresses (MAP_FIXED_NOREPLACE) and record what was asked.
 * The strongest check loads the static and static-PIE probe programs (exec_probe.c) in a
 * child process and jumps to their entry point with the initial stack exec_load built:
 * their output proves that argv, envp, auxv, TLS and the segments are right. */
#include <cpuid.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "core/random.h"
#include "exec/elf.h"
#include "exec/exec.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/vm.h"

/* From <sys/mman.h>, which cannot be included next to mm/vm.h (same macro names, the
 * Linux values). */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long offset);
int mprotect(void *addr, size_t len, int prot);
int munmap(void *addr, size_t len);

/* The documented no_aslr layout (exec.c). */
#define STACK_TOP_MAX 0x7ef000000000UL
#define MMAP_BASE_MAX 0x7eeb00000000UL
#define PIE_BASE_FIXED 0x555555554000UL
#define PIE_BASE_MIN 0x555500000000UL

/* ---- kernel stand-ins ---- */

bool printk_verbose = true;
static char log_buf[8192];
static size_t log_len;
struct cpu_features cpu_features = {.xsave_size = 832};
static uint64_t rng = 1;

void vprintk(const char *fmt, va_list ap)
{
	if (log_len < sizeof(log_buf))
		log_len += vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, fmt, ap);
	if (log_len >= sizeof(log_buf))
		log_len = 0;
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

int fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

void arch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	__cpuid_count(leaf, subleaf, out[0], out[1], out[2], out[3]);
}

uint64_t random_u64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

uint64_t random_below(uint64_t bound)
{
	return random_u64() % bound;
}

void random_bytes(void *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)buf)[i] = (unsigned char)random_u64();
}

void *kmalloc(size_t size)
{
	return malloc(size);
}
void kfree(void *p)
{
	free(p);
}

/* vm_*: each call is recorded; mappings are real host memory, writable until
 * apply_protections gives them the protection the loader asked for. */
enum { OP_MAP, OP_PROTECT };
struct op {
	int kind;
	uintptr_t addr;
	size_t len;
	int prot;
};
static struct op ops[64];
static int nops;
static bool vm_inited;
static uintptr_t vm_mmap_base, vm_brk_start;

void vm_init(uintptr_t mmap_base)
{
	vm_inited = true;
	vm_mmap_base = mmap_base;
}

void vm_set_brk_start(uintptr_t brk_start)
{
	vm_brk_start = brk_start;
}

static bool mapped(uintptr_t addr, size_t len)
{
	for (int i = 0; i < nops; i++)
		if (ops[i].kind == OP_MAP && addr >= ops[i].addr &&
		    addr - ops[i].addr < ops[i].len) {
			size_t here = ops[i].len - (addr - ops[i].addr);
			return len <= here || mapped(addr + here, len - here);
		}
	return len == 0;
}

long vm_map_fixed(uintptr_t addr, size_t len, int prot)
{
	assert_true(vm_inited && addr % PAGE_SIZE == 0 && len % PAGE_SIZE == 0 && len > 0);
	assert_true(nops < 64);
	for (int i = 0; i < nops; i++)
		if (ops[i].kind == OP_MAP && addr < ops[i].addr + ops[i].len &&
		    ops[i].addr < addr + len)
			return -EEXIST;
	void *p = mmap((void *)addr, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
	if (p != (void *)addr)
		fail_msg("host mmap at %#lx failed", addr);
	ops[nops++] = (struct op){OP_MAP, addr, len, prot};
	return 0;
}

void vm_mark_stack(uintptr_t addr)
{
	assert_true(mapped(addr, PAGE_SIZE)); /* the stack, labelled once it is mapped */
}

/* No vDSO in the host child: base 0, which the probe's libc takes as "none". */
uintptr_t vdso_choose_base(bool aslr, uintptr_t lo, uintptr_t hi)
{
	assert_true(lo < hi);
	return 0;
}

int vdso_map(uintptr_t base)
{
	assert_int_equal(base, 0);
	return 0;
}

long vm_mprotect(uintptr_t addr, size_t len, int prot)
{
	assert_true(mapped(addr, len) && nops < 64);
	ops[nops++] = (struct op){OP_PROTECT, addr, len, prot};
	return 0;
}

long vm_copy_in(uintptr_t uaddr, const void *src, size_t len)
{
	if (!mapped(uaddr, len))
		return -EFAULT;
	memcpy((void *)uaddr, src, len);
	return 0;
}

static void apply_protections(void)
{
	for (int i = 0; i < nops; i++)
		assert_int_equal(mprotect((void *)ops[i].addr, ops[i].len, ops[i].prot), 0);
}

/* Undo a load in this process. */
static void vm_reset(void)
{
	for (int i = 0; i < nops; i++)
		if (ops[i].kind == OP_MAP)
			munmap((void *)ops[i].addr, ops[i].len);
	nops = 0;
	vm_inited = false;
	log_len = 0;
	log_buf[0] = 0;
}

/* ---- helpers ---- */

static unsigned char *read_file(const char *path, size_t *size)
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

/* A probe program next to this test's executable, and its main address from nm. */
static unsigned char *read_probe(const char *name, size_t *size, uint64_t *main_addr)
{
	char path[600];
	ssize_t n = readlink("/proc/self/exe", path, 500);
	unsigned long long v = 0;
	FILE *f;

	assert_true(n > 0);
	path[n] = 0;
	strcpy(strrchr(path, '/') + 1, name);
	unsigned char *buf = read_file(path, size);
	strcat(path, ".main");
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%llx", &v), 1);
	fclose(f);
	*main_addr = v;
	return buf;
}

static const char *const probe_argv[] = {"probe", "hello world", ""};
static const char *const probe_envp[] = {"HOME=/", "ISLE_PROBE=yes"};

static struct exec_args probe_args(const void *elf, size_t size, int no_aslr)
{
	return (struct exec_args){elf, size, "/bin/probe", 3, probe_argv, 2, probe_envp, no_aslr};
}

static _Noreturn void enter(uintptr_t entry, uintptr_t rsp)
{
	/* The ABI's process entry: rsp at argc, rdx 0 (no atexit function). */
	__asm__ volatile("mov %0, %%rsp\n\txor %%edx, %%edx\n\tjmp *%1"
			 :
			 : "r"(rsp), "r"(entry)
			 : "rdx", "memory");
	__builtin_unreachable();
}

struct run {
	struct exec_result res;
	char out[4096]; /* the probe's stdout */
	char sym[64];	/* exec_symbolize(main + 3) */
};

/* Load the probe in a child process, run it, and collect what it printed. */
static void run_probe(const char *name, int no_aslr, uint64_t seed, struct run *run,
		      uint64_t *main_addr)
{
	size_t size, got = 0;
	unsigned char *elf = read_probe(name, &size, main_addr);
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct exec_args a = probe_args(elf, size, no_aslr);
		struct exec_result res;
		char sym[64];

		dup2(fds[1], 1);
		rng = seed;
		if (exec_load(&a, &res) != 0)
			_exit(10);
		exec_symbolize(res.load_bias + *main_addr + 3, sym, sizeof(sym));
		/* The loader's results first, as raw bytes, then the program's output. */
		if (write(1, &res, sizeof(res)) != sizeof(res) || write(1, sym, 64) != 64)
			_exit(11);
		apply_protections();
		enter(res.entry, res.stack);
	}
	close(fds[1]);
	memset(run, 0, sizeof(*run));
	assert_int_equal(read(fds[0], &run->res, sizeof(run->res)), sizeof(run->res));
	assert_int_equal(read(fds[0], run->sym, 64), 64);
	while ((n = read(fds[0], run->out + got, sizeof(run->out) - 1 - got)) > 0)
		got += n;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("probe failed (status %#x), output:\n%s", status, run->out);
	free(elf);
}

static void check_probe_output(const struct run *run, uint64_t main_addr)
{
	char want[1024];

	snprintf(want, sizeof(want),
		 "argc=3\nargv[0]=probe\nargv[1]=hello world\nargv[2]=\nISLE_PROBE=yes\n"
		 "execfn=/bin/probe\nplatform=x86_64\npagesz=4096\nrandom16=1\nminsigstksz=1\n"
		 "phdr=1\nentry=1\nhwcap=1\ntls=42\nmalloc=ok\nframe16=1\nmain=%#lx\n",
		 run->res.load_bias + main_addr);
	assert_string_equal(run->out, want);
	assert_string_equal(run->sym, "main+0x3");
	assert_int_equal(run->res.stack % 16, 0);
}

/* ---- tests ---- */

static void test_static_fixed(void **state)
{
	struct run run;
	uint64_t main_addr;

	run_probe("exec-probe-static", 1, 1, &run, &main_addr);
	check_probe_output(&run, main_addr);
	assert_int_equal(run.res.load_bias, 0);
	assert_int_equal(run.res.mmap_base, MMAP_BASE_MAX);
	assert_true(run.res.stack < STACK_TOP_MAX && run.res.stack > STACK_TOP_MAX - 4096);
	assert_int_equal(run.res.brk_start % PAGE_SIZE, 0);
	assert_true(run.res.brk_start > 0x400000 && run.res.brk_start < 0x1000000);
}

static void test_pie_fixed(void **state)
{
	struct run run;
	uint64_t main_addr;

	run_probe("exec-probe-pie", 1, 1, &run, &main_addr);
	check_probe_output(&run, main_addr);
	assert_int_equal(run.res.load_bias, PIE_BASE_FIXED);
	assert_int_equal(run.res.mmap_base, MMAP_BASE_MAX);
}

static void test_aslr(void **state)
{
	struct run a, b;
	uint64_t main_addr;

	run_probe("exec-probe-pie", 0, 0x1234567, &a, &main_addr);
	check_probe_output(&a, main_addr);
	run_probe("exec-probe-pie", 0, 0x7654321, &b, &main_addr);
	check_probe_output(&b, main_addr);
	for (const struct run *r = &a; r; r = r == &a ? &b : NULL) {
		assert_int_equal(r->res.load_bias % PAGE_SIZE, 0);
		assert_true(r->res.load_bias >= PIE_BASE_MIN &&
			    r->res.load_bias < PIE_BASE_MIN + (1UL << 40));
		assert_true(r->res.stack < STACK_TOP_MAX &&
			    r->res.stack > STACK_TOP_MAX - (16UL << 30) - 8192);
		assert_int_equal(r->res.mmap_base % PAGE_SIZE, 0);
		assert_true(r->res.mmap_base <= MMAP_BASE_MAX &&
			    r->res.mmap_base > MMAP_BASE_MAX - (1UL << 40));
	}
	assert_true(a.res.load_bias != b.res.load_bias);
	assert_true(a.res.stack != b.res.stack);
	assert_true(a.res.mmap_base != b.res.mmap_base);
	assert_true(a.res.brk_start - a.res.load_bias != b.res.brk_start - b.res.load_bias);

	run_probe("exec-probe-static", 0, 99, &a, &main_addr);
	check_probe_output(&a, main_addr);
	assert_int_equal(a.res.load_bias, 0);
}

/* Two segments sharing a page: mapped once, protections merged, bytes exact. */
static void test_shared_page(void **state)
{
	static unsigned char img[0x1000] __attribute__((aligned(16)));
	struct elf64_ehdr *eh = (struct elf64_ehdr *)img;
	struct elf64_phdr *ph = (struct elf64_phdr *)(img + 64);
	struct exec_args a = probe_args(img, 0x900, 1);
	struct exec_result res;

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, "\177ELF\2\1\1", 7);
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = 1;
	eh->e_entry = 0x400100;
	eh->e_phoff = 64;
	eh->e_phentsize = 56;
	eh->e_phnum = 2;
	ph[0] = (struct elf64_phdr){PT_LOAD, PF_R | PF_X, 0, 0x400000, 0, 0x800, 0x800, 0x1000};
	ph[1] = (struct elf64_phdr){PT_LOAD, PF_R | PF_W, 0x800, 0x400800, 0, 0x100, 0x1800, 8};
	for (int i = 0x200; i < 0x900; i++)
		img[i] = (unsigned char)(i * 7 + 1);

	vm_reset();
	assert_int_equal(exec_load(&a, &res), 0);
	assert_int_equal(ops[0].kind, OP_MAP);
	assert_int_equal(ops[0].addr, 0x400000);
	assert_int_equal(ops[0].len, 0x1000);
	assert_int_equal(ops[0].prot, PROT_READ | PROT_EXEC);
	assert_int_equal(ops[1].kind, OP_PROTECT);
	assert_int_equal(ops[1].addr, 0x400000);
	assert_int_equal(ops[1].len, 0x1000);
	assert_int_equal(ops[1].prot, PROT_READ | PROT_WRITE | PROT_EXEC);
	assert_int_equal(ops[2].kind, OP_MAP);
	assert_int_equal(ops[2].addr, 0x401000);
	assert_int_equal(ops[2].len, 0x1000);
	assert_int_equal(ops[2].prot, PROT_READ | PROT_WRITE);
	/* The stack: 8 MiB, read-write, not executable (no PT_GNU_STACK). */
	assert_int_equal(ops[3].kind, OP_MAP);
	assert_int_equal(ops[3].addr, STACK_TOP_MAX - (8UL << 20));
	assert_int_equal(ops[3].len, 8UL << 20);
	assert_int_equal(ops[3].prot, PROT_READ | PROT_WRITE);
	assert_int_equal(nops, 4);
	assert_memory_equal((void *)0x400000, img, 0x900);
	for (uintptr_t p = 0x400900; p < 0x402000; p++)
		assert_int_equal(*(unsigned char *)p, 0);
	assert_int_equal(res.brk_start, 0x402000);
	assert_int_equal(vm_brk_start, 0x402000);
	assert_int_equal(vm_mmap_base, MMAP_BASE_MAX);

	char buf[32];
	exec_symbolize(0x400100, buf, sizeof(buf)); /* no symbol table */
	assert_string_equal(buf, "?");
	vm_reset();

	/* An executable PT_GNU_STACK is ignored: the stack stays non-executable. */
	ph[1] = (struct elf64_phdr){PT_GNU_STACK, PF_R | PF_W | PF_X, 0, 0, 0, 0, 0, 16};
	assert_int_equal(exec_load(&a, &res), 0);
	assert_int_equal(ops[1].prot, PROT_READ | PROT_WRITE);
	assert_int_equal(ops[1].len, 8UL << 20);
	vm_reset();

	/* A program reaching into the mmap/stack area is refused before vm_init. */
	ph[0].p_vaddr = 0x7e0000000000;
	eh->e_entry = 0x7e0000000100;
	assert_int_equal(exec_load(&a, &res), -ENOEXEC);
	assert_false(vm_inited);
	assert_non_null(strstr(log_buf, "reaches the mmap and stack area"));
	vm_reset();
}

/* Refusals happen before vm_init: nothing is left behind. */
static void test_refusals(void **state)
{
	static const char garbage[100] = "not an ELF file";
	size_t elf_size, sh_size;
	uint64_t main_addr;
	unsigned char *elf = read_probe("exec-probe-static", &elf_size, &main_addr);
	unsigned char *sh = read_file("/bin/sh", &sh_size);
	struct exec_args a = probe_args(garbage, sizeof(garbage), 0);
	struct exec_result res;

	vm_reset();
	assert_int_equal(exec_load(&a, &res), -ENOEXEC);
	assert_false(vm_inited);

	a = probe_args(sh, sh_size, 0);
	assert_int_equal(exec_load(&a, &res), -ENOEXEC);
	assert_non_null(strstr(log_buf, "dynamic programs (PT_INTERP) are not supported yet"));
	assert_false(vm_inited);

	/* 2 MiB of arguments is too much. */
	size_t big = 1 << 20;
	char *s = malloc(big + 1);
	memset(s, 'x', big);
	s[big] = 0;
	const char *argv[] = {s, s};
	a = probe_args(elf, elf_size, 0);
	a.argv = argv;
	a.argc = 2;
	vm_reset();
	assert_int_equal(exec_load(&a, &res), -E2BIG);
	assert_false(vm_inited);
	assert_non_null(strstr(log_buf, "arguments and environment exceed"));
	free(s);
	free(sh);
	free(elf);
}

static void test_symbolize_unloaded(void **state)
{
	char buf[8] = "xxxxxxx";

	/* Before any successful load with symbols in this process: "?"; size 0 writes
	 * nothing; a 1-byte buffer gets an empty string. */
	exec_symbolize(0x401000, buf, sizeof(buf));
	assert_string_equal(buf, "?");
	memcpy(buf, "xxxxxxx", 8);
	exec_symbolize(0x401000, buf, 0);
	assert_int_equal(buf[0], 'x');
	exec_symbolize(0x401000, buf, 1);
	assert_int_equal(buf[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symbolize_unloaded), cmocka_unit_test(test_static_fixed),
		cmocka_unit_test(test_pie_fixed),	   cmocka_unit_test(test_aslr),
		cmocka_unit_test(test_shared_page),	   cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
