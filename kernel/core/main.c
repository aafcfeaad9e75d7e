/* main.c: the boot order, one call per subsystem, from the PVH entry to the program's
 * first instruction. boot.S calls kmain on the boot stack, running at DIRECT_BASE +
 * physical with the temporary boot page tables (first GiB mapped). */
#include "abi/exit.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "core/bootinfo.h"
#include "core/cmdline.h"
#include "core/errno.h"
#include "core/exit.h"
#include "core/gdb.h"
#include "core/printk.h"
#include "core/random.h"
#include "core/selftest_harden.h"
#include "core/stackprot.h"
#include "core/time.h"
#include "core/wxcheck.h"
#include "drivers/console.h"
#include "drivers/platform.h"
#include "drivers/powerbtn.h"
#include "drivers/virtio/virtio.h"
#include "abi/bundle.h"
#include "abi/manifest.h"
#include "drivers/blkdev.h"
#include "exec/bundle.h"
#include "exec/image.h"
#include "fs/ext2/ext2.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "fs/fs_init.h"
#include "fs/procfs.h"
#include "exec/exec.h"
#include "lib/string.h"
#include "mm/execprot.h"
#include "mm/layout.h"
#include "mm/memmap.h"
#include "mm/pmm.h"
#include "net/iface.h"
#include "sched/sched.h"
#include "sched/smp.h"
#include "syscall/sysstat.h"

void kmain(uint64_t start_info_pa) __attribute__((no_stack_protector));
void selftest_fault(void);

extern uint64_t boot_tsc_entry;
extern char __kernel_start[], __kernel_end[];
extern const char *proc_exe_path;

static struct boot_info boot;

/* Boot phases, timed with the TSC for the `boottime` option. */
#define BOOT_PHASES 16
static struct {
	const char *name;
	uint64_t tsc;
} phases[BOOT_PHASES];
static int nphases;

static void phase(const char *name)
{
	if (nphases < BOOT_PHASES)
		phases[nphases++] = (typeof(phases[0])){name, arch_rdtsc()};
}

static void report_boot_time(uint64_t entry_tsc)
{
	uint64_t prev = boot_tsc_entry;
	printk("isle: boot time: %lu us (kernel entry to program entry)\n",
	       (unsigned long)(time_tsc_to_ns(entry_tsc - boot_tsc_entry) / 1000));
	for (int i = 0; i < nphases; i++) {
		printk("isle:   %-8s %6lu us\n", phases[i].name,
		       (unsigned long)(time_tsc_to_ns(phases[i].tsc - prev) / 1000));
		prev = phases[i].tsc;
	}
}
static struct boot_range free_ram[BOOT_MAX_RANGES];
static struct trap_frame user_entry;

/* Page-table pages for paging_init come from the first free range after the boot
 * reservations, below 1 GiB (mapped by the boot tables). */
static void early_pool(void)
{
	uint64_t need = (16 + (boot.max_phys >> 30)) * PAGE_SIZE;
	int n = memmap_free_ranges(&boot, free_ram, BOOT_MAX_RANGES);
	for (int i = 0; i < n; i++) {
		if (free_ram[i].size >= need && free_ram[i].base + need <= (1UL << 30)) {
			paging_early_pool(free_ram[i].base, need);
			memmap_reserve(&boot, free_ram[i].base, need);
			return;
		}
	}
	panic("not enough memory to boot: no %lu KiB free below 1 GiB for page tables",
	      (unsigned long)(need / 1024));
}

static void memory_init(void)
{
	memmap_reserve(&boot, 0, 0x100000); /* real-mode area, BIOS, option ROMs */
	memmap_reserve(&boot, virt_to_phys(__kernel_start),
		       (uint64_t)(__kernel_end - __kernel_start));
	early_pool();
	paging_init(boot.max_phys);
	int n = memmap_free_ranges(&boot, free_ram, BOOT_MAX_RANGES);
	for (int i = 0; i < n; i++)
		pmm_add_range(free_ram[i].base, free_ram[i].size);
	paging_enable_allocator();
	pr_info("isle: memory: %lu KiB free of %lu KiB, kernel %lu KiB\n",
		(unsigned long)(pmm_free_pages() * 4), (unsigned long)(boot.max_phys / 1024),
		(unsigned long)((__kernel_end - __kernel_start) / 1024));
}

__attribute__((noinline)) void selftest_fault(void)
{
	/* Write to an address in the kernel half that is never mapped. */
	*(volatile uint64_t *)(KSTACK_BASE + KSTACK_SIZE - 8) = 0x15e;
}

/* selftest=panic_after:N / fault_after:N (N from 1 to 999): arms the panic or kernel
 * fault on the program's Nth syscall, so the report shows the calls made before it. */
static bool selftest_after(const char *prefix, int fault)
{
	size_t plen = strlen(prefix);
	uint64_t n = 0;
	const char *p = kopt.selftest + plen;

	if (strncmp(kopt.selftest, prefix, plen))
		return false;
	for (; *p >= '0' && *p <= '9' && n < 1000; p++)
		n = n * 10 + (uint64_t)(*p - '0');
	if (*p || n == 0 || n >= 1000) {
		printk("isle: selftest '%s': expected %sN with N from 1 to 999: ignored\n",
		       kopt.selftest, prefix);
		return true;
	}
	sysstat_selftest_arm(n, fault);
	return true;
}

static void selftest(void)
{
	if (!kopt.selftest[0])
		return;
	if (!strcmp(kopt.selftest, "fault"))
		selftest_fault();
	else if (!strcmp(kopt.selftest, "panic"))
		panic("selftest: panic requested by the selftest=panic option");
	else if (!strcmp(kopt.selftest, "wx"))
		wxcheck_at_exit = true; /* the audit runs at exit (wxcheck.h) */
	else if (!strcmp(kopt.selftest, "blk"))
		virtio_selftest_blk();
	else if (!strcmp(kopt.selftest, "net"))
		virtio_selftest_net();
	else if (selftest_after("panic_after:", 0) || selftest_after("fault_after:", 1))
		; /* armed: fires on the program's Nth syscall (syscall/sysstat.h) */
	else if (selftest_harden(kopt.selftest))
		; /* smap, smep, umip: after exec (start_program) */
	else
		printk("isle: unknown selftest '%s' ignored (fault, panic, wx, blk, net, "
		       "stackprot, "
		       "kstack, smap, smep, umip:INSN)\n",
		       kopt.selftest);
}

/* The root file system: ext2 on the first disk when the program comes from an image
 * (no boot bundle, or one with overrides only); with a program in the bundle, fs_init
 * makes a tmpfs root. */
/* The boot bundle, parsed once: a program with its arguments, or only overrides for the
 * disk image's manifest (ISLE_BUNDLE_OVERRIDES), or absent. */
static struct exec_args bundle;
static uint32_t bundle_flags;

static void bundle_init(void)
{
	if (boot.module_size && bundle_parse_flags(phys_to_virt(boot.module_pa), boot.module_size,
						   &bundle, &bundle_flags) < 0)
		program_exit(ISLE_EXIT_CANNOT_RUN, "no program");
}

static bool program_in_bundle(void)
{
	return boot.module_size && !(bundle_flags & ISLE_BUNDLE_OVERRIDES);
}

static void root_init(void)
{
	if (program_in_bundle())
		return;
	struct blkdev *disk = blkdev_get(0);
	if (!disk) {
		printk("isle: nothing to run: no boot bundle and no disk image\n");
		program_exit(ISLE_EXIT_CANNOT_RUN, "no program");
	}
	struct super_block *sb;
	int r = ext2_mount(disk, disk->read_only, &sb);
	if (r < 0) {
		printk("isle: cannot mount the root file system on %s (error %d)\n", disk->name, r);
		program_exit(ISLE_EXIT_CANNOT_RUN, "no root file system");
	}
	vfs_mount_root(sb);
}

/* Exec protection: the program's file (when the root has it: an image's program; a
 * bundle's program is in no file system) is read-only while it runs. */
static void protect_program_file(const char *path)
{
	struct vfs_path *p;

	if (!vm_exec_protection() || !path || vfs_lookup(vfs_root(), path, NAMEI_FOLLOW, &p))
		return;
	vfs_protect_program(p->inode);
	vfs_path_put(p);
}

static void start_program(void)
{
	struct exec_args args = bundle;
	struct exec_result res;
	uint32_t flags = 0;
	if (!program_in_bundle()) {
		if (image_load(&args, &flags) < 0)
			program_exit(ISLE_EXIT_CANNOT_RUN, "cannot execute");
		if ((bundle_flags & ISLE_BUNDLE_OVERRIDES) &&
		    bundle_apply_overrides(&args, &bundle,
					   bundle_flags & ISLE_BUNDLE_REPLACE_ARGS) < 0)
			program_exit(ISLE_EXIT_OOM, "out of memory");
	}
	vm_set_exec_protection(kopt.execprot || (flags & ISLE_MF_EXEC_PROTECTION));
	if (vm_exec_protection())
		pr_info("isle: exec protection on\n");
	args.no_aslr = kopt.noaslr || (flags & ISLE_MF_NOASLR);
	int r = exec_load(&args, &res);
	if (r == -ENOMEM) {
		printk("isle: out of memory loading %s: give the VM more memory with -m\n",
		       args.path);
		program_exit(ISLE_EXIT_OOM, "out of memory");
	}
	if (r < 0) {
		printk("isle: cannot start %s (error %d)\n", args.path, r);
		program_exit(ISLE_EXIT_CANNOT_RUN, "cannot execute");
	}
	proc_exe_path = args.path;
	protect_program_file(args.path);
	task_set_comm(current, args.path);
	proc_set_cmdline(args.argv, args.argc, args.envp, args.envc);
	gdb_program_loaded(args.path, res.load_bias, res.entry);

	memset(&user_entry, 0, sizeof(user_entry));
	user_entry.rip = res.entry;
	user_entry.rsp = res.stack;
	user_entry.rflags = 0x202;
	user_entry.cs = SEL_UCODE;
	user_entry.ss = SEL_UDATA;
	selftest_harden_user(kopt.selftest, &user_entry);

	phase("exec");
	if (kopt.boottime)
		report_boot_time(phases[nphases - 1].tsc);
	sched_return_to_user(&user_entry); /* releases the BKL taken in sched_init */
	arch_enter_user(&user_entry, current->kstack_top);
}

void kmain(uint64_t start_info_pa)
{
	phase("early");
	cpu_init();
	pvh_parse(start_info_pa, &boot);
	cmdline_parse(boot.cmdline);
	printk_verbose = kopt.verbose;
	cpu_log_features();
	phase("cpu");
	random_init(); /* first of all: it seeds the stack protector's guard */
	stackprot_init();
	phase("random");
	memory_init();
	phase("memory");
	acpi_init(boot.rsdp_pa);
	phase("acpi");
	irq_init();
	time_init();
	sched_init();
	phase("irq+time");
	smp_start_aps();
	phase("smp");
	console_init();
	powerbtn_init();
	phase("console");
	virtio_init();
	phase("virtio");
	bundle_init();
	root_init();
	fs_init();
	phase("fs");
	net_init();
	phase("net");
	selftest();
	start_program();
}
