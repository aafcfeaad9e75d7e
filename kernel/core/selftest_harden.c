/* selftest_harden.c: the hardening self-tests (core/selftest_harden.h). Each one breaks a
 * rule on purpose in a way the compiler cannot see or remove (volatile accesses, noinline
 * functions), so only the protection under test can stop it. */
#include "core/selftest_harden.h"
#include "abi/exit.h"
#include "arch/x86_64/arch.h"
#include "core/exit.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/uaccess.h"
#include "mm/vm.h"
#include "sched/task.h"
#include "sched/task_internal.h"

#define SELFTEST_VALUE 0x5e1f7e57ULL

static _Noreturn void fail(const char *name, const char *what)
{
	printk("isle: selftest %s: FAIL: %s\n", name, what);
	program_exit(1, "selftest failed");
}

static void require(const char *name, bool offered)
{
	if (!offered)
		fail(name, "not offered by this CPU");
}

/* ---- stackprot ---- */

/* Overruns buf by 32 bytes through a volatile pointer and count: the guard word above
 * buf is overwritten and the check before returning must catch it. */
__attribute__((noinline)) static void selftest_stackprot(void)
{
	char buf[16];
	char *volatile p = buf;
	volatile size_t n = sizeof(buf) + 32;
	for (size_t i = 0; i < n; i++)
		p[i] = 0x5a;
	__asm__ volatile("" ::"r"(buf) : "memory");
}

/* ---- kstack ---- */

static volatile bool recurse_on = true;

__attribute__((noinline)) static uint64_t selftest_kstack(uint64_t depth)
{
	volatile char frame[200];
	frame[0] = (char)depth;
	if (!recurse_on)
		return 0;
	return selftest_kstack(depth + 1) + (uint64_t)frame[0];
}

/* Recursion on a fresh task's kernel stack (the KSTACK window's guard page, task.c)
 * instead of the boot stack: switches rsp and never comes back (ud2 if it returned). */
static void selftest_kstack_task(void)
{
	struct task *t = task_alloc();
	if (!t)
		fail("kstack", "cannot allocate a task stack");
	printk("isle: selftest kstack: recursing on a task stack %#lx-%#lx\n",
	       (unsigned long)t->kstack_bottom, (unsigned long)t->kstack_top);
	uint64_t (*fn)(uint64_t) = selftest_kstack;
	__asm__ volatile("mov %0, %%rsp\n\txor %%ebp, %%ebp\n\txor %%edi, %%edi\n\t"
			 "call *%1\n\tud2" ::"r"(t->kstack_top),
			 "r"(fn)
			 : "memory");
	__builtin_unreachable();
}

/* ---- smap and smep ---- */

static uintptr_t user_page(const char *name, int prot)
{
	long a = vm_mmap(0, PAGE_SIZE, prot, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	if (a < 0)
		fail(name, "cannot map a user page");
	return (uintptr_t)a;
}

__attribute__((noinline)) static void selftest_smap(void)
{
	require("smap", cpu_features.smap);
	uintptr_t page = user_page("smap", PROT_READ | PROT_WRITE);
	uint64_t v = SELFTEST_VALUE;
	if (copy_to_user((void *)page, &v, sizeof(v)) < 0)
		fail("smap", "copy_to_user to the user page failed");
	uint64_t back = 0;
	if (copy_from_user(&back, (const void *)page, sizeof(back)) < 0 || back != v)
		fail("smap", "copy_from_user did not read the value back");
	printk("isle: selftest smap: reading user address %#lx from the kernel\n",
	       (unsigned long)page);
	back = *(volatile uint64_t *)page;
	fail("smap", "the kernel read user memory without a fault");
}

__attribute__((noinline)) static void selftest_smep(void)
{
	require("smep", cpu_features.smep);
	uintptr_t page = user_page("smep", PROT_READ | PROT_EXEC);
	static const uint8_t ret = 0xc3;
	if (vm_copy_in(page, &ret, 1) < 0)
		fail("smep", "cannot write the user page");
	printk("isle: selftest smep: calling user address %#lx from the kernel\n",
	       (unsigned long)page);
	void (*volatile fn)(void) = (void (*)(void))page;
	fn();
	fail("smep", "the kernel executed user code without a fault");
}

/* ---- umip ---- */

/* Each instruction with a register or [rsp-16] operand, then ud2 (0f 0b). */
static const struct {
	const char *name;
	uint8_t code[8];
	uint8_t len;
} umip_insns[] = {
	{"sgdt", {0x0f, 0x01, 0x44, 0x24, 0xf0, 0x0f, 0x0b}, 7}, /* sgdt [rsp-16] */
	{"sidt", {0x0f, 0x01, 0x4c, 0x24, 0xf0, 0x0f, 0x0b}, 7}, /* sidt [rsp-16] */
	{"sldt", {0x0f, 0x00, 0xc0, 0x0f, 0x0b}, 5},		 /* sldt eax */
	{"smsw", {0x0f, 0x01, 0xe0, 0x0f, 0x0b}, 5},		 /* smsw eax */
	{"str", {0x0f, 0x00, 0xc8, 0x0f, 0x0b}, 5},		 /* str eax */
};

static void selftest_umip(const char *insn, struct trap_frame *entry)
{
	require("umip", cpu_features.umip);
	for (size_t i = 0; i < sizeof(umip_insns) / sizeof(umip_insns[0]); i++) {
		if (strcmp(insn, umip_insns[i].name))
			continue;
		uintptr_t page = user_page("umip", PROT_READ | PROT_EXEC);
		if (vm_copy_in(page, umip_insns[i].code, umip_insns[i].len) < 0)
			fail("umip", "cannot write the user code");
		printk("isle: selftest umip: running %s then ud2 in user mode at %#lx\n", insn,
		       (unsigned long)page);
		entry->rip = page;
		return;
	}
	printk("isle: selftest umip: unknown instruction '%s' (sgdt, sidt, sldt, smsw, str)\n",
	       insn);
	program_exit(1, "selftest failed");
}

bool selftest_harden(const char *name)
{
	if (!strcmp(name, "stackprot")) {
		selftest_stackprot();
		fail("stackprot", "a smashed stack frame returned normally");
	}
	if (!strcmp(name, "kstack:task"))
		selftest_kstack_task();
	if (!strcmp(name, "kstack")) {
		selftest_kstack(0);
		fail("kstack", "unbounded recursion returned");
	}
	return !strcmp(name, "smap") || !strcmp(name, "smep") || !strncmp(name, "umip:", 5);
}

void selftest_harden_user(const char *name, struct trap_frame *entry)
{
	if (!strcmp(name, "smap"))
		selftest_smap();
	else if (!strcmp(name, "smep"))
		selftest_smep();
	else if (!strncmp(name, "umip:", 5))
		selftest_umip(name + 5, entry);
}
