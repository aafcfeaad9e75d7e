/* procfs_fakes.c: host stand-ins for what /proc reads from the rest of the kernel
 * (test_procfs_vfs.c): an address space of four VMAs, a resident count, the host's own
 * CPUID, two CPUs, the clocks, the program's path and umask, randomness, and one
 * thread; /proc/net is empty. */
#include <cpuid.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arch/x86_64/arch.h"
#include "mm/vm.h"
#include "net/procnet.h"

const char *proc_exe_path = "/bin/prog";
uint32_t sys_fs_umask = 022;
struct cpu_features cpu_features = {.vendor = "GenuineIntel"};
uint64_t fake_mono_ns = 12345678900ULL; /* 12.34 s after boot */

static const struct vm_area_info areas[] = {
	{0x400000, 0x401000, PROT_READ | PROT_EXEC, VM_AREA_PROGRAM, false, NULL, 0},
	{0x401000, 0x403000, PROT_READ | PROT_WRITE, VM_AREA_PROGRAM, false, NULL, 0},
	{0x600000, 0x621000, PROT_READ | PROT_WRITE, VM_AREA_HEAP, false, NULL, 0},
	{0x7f0000000000 - 0x10000, 0x7f0000000000 - 0x8000, PROT_READ, VM_AREA_ANON, true, NULL, 0},
	{0x7f0000000000 - 0x8000, 0x7f0000000000, PROT_READ | PROT_WRITE, VM_AREA_STACK, false,
	 NULL, 0},
};

int vm_for_each(int (*fn)(void *arg, const struct vm_area_info *area), void *arg)
{
	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
		int r = fn(arg, &areas[i]);
		if (r)
			return r;
	}
	return 0;
}

uint64_t vm_resident_pages(void)
{
	return 7;
}

void arch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	__cpuid_count(leaf, subleaf, out[0], out[1], out[2], out[3]);
}

uint64_t time_monotonic_ns(void)
{
	return fake_mono_ns;
}

uint64_t time_tsc_khz(void)
{
	return 2893202;
}

void random_bytes(void *buf, size_t n)
{
	memset(buf, 0x5a, n);
}

/* Two CPUs, so /proc/cpuinfo and /sys/devices/system/cpu show the SMP layout. */
int fake_ncpus = 2;

int smp_ncpus(void)
{
	return fake_ncpus;
}

uint32_t smp_cpu_apic_id(int cpu)
{
	return (uint32_t)cpu * 2;
}

/* One thread, tid 1, named after the program (sched/task.h). */
#include "sched/task.h"

static struct task fake_main = {.tid = 1, .comm = "prog"};

struct task *task_current(void)
{
	return &fake_main;
}

struct task *task_find(int tid)
{
	return tid == 1 ? &fake_main : NULL;
}

struct task *task_first(void)
{
	return &fake_main;
}

struct task *task_next(struct task *t)
{
	return NULL;
}

/* /proc/net (kernel/net/procnet.c): empty tables. */
void procnet_show_dev(struct genfs_out *o) {}

void procnet_show_route(struct genfs_out *o) {}
