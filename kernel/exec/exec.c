/* exec.c: loads the program: checks the ELF, chooses the randomised layout, maps the
 * segments and the stack, builds the initial stack, and later names program addresses
 * for crash reports.
 *
 * Design: everything that can be refused (malformed file, placement, argument size) is
 * decided before vm_init, so a refused program leaves no address space behind. After
 * vm_init only memory exhaustion can fail (the caller then reports and stops; the half
 * built address space is never entered). The ELF bytes stay in kernel memory for the
 * program's lifetime (exec.h), so exec_symbolize reads the symbol table from them.
 *
 * Address-space layout (USER_TOP = 0x7f00_0000_0000; entropy with ASLR on):
 *
 *   0x7f00_0000_0000  USER_TOP
 *                     [vvar] + [vdso] (exec/vdso.c): a random page in this gap  24 bits
 *                     (no_aslr: STACK_TOP_MAX + 2 pages)
 *   0x7ef0_0000_0000  STACK_TOP_MAX: highest stack top
 *                     stack top: page aligned, STACK_TOP_MAX - [0, 16 GiB)      22 bits
 *                     initial rsp: a further 16-byte multiple in [0, 4 KiB)     8 bits
 *                     stack VMA: STACK_SIZE (8 MiB, demand paged) below the top,
 *                     never executable (PT_GNU_STACK asking for PF_X is ignored)
 *   0x7eeb_0000_0000  MMAP_BASE_MAX (about 4 GiB below the lowest possible stack)
 *                     mmap base: page aligned, MMAP_BASE_MAX - [0, 1 TiB)       28 bits
 *                     (mmap without a hint allocates downwards from it)
 *   0x7deb_0000_0000  PROGRAM_TOP: program end + BRK_GAP_MAX must stay below it
 *   0x5555_0000_0000  PIE_BASE_MIN: PIE bias in [PIE_BASE_MIN, + 1 TiB), aligned to
 *                     the largest PT_LOAD p_align (page .. 2 MiB)          28 (19) bits
 *                     brk start: page-aligned end of the program + [0, 32 MiB)  13 bits
 *   0x0000_0040_0000  a typical ET_EXEC: at its link address, not randomised
 *
 * With no_aslr: stack top STACK_TOP_MAX (rsp offset 0), mmap base MMAP_BASE_MAX, PIE bias
 * PIE_BASE_FIXED (rounded up to the alignment), brk right after the program. */
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "core/random.h"
#include "exec/elf.h"
#include "exec/exec.h"
#include "exec/stack.h"
#include "exec/vdso.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/vm.h"

#define STACK_TOP_MAX 0x7ef000000000UL
#define STACK_TOP_WINDOW (16UL << 30)
#define STACK_SIZE (8UL << 20)
#define MMAP_BASE_MAX 0x7eeb00000000UL
#define MMAP_WINDOW (1UL << 40)
#define PROGRAM_TOP (MMAP_BASE_MAX - MMAP_WINDOW)
#define PIE_BASE_MIN 0x555500000000UL
#define PIE_WINDOW (1UL << 40)
#define PIE_BASE_FIXED 0x555555554000UL
#define BRK_GAP_MAX (32UL << 20)

_Static_assert(STACK_TOP_MAX <= USER_TOP, "stack below USER_TOP");
_Static_assert(MMAP_BASE_MAX < STACK_TOP_MAX - STACK_TOP_WINDOW - STACK_SIZE, "mmap below stack");
_Static_assert(PIE_BASE_MIN + PIE_WINDOW < PROGRAM_TOP, "PIE window below the mmap area");

/* Signal frame without the FPU state (ucontext, siginfo, return address, padding) is
 * under 1 KiB; AT_MINSIGSTKSZ adds the XSAVE area the kernel saves, as Linux does. */
#define SIGFRAME_BASE 1024
#define FXSAVE_SIZE 512

/* The loaded program, for exec_symbolize. */
static const unsigned char *prog_file;
static size_t prog_size;
static uintptr_t prog_bias;

/* A random multiple of unit in [0, window), or 0 without ASLR. */
static uint64_t random_offset(bool aslr, uint64_t window, uint64_t unit)
{
	return aslr ? random_below(window / unit) * unit : 0;
}

static int prot_of(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

static int map_failed(const char *what, uintptr_t addr, long r)
{
	printk("isle: exec: mapping %s at %#lx failed (%ld)\n", what, addr, r);
	return r == -ENOMEM ? -ENOMEM : -ENOEXEC;
}

/* Map and fill every PT_LOAD. Segments are ascending and their bytes do not overlap
 * (elf_parse), but neighbours may share one page: that page is mapped once, with the
 * union of both protections. Fresh pages are zero, so the bss and the tail of the last
 * file page need no clearing: only p_filesz bytes are copied. */
static int map_segments(const struct elf_info *info, uintptr_t bias)
{
	uintptr_t mapped_end = 0;
	int last_prot = 0;
	struct elf64_phdr ph;
	long r;

	for (unsigned i = 0; i < info->phnum; i++) {
		elf_phdr(info, i, &ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		uintptr_t start = PAGE_ALIGN_DOWN(ph.p_vaddr + bias);
		uintptr_t end = PAGE_ALIGN_UP(ph.p_vaddr + bias + ph.p_memsz);
		int prot = prot_of(ph.p_flags);

		if (start < mapped_end) { /* start == mapped_end - PAGE_SIZE: shared page */
			if ((last_prot | prot) != last_prot) {
				pr_info("isle: exec: PT_LOAD %u shares page %#lx, protections "
					"merged\n",
					i, start);
				r = vm_mprotect(start, PAGE_SIZE, last_prot | prot);
				if (r == -EACCES)
					printk("isle: exec: PT_LOAD %u shares a page with code and "
					       "is writable: refused under ExecProtection\n",
					       i);
				if (r < 0)
					return map_failed("a shared page", start, r);
			}
			last_prot |= prot;
			start = mapped_end;
		}
		if (end > start) {
			r = vm_map_fixed(start, end - start, prot);
			if (r == -EACCES)
				printk("isle: exec: PT_LOAD %u is writable and executable: refused "
				       "under ExecProtection\n",
				       i);
			if (r < 0)
				return map_failed("a segment", start, r);
			mapped_end = end;
			last_prot = prot;
		}
		if (ph.p_filesz) {
			r = vm_copy_in(ph.p_vaddr + bias, info->file + ph.p_offset, ph.p_filesz);
			if (r < 0)
				return map_failed("segment bytes", ph.p_vaddr + bias, r);
		}
	}
	return 0;
}

/* AT_MINSIGSTKSZ: the signal frame plus the XSAVE area (FXSAVE without XSAVE). */
static uint64_t min_sigstack(void)
{
	uint64_t fpu = cpu_features.xsave_size ? cpu_features.xsave_size : FXSAVE_SIZE;

	return (SIGFRAME_BASE + fpu + 63) & ~63UL;
}

/* Build the initial stack image for the stack pointer top sp_top in a kernel buffer. */
static long build_stack(const struct exec_args *a, const struct elf_info *info, uintptr_t bias,
			uintptr_t sp_top, uintptr_t vdso, void **image, uintptr_t *rsp)
{
	static const char platform[] = "x86_64";
	uint8_t random[STACK_RANDOM_BYTES];
	struct stack_aux aux[STACK_AUX_MAX];
	struct stack_spec spec;
	uint32_t id[4];
	size_t n = 0;
	long size, r;

	arch_cpuid(1, 0, id);
	random_bytes(random, sizeof(random));
	aux[n++] = (struct stack_aux){AT_SYSINFO_EHDR, vdso};
	if (info->has_phdr_addr)
		aux[n++] = (struct stack_aux){AT_PHDR, info->phdr_addr + bias};
	aux[n++] = (struct stack_aux){AT_PHENT, sizeof(struct elf64_phdr)};
	aux[n++] = (struct stack_aux){AT_PHNUM, info->phnum};
	aux[n++] = (struct stack_aux){AT_PAGESZ, PAGE_SIZE};
	aux[n++] = (struct stack_aux){AT_BASE, 0}; /* no interpreter */
	aux[n++] = (struct stack_aux){AT_FLAGS, 0};
	aux[n++] = (struct stack_aux){AT_ENTRY, info->entry + bias};
	aux[n++] = (struct stack_aux){AT_UID, 0};
	aux[n++] = (struct stack_aux){AT_EUID, 0};
	aux[n++] = (struct stack_aux){AT_GID, 0};
	aux[n++] = (struct stack_aux){AT_EGID, 0};
	aux[n++] = (struct stack_aux){AT_SECURE, 0};
	aux[n++] = (struct stack_aux){AT_RANDOM, 0};
	aux[n++] = (struct stack_aux){AT_HWCAP, id[3]}; /* CPUID.1:EDX, as Linux */
	/* HWCAP2_FSGSBASE only once the kernel promises CR4.FSGSBASE for the program. */
	aux[n++] = (struct stack_aux){AT_HWCAP2, 0};
	aux[n++] = (struct stack_aux){AT_CLKTCK, 100};
	aux[n++] = (struct stack_aux){AT_EXECFN, 0};
	aux[n++] = (struct stack_aux){AT_PLATFORM, 0};
	aux[n++] = (struct stack_aux){AT_MINSIGSTKSZ, min_sigstack()};

	spec = (struct stack_spec){
		.argc = a->argc,
		.argv = a->argv,
		.envc = a->envc,
		.envp = a->envp,
		.execfn = a->path ? a->path : "",
		.platform = platform,
		.random = random,
		.aux = aux,
		.naux = n,
	};
	size = stack_image_size(&spec);
	if (size < 0)
		return size;
	*image = kmalloc((size_t)size);
	if (!*image)
		return -ENOMEM;
	r = stack_build(&spec, sp_top, *image, (size_t)size, rsp);
	memset(random, 0, sizeof(random));
	if (r < 0) {
		kfree(*image);
		*image = NULL;
	}
	return r;
}

int exec_load(const struct exec_args *a, struct exec_result *out)
{
	bool aslr = !a->no_aslr;
	uintptr_t stack_top, sp_top, mmap_base, bias = 0, end, brk, rsp, vdso;
	struct elf_info info;
	void *image;
	long size, r;

	r = elf_parse(a->elf, a->elf_size, &info);
	if (r)
		return (int)r;

	stack_top = STACK_TOP_MAX - random_offset(aslr, STACK_TOP_WINDOW, PAGE_SIZE);
	sp_top = stack_top - random_offset(aslr, PAGE_SIZE, 16);
	mmap_base = MMAP_BASE_MAX - random_offset(aslr, MMAP_WINDOW, PAGE_SIZE);
	if (info.type == ET_DYN) {
		bias = aslr ? PIE_BASE_MIN + random_offset(aslr, PIE_WINDOW, info.bias_align)
			    : (PIE_BASE_FIXED + info.bias_align - 1) & ~(info.bias_align - 1);
		r = elf_check_placement(&info, bias);
		if (r)
			return (int)r;
	}
	end = PAGE_ALIGN_UP(info.hi + bias); /* <= USER_TOP (checked placement) */
	if (end > PROGRAM_TOP - BRK_GAP_MAX) {
		printk("isle: exec: the program (ending at %#lx) reaches the mmap and stack area "
		       "above "
		       "%#lx\n",
		       end, PROGRAM_TOP - BRK_GAP_MAX);
		return -ENOEXEC;
	}
	brk = end + random_offset(aslr, BRK_GAP_MAX, PAGE_SIZE);
	vdso = vdso_choose_base(aslr, STACK_TOP_MAX + PAGE_SIZE, USER_TOP);

	size = build_stack(a, &info, bias, sp_top, vdso, &image, &rsp);
	if (size < 0) {
		if (size == -E2BIG)
			printk("isle: exec: arguments and environment exceed %lu bytes\n",
			       STACK_ARGS_MAX);
		return (int)size;
	}

	/* Stacks (and the heap) are never executable, whatever the program asks. */
	if (info.exec_stack)
		printk("isle: %s asks for an executable stack (PT_GNU_STACK RWX); isle keeps "
		       "stacks non-executable\n",
		       a->path ? a->path : "the program");
	vm_init(mmap_base);
	r = map_segments(&info, bias);
	if (!r) {
		r = vm_map_fixed(stack_top - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE);
		if (r < 0)
			r = map_failed("the stack", stack_top - STACK_SIZE, r);
		else
			vm_mark_stack(stack_top - STACK_SIZE);
	}
	if (!r) {
		r = vdso_map(vdso);
		if (r < 0)
			r = map_failed("the vDSO", vdso, r);
	}
	if (!r) {
		r = vm_copy_in(rsp, image, (size_t)size);
		if (r < 0)
			r = map_failed("the initial stack", rsp, r);
	}
	kfree(image);
	if (r)
		return (int)r;
	vm_set_brk_start(brk);

	prog_file = info.file;
	prog_size = info.size;
	prog_bias = bias;
	out->entry = info.entry + bias;
	out->stack = rsp;
	out->load_bias = bias;
	out->brk_start = brk;
	out->mmap_base = mmap_base;
	pr_info("isle: exec: %s: entry %#lx bias %#lx rsp %#lx brk %#lx mmap %#lx\n",
		a->path ? a->path : "?", out->entry, bias, rsp, brk, mmap_base);
	return 0;
}

void exec_symbolize(uintptr_t addr, char *buf, size_t size)
{
	const char *name;
	uint64_t off;

	if (size == 0)
		return;
	if (prog_file && addr >= prog_bias &&
	    elf_find_symbol(prog_file, prog_size, addr - prog_bias, &name, &off) == 0)
		fmt_snprintf(buf, size, "%s+0x%lx", name, off);
	else
		strlcpy(buf, "?", size);
}
