/* vdso.c: puts the vDSO and its data page into the program (vdso.h) and keeps the data
 * page current.
 *
 * The vvar page is ordinary private memory of the program, filled at exec. The clock
 * parameters change at most twice after boot (the TSC rate becomes known, the RTC is
 * read: time.c calls vdso_time_changed), and then the kernel writes the page through the
 * direct map after checking that the page is still the one exec mapped at that address
 * (the program may have unmapped it; it then simply gets no updates, and its own vDSO
 * calls fall back to system calls only if it unmapped the vDSO too). */
#include "exec/vdso.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "core/random.h"
#include "core/time.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "sched/smp.h"
#include "vdso/vvar.h"

#define MSR_TSC_AUX 0xc0000103u
#define CPUID_E1_EDX_RDTSCP (1u << 27)
#define CPUID_7_ECX_RDPID (1u << 22)

extern const char vdso_image_start[] __attribute__((visibility("hidden")));
extern const char vdso_image_end[] __attribute__((visibility("hidden")));

static uint64_t aux_cpus; /* bit per CPU whose IA32_TSC_AUX is set */
static bool have_rdtscp, have_rdpid;
static uintptr_t user_vvar;   /* the program's vvar page, 0 before exec */
static uint64_t user_vvar_pa; /* and the physical page exec filled */

void vdso_cpu_init(int cpu)
{
	uint32_t r[4];

	arch_cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000001) {
		arch_cpuid(0x80000001, 0, r);
		have_rdtscp = (r[3] & CPUID_E1_EDX_RDTSCP) != 0;
	}
	arch_cpuid(0, 0, r);
	if (r[0] >= 7) {
		arch_cpuid(7, 0, r);
		have_rdpid = (r[2] & CPUID_7_ECX_RDPID) != 0;
	}
	if (!have_rdtscp || cpu < 0 || cpu >= SMP_MAX_CPUS)
		return;
	arch_wrmsr(MSR_TSC_AUX, (uint64_t)cpu);
	aux_cpus |= 1ull << cpu;
}

static uint64_t image_size(void)
{
	return (uint64_t)(vdso_image_end - vdso_image_start);
}

uint64_t vdso_span(void)
{
	return PAGE_SIZE + PAGE_ALIGN_UP(image_size());
}

uintptr_t vdso_choose_base(bool aslr, uintptr_t lo, uintptr_t hi)
{
	uint64_t pages = (hi - lo - vdso_span()) / PAGE_SIZE; /* choices for the vvar page */

	if (!aslr || pages == 0)
		return lo + PAGE_SIZE;
	return lo + random_below(pages) * PAGE_SIZE + PAGE_SIZE;
}

static void fill(struct vdso_vvar *v)
{
	int n = smp_ncpus();
	uint64_t all = n >= 64 ? ~0ull : (1ull << n) - 1;

	time_vvar_fill(v);
	if (have_rdtscp && (aux_cpus & all) == all) {
		v->flags |= VVAR_CPU_AUX;
		if (have_rdpid)
			v->flags |= VVAR_RDPID;
	}
}

/* time.c's hook: republish the clock parameters in the program's vvar page. */
static void vdso_time_changed(void)
{
	uint64_t pa;
	unsigned flags;
	struct vdso_vvar *v, fresh;

	if (!user_vvar || !paging_lookup(arch_current_root(), user_vvar, &pa, &flags) ||
	    pa != user_vvar_pa)
		return;
	v = phys_to_virt(pa);
	fill(&fresh);
	v->seq++; /* odd: readers retry */
	__asm__ volatile("" ::: "memory");
	v->flags = fresh.flags;
	v->boot_tsc = fresh.boot_tsc;
	v->mult = fresh.mult;
	v->wall_offset_ns = fresh.wall_offset_ns;
	__asm__ volatile("" ::: "memory");
	v->seq++;
}

int vdso_map(uintptr_t base)
{
	static struct vdso_vvar init; /* zero beyond the fields: one page is copied below */
	uintptr_t vvar = base - PAGE_SIZE;
	uint64_t code = PAGE_ALIGN_UP(image_size()), pa;
	unsigned flags;
	long r;

	user_vvar = 0;
	if (!(aux_cpus & 1) && arch_cpu_id() == 0)
		vdso_cpu_init(0); /* the boot CPU, when main did not (APs: smp bring-up) */
	fill(&init);
	init.seq = 0;
	r = vm_map_fixed(vvar, PAGE_SIZE, PROT_READ);
	if (r == 0)
		r = vm_copy_in(vvar, &init, sizeof(init));
	if (r == 0)
		r = vm_map_fixed(base, code, PROT_READ | PROT_EXEC);
	if (r == 0)
		r = vm_copy_in(base, vdso_image_start, image_size());
	if (r < 0)
		return r == -EEXIST ? -ENOMEM : (int)r;
	vm_mark_kind(vvar, VM_AREA_VVAR);
	vm_mark_kind(base, VM_AREA_VDSO);
	if (paging_lookup(arch_current_root(), vvar, &pa, &flags)) {
		user_vvar = vvar;
		user_vvar_pa = pa;
	}
	time_set_change_hook(vdso_time_changed);
	return 0;
}
