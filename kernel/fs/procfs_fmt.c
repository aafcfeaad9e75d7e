/* procfs_fmt.c: the exact text layouts of Linux's /proc files that programs parse by
 * column (procfs_gen.h): maps lines, meminfo lines, cpuinfo flags. Pure functions over a
 * genfs_out window, so the host unit tests check them byte for byte. */
#include "fs/procfs_gen.h"
#include "lib/string.h"
#include "mm/vm.h"

/* Linux pads a maps line to 25 + 6 * sizeof(void *) - 1 columns before the name. */
#define MAPS_NAME_COLUMN 72

void procfs_maps_line(struct genfs_out *o, const struct procfs_map *m)
{
	static const char spaces[MAPS_NAME_COLUMN] = {[0 ... MAPS_NAME_COLUMN - 1] = ' '};
	char head[GENFS_PRINTF_MAX];
	struct genfs_out h;

	/* Formatted into its own window first: the padding depends on its length. */
	genfs_out_init(&h, head, sizeof(head), 0);
	genfs_printf(&h, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", (unsigned long)m->start,
		     (unsigned long)m->end, m->prot & PROT_READ ? 'r' : '-',
		     m->prot & PROT_WRITE ? 'w' : '-', m->prot & PROT_EXEC ? 'x' : '-',
		     m->shared ? 's' : 'p', (unsigned long)m->offset, m->major, m->minor,
		     (unsigned long)m->ino);
	genfs_write(o, head, genfs_out_count(&h));
	if (m->name) {
		size_t n = genfs_out_count(&h);
		if (n < MAPS_NAME_COLUMN)
			genfs_write(o, spaces, MAPS_NAME_COLUMN - n);
		genfs_write(o, " ", 1);
		genfs_puts(o, m->name);
	}
	genfs_write(o, "\n", 1);
}

void procfs_kb_line(struct genfs_out *o, const char *label, uint64_t kb)
{
	genfs_printf(o, "%-16s%8lu kB\n", label, (unsigned long)kb);
}

void procfs_count_line(struct genfs_out *o, const char *label, uint64_t n)
{
	genfs_printf(o, "%-16s%8lu\n", label, (unsigned long)n);
}

/* Which CPUID word a flag is in, in the order Linux prints its capability words. */
enum cpu_word { W_1EDX, W_E1EDX, W_SYNTH, W_1ECX, W_E1ECX, W_7EBX, W_D1EAX, W_7ECX, W_7EDX };

/* What a flag needs beyond its CPUID bit. */
#define NEED_XSAVE 1 /* XSAVE enabled (xcr0 != 0) */
#define NEED_YMM 2   /* AVX state: xcr0 bits 1-2 */
#define NEED_ZMM 4   /* AVX-512 state: xcr0 bits 5-7 as well */
#define NEED_AMX 8   /* AMX tile state: xcr0 bits 17-18 */
#define NEVER 16     /* Linux hides it, or isle does not enable it */

static const struct {
	uint8_t word, bit, need;
	const char *name;
} flags[] = {
	{W_1EDX, 0, 0, "fpu"},
	{W_1EDX, 1, 0, "vme"},
	{W_1EDX, 2, 0, "de"},
	{W_1EDX, 3, 0, "pse"},
	{W_1EDX, 4, 0, "tsc"},
	{W_1EDX, 5, 0, "msr"},
	{W_1EDX, 6, 0, "pae"},
	{W_1EDX, 7, 0, "mce"},
	{W_1EDX, 8, 0, "cx8"},
	{W_1EDX, 9, 0, "apic"},
	{W_1EDX, 11, 0, "sep"},
	{W_1EDX, 12, 0, "mtrr"},
	{W_1EDX, 13, 0, "pge"},
	{W_1EDX, 14, 0, "mca"},
	{W_1EDX, 15, 0, "cmov"},
	{W_1EDX, 16, 0, "pat"},
	{W_1EDX, 17, 0, "pse36"},
	{W_1EDX, 19, 0, "clflush"},
	{W_1EDX, 21, 0, "dts"},
	{W_1EDX, 22, 0, "acpi"},
	{W_1EDX, 23, 0, "mmx"},
	{W_1EDX, 24, 0, "fxsr"},
	{W_1EDX, 25, 0, "sse"},
	{W_1EDX, 26, 0, "sse2"},
	{W_1EDX, 27, 0, "ss"},
	{W_1EDX, 28, 0, "ht"},
	{W_1EDX, 29, 0, "tm"},
	{W_1EDX, 31, 0, "pbe"},
	{W_E1EDX, 11, 0, "syscall"},
	{W_E1EDX, 20, 0, "nx"},
	{W_E1EDX, 22, 0, "mmxext"},
	{W_E1EDX, 25, 0, "fxsr_opt"},
	{W_E1EDX, 26, 0, "pdpe1gb"},
	{W_E1EDX, 27, 0, "rdtscp"},
	{W_E1EDX, 29, 0, "lm"},
	{W_SYNTH, 0, 0, "constant_tsc"}, /* bit 0: invariant TSC (leaf 0x80000007) */
	{W_SYNTH, 0, 0, "nonstop_tsc"},
	{W_SYNTH, 1, 0, "cpuid"}, /* bit 1: always */
	{W_1ECX, 0, 0, "pni"},
	{W_1ECX, 1, 0, "pclmulqdq"},
	{W_1ECX, 2, 0, "dtes64"},
	{W_1ECX, 3, 0, "monitor"},
	{W_1ECX, 4, 0, "ds_cpl"},
	{W_1ECX, 5, NEVER, "vmx"},
	{W_1ECX, 6, 0, "smx"},
	{W_1ECX, 7, 0, "est"},
	{W_1ECX, 8, 0, "tm2"},
	{W_1ECX, 9, 0, "ssse3"},
	{W_1ECX, 11, 0, "sdbg"},
	{W_1ECX, 12, NEED_YMM, "fma"},
	{W_1ECX, 13, 0, "cx16"},
	{W_1ECX, 14, 0, "xtpr"},
	{W_1ECX, 15, 0, "pdcm"},
	{W_1ECX, 17, 0, "pcid"},
	{W_1ECX, 18, 0, "dca"},
	{W_1ECX, 19, 0, "sse4_1"},
	{W_1ECX, 20, 0, "sse4_2"},
	{W_1ECX, 21, 0, "x2apic"},
	{W_1ECX, 22, 0, "movbe"},
	{W_1ECX, 23, 0, "popcnt"},
	{W_1ECX, 24, 0, "tsc_deadline_timer"},
	{W_1ECX, 25, 0, "aes"},
	{W_1ECX, 26, NEED_XSAVE, "xsave"},
	{W_1ECX, 28, NEED_YMM, "avx"},
	{W_1ECX, 29, NEED_YMM, "f16c"},
	{W_1ECX, 30, 0, "rdrand"},
	{W_1ECX, 31, 0, "hypervisor"},
	{W_E1ECX, 0, 0, "lahf_lm"},
	{W_E1ECX, 1, 0, "cmp_legacy"},
	{W_E1ECX, 2, NEVER, "svm"},
	{W_E1ECX, 3, 0, "extapic"},
	{W_E1ECX, 4, 0, "cr8_legacy"},
	{W_E1ECX, 5, 0, "abm"},
	{W_E1ECX, 6, 0, "sse4a"},
	{W_E1ECX, 7, 0, "misalignsse"},
	{W_E1ECX, 8, 0, "3dnowprefetch"},
	{W_E1ECX, 9, 0, "osvw"},
	{W_E1ECX, 10, 0, "ibs"},
	{W_E1ECX, 11, NEED_YMM, "xop"},
	{W_E1ECX, 12, 0, "skinit"},
	{W_E1ECX, 13, 0, "wdt"},
	{W_E1ECX, 15, 0, "lwp"},
	{W_E1ECX, 16, NEED_YMM, "fma4"},
	{W_E1ECX, 17, 0, "tce"},
	{W_E1ECX, 19, 0, "nodeid_msr"},
	{W_E1ECX, 21, 0, "tbm"},
	{W_E1ECX, 22, 0, "topoext"},
	{W_E1ECX, 23, 0, "perfctr_core"},
	{W_E1ECX, 24, 0, "perfctr_nb"},
	{W_E1ECX, 26, 0, "bpext"},
	{W_E1ECX, 27, 0, "ptsc"},
	{W_E1ECX, 28, 0, "perfctr_llc"},
	{W_E1ECX, 29, 0, "mwaitx"},
	{W_7EBX, 0, 0, "fsgsbase"},
	{W_7EBX, 1, 0, "tsc_adjust"},
	{W_7EBX, 3, 0, "bmi1"},
	{W_7EBX, 4, 0, "hle"},
	{W_7EBX, 5, NEED_YMM, "avx2"},
	{W_7EBX, 7, 0, "smep"},
	{W_7EBX, 8, 0, "bmi2"},
	{W_7EBX, 9, 0, "erms"},
	{W_7EBX, 10, 0, "invpcid"},
	{W_7EBX, 11, 0, "rtm"},
	{W_7EBX, 14, 0, "mpx"},
	{W_7EBX, 16, NEED_ZMM, "avx512f"},
	{W_7EBX, 17, NEED_ZMM, "avx512dq"},
	{W_7EBX, 18, 0, "rdseed"},
	{W_7EBX, 19, 0, "adx"},
	{W_7EBX, 20, 0, "smap"},
	{W_7EBX, 21, NEED_ZMM, "avx512ifma"},
	{W_7EBX, 23, 0, "clflushopt"},
	{W_7EBX, 24, 0, "clwb"},
	{W_7EBX, 26, NEED_ZMM, "avx512pf"},
	{W_7EBX, 27, NEED_ZMM, "avx512er"},
	{W_7EBX, 28, NEED_ZMM, "avx512cd"},
	{W_7EBX, 29, 0, "sha_ni"},
	{W_7EBX, 30, NEED_ZMM, "avx512bw"},
	{W_7EBX, 31, NEED_ZMM, "avx512vl"},
	{W_D1EAX, 0, NEED_XSAVE, "xsaveopt"},
	{W_D1EAX, 1, NEED_XSAVE, "xsavec"},
	{W_D1EAX, 2, NEED_XSAVE, "xgetbv1"},
	{W_D1EAX, 3, NEED_XSAVE, "xsaves"},
	{W_7ECX, 1, NEED_ZMM, "avx512vbmi"},
	{W_7ECX, 2, 0, "umip"},
	{W_7ECX, 3, NEVER, "pku"},
	{W_7ECX, 4, NEVER, "ospke"},
	{W_7ECX, 5, 0, "waitpkg"},
	{W_7ECX, 6, NEED_ZMM, "avx512_vbmi2"},
	{W_7ECX, 8, 0, "gfni"},
	{W_7ECX, 9, NEED_YMM, "vaes"},
	{W_7ECX, 10, NEED_YMM, "vpclmulqdq"},
	{W_7ECX, 11, NEED_ZMM, "avx512_vnni"},
	{W_7ECX, 12, NEED_ZMM, "avx512_bitalg"},
	{W_7ECX, 14, NEED_ZMM, "avx512_vpopcntdq"},
	{W_7ECX, 16, NEVER, "la57"},
	{W_7ECX, 22, 0, "rdpid"},
	{W_7ECX, 25, 0, "cldemote"},
	{W_7ECX, 27, 0, "movdiri"},
	{W_7ECX, 28, 0, "movdir64b"},
	{W_7EDX, 2, NEED_ZMM, "avx512_4vnniw"},
	{W_7EDX, 3, NEED_ZMM, "avx512_4fmaps"},
	{W_7EDX, 4, 0, "fsrm"},
	{W_7EDX, 8, NEED_ZMM, "avx512_vp2intersect"},
	{W_7EDX, 10, 0, "md_clear"},
	{W_7EDX, 14, 0, "serialize"},
	{W_7EDX, 22, NEED_AMX, "amx_bf16"},
	{W_7EDX, 23, NEED_ZMM, "avx512_fp16"},
	{W_7EDX, 24, NEED_AMX, "amx_tile"},
	{W_7EDX, 25, NEED_AMX, "amx_int8"},
	{W_7EDX, 28, 0, "flush_l1d"},
	{W_7EDX, 29, 0, "arch_capabilities"},
};

static bool needs_met(unsigned need, uint64_t xcr0)
{
	if (need & NEVER)
		return false;
	if ((need & NEED_XSAVE) && !xcr0)
		return false;
	if ((need & (NEED_YMM | NEED_ZMM | NEED_AMX)) && (xcr0 & 0x6) != 0x6)
		return false;
	if ((need & NEED_ZMM) && (xcr0 & 0xe0) != 0xe0)
		return false;
	if ((need & NEED_AMX) && (xcr0 & 0x60000) != 0x60000)
		return false;
	return true;
}

void procfs_cpu_flags(struct genfs_out *o, const struct procfs_cpuid *c)
{
	uint32_t synth = (c->e7_edx & (1u << 8) ? 1u : 0) | 2u;
	const uint32_t words[] = {
		[W_1EDX] = c->l1_edx,	[W_E1EDX] = c->e1_edx, [W_SYNTH] = synth,
		[W_1ECX] = c->l1_ecx,	[W_E1ECX] = c->e1_ecx, [W_7EBX] = c->l7_ebx,
		[W_D1EAX] = c->ld1_eax, [W_7ECX] = c->l7_ecx,  [W_7EDX] = c->l7_edx,
	};
	bool first = true;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!(words[flags[i].word] & (1u << flags[i].bit)) ||
		    !needs_met(flags[i].need, c->xcr0))
			continue;
		if (!first)
			genfs_write(o, " ", 1);
		genfs_puts(o, flags[i].name);
		first = false;
	}
}
