/* procfs_cpu.c: /proc/cpuinfo (procfs_gen.h): one processor block per online CPU
 * (smp_ncpus) in Linux's layout, all one socket of N cores, read from CPUID at each read
 * (the values never change and are the same on every CPU: the boot CPU decided what is
 * enabled) plus the TSC rate the clock measured: "cpu MHz" is the TSC frequency and bogomips twice
 * it, as Linux computes them from the TSC. Flags are the CPUID bits the kernel lets the program use
 * (procfs_fmt.c). */
#include "arch/x86_64/arch.h"
#include "core/time.h"
#include "fs/procfs_gen.h"
#include "lib/string.h"
#include "sched/smp.h"

/* The size of the last-level cache in KiB: Intel's deterministic cache leaf 4, else AMD's
 * L2 size (leaf 0x80000006), as Linux picks x86_cache_size; 0 when unknown. */
static unsigned cache_kb(uint32_t max, uint32_t emax)
{
	uint32_t r[4];
	unsigned best = 0, best_level = 0;

	if (max >= 4 && !strcmp(cpu_features.vendor, "GenuineIntel")) {
		for (uint32_t i = 0; i < 16; i++) {
			arch_cpuid(4, i, r);
			unsigned type = r[0] & 0x1f, level = (r[0] >> 5) & 7;
			if (type == 0)
				break;
			if (type == 2 || level < best_level)
				continue; /* instruction caches do not count */
			uint64_t bytes = (uint64_t)((r[1] >> 22) + 1) *
					 (((r[1] >> 12) & 0x3ff) + 1) * ((r[1] & 0xfff) + 1) *
					 ((uint64_t)r[2] + 1);
			best = (unsigned)(bytes / 1024);
			best_level = level;
		}
		return best;
	}
	if (emax >= 0x80000006) {
		arch_cpuid(0x80000006, 0, r);
		return r[2] >> 16;
	}
	return 0;
}

/* The 48-byte brand string without its leading spaces. */
static void brand(char out[49], uint32_t emax)
{
	uint32_t r[4];
	char raw[49];
	const char *p = raw;

	memset(raw, 0, sizeof(raw));
	if (emax >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			arch_cpuid(0x80000002 + i, 0, r);
			memcpy(raw + 16 * i, r, 16);
		}
	}
	while (*p == ' ')
		p++;
	strlcpy(out, *p ? p : "unknown", 49);
}

static void show_cpu(struct genfs_out *o, int cpu, int ncpus)
{
	uint32_t r[4], max, emax, sig, ebx1;
	unsigned family, model, stepping, phys = 36, virt = 48;
	uint64_t khz = time_tsc_khz(), bogo = khz * 2;
	struct procfs_cpuid c;
	char name[49];

	memset(&c, 0, sizeof(c));
	arch_cpuid(0, 0, r);
	max = r[0];
	arch_cpuid(0x80000000, 0, r);
	emax = r[0] >= 0x80000000 ? r[0] : 0;
	arch_cpuid(1, 0, r);
	sig = r[0];
	ebx1 = r[1];
	c.l1_ecx = r[2];
	c.l1_edx = r[3];
	if (max >= 7) {
		arch_cpuid(7, 0, r);
		c.l7_ebx = r[1];
		c.l7_ecx = r[2];
		c.l7_edx = r[3];
	}
	if (max >= 0xd) {
		arch_cpuid(0xd, 1, r);
		c.ld1_eax = r[0];
	}
	if (emax >= 0x80000001) {
		arch_cpuid(0x80000001, 0, r);
		c.e1_ecx = r[2];
		c.e1_edx = r[3];
	}
	if (emax >= 0x80000007) {
		arch_cpuid(0x80000007, 0, r);
		c.e7_edx = r[3];
	}
	if (emax >= 0x80000008) {
		arch_cpuid(0x80000008, 0, r);
		phys = r[0] & 0xff;
		virt = (r[0] >> 8) & 0xff;
	}
	c.xcr0 = cpu_features.xsave ? cpu_features.xcr0 : 0;
	family = (sig >> 8) & 0xf;
	model = (sig >> 4) & 0xf;
	stepping = sig & 0xf;
	if (family == 0xf)
		family += (sig >> 20) & 0xff;
	if (family >= 6)
		model += ((sig >> 16) & 0xf) << 4;
	brand(name, emax);

	genfs_printf(o, "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n", cpu,
		     cpu_features.vendor, family, model);
	genfs_printf(o, "model name\t: %s\nstepping\t: %u\nmicrocode\t: 0x1\n", name, stepping);
	genfs_printf(o, "cpu MHz\t\t: %lu.%03lu\ncache size\t: %u KB\n",
		     (unsigned long)(khz / 1000), (unsigned long)(khz % 1000), cache_kb(max, emax));
	genfs_printf(o, "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\n",
		     ncpus, cpu, ncpus);
	uint32_t apic = ncpus == 1 ? ebx1 >> 24 : smp_cpu_apic_id(cpu);
	genfs_printf(o, "apicid\t\t: %u\ninitial apicid\t: %u\n", apic, apic);
	genfs_printf(o, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n",
		     max);
	genfs_puts(o, "flags\t\t: ");
	procfs_cpu_flags(o, &c);
	genfs_printf(o, "\nbugs\t\t:\nbogomips\t: %lu.%02lu\n", (unsigned long)(bogo / 1000),
		     (unsigned long)(bogo % 1000 / 10));
	genfs_printf(o, "clflush size\t: %u\ncache_alignment\t: %u\n", ((ebx1 >> 8) & 0xff) * 8,
		     ((ebx1 >> 8) & 0xff) * 8);
	genfs_printf(o, "address sizes\t: %u bits physical, %u bits virtual\n", phys, virt);
	genfs_puts(o, "power management:\n\n");
}

void procfs_show_cpuinfo(struct genfs_out *o)
{
	int n = smp_ncpus();
	for (int cpu = 0; cpu < n && !genfs_out_full(o); cpu++)
		show_cpu(o, cpu, n);
}
