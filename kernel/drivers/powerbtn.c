/* powerbtn.c: the ACPI power button (contract in powerbtn.h).
 *
 * Fixed hardware (ACPI 6.4 4.8.2.2.1.3 and 4.8.3.1): PWRBTN_STS is bit 8 of the PM1 status
 * register (first half of each PM1 event block; cleared by writing 1), PWRBTN_EN bit 8 of
 * the enable register (second half). Only PWRBTN_EN is left set, and every general-purpose
 * event enable (second half of each GPE block, 4.8.4.1) cleared, so the level-triggered
 * SCI (routed per the MADT's override of its ISA irq) cannot be held by another event
 * nobody clears. SCI_EN (bit 0 of PM1 control) off means the chipset is still in legacy
 * mode: ACPI_ENABLE is written to SMI_CMD first (4.8.2.5; bounded wait for SCI_EN).
 *
 * Generic Event Device (5.6.9): its interrupt and event selector come from the DSDT
 * (acpi_aml_find_ged); the selector's ACPI_GED_PWR_DOWN bit is the power button. QEMU
 * clears the selector when it is read.
 *
 * Interrupt handlers run with the BKL held; signal_send_process and ktimer_arm are safe
 * there (signal.h, timer.h). The timeout sends SIGKILL, which ends the program from thread
 * context on its way back to user mode, where the exit path may sleep on disk I/O. */
#include "drivers/powerbtn.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/paging.h"
#include "core/cmdline.h"
#include "core/printk.h"
#include "core/time.h"
#include "drivers/acpi.h"
#include "drivers/platform.h"
#include "mm/layout.h"
#include "sched/timer.h"
#include "signal/signal.h"

#define PM1_PWRBTN (1u << 8) /* PWRBTN_STS in status, PWRBTN_EN in enable */
#define PM1_CNT_SCI_EN 1u
#define SCI_EN_POLLS 100000
#define GED_VECTOR 0x30 /* between the ISA vectors (0x20-0x2f) and virtio's (0x40..) */
#define NS_PER_S 1000000000ull

static struct ktimer stop_timer;
static bool stopping;		/* a press was taken: later ones are ignored */
static volatile bool timed_out; /* read by signal_kill_default on another CPU */
static unsigned stop_timeout_s = POWERBTN_STOP_TIMEOUT_DEFAULT;
static volatile uint32_t *ged_sel;
static uint16_t pm1_sts[2]; /* status register ports; 0 when absent */
static uint16_t pm1_en[2];

bool powerbtn_stop_timed_out(void)
{
	return timed_out;
}

void powerbtn_exiting(void)
{
	ktimer_cancel(&stop_timer);
}

static void stop_timer_fired(struct ktimer *t)
{
	(void)t;
	timed_out = true;
	printk("isle: stop timeout: the program still runs %u s after SIGTERM, ending it\n",
	       stop_timeout_s);
	signal_send_process(SIGKILL, NULL);
}

static void pressed(void)
{
	if (stopping)
		return;
	stopping = true;
	printk("isle: power button: SIGTERM to the program\n");
	struct ksiginfo info = {.si_signo = SIGTERM, .si_code = SI_USER};
	signal_send_process(SIGTERM, &info);
	ktimer_arm(&stop_timer, time_monotonic_ns() + (uint64_t)stop_timeout_s * NS_PER_S);
}

static void ged_irq(struct trap_frame *tf)
{
	(void)tf;
	if (*ged_sel & ACPI_GED_PWR_DOWN)
		pressed();
}

static void sci_irq(struct trap_frame *tf)
{
	(void)tf;
	bool press = false;
	for (int i = 0; i < 2; i++) {
		if (pm1_sts[i] == 0 || !(arch_inw(pm1_sts[i]) & PM1_PWRBTN))
			continue;
		arch_outw(pm1_sts[i], PM1_PWRBTN);
		press = true;
	}
	if (press)
		pressed();
}

/* stop_timeout=N: decimal seconds, 0..POWERBTN_STOP_TIMEOUT_MAX; anything else is logged
 * and the default kept. */
static void parse_timeout(const char *s)
{
	unsigned long v = 0;
	const char *p = s;
	if (*p == '\0')
		return;
	for (; *p >= '0' && *p <= '9' && v <= POWERBTN_STOP_TIMEOUT_MAX; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (*p != '\0' || v > POWERBTN_STOP_TIMEOUT_MAX) {
		printk("isle: kernel option stop_timeout=%s: not a number of seconds 0..%u, "
		       "using %u\n",
		       s, POWERBTN_STOP_TIMEOUT_MAX, stop_timeout_s);
		return;
	}
	stop_timeout_s = (unsigned)v;
}

static bool acpi_mode_on(const struct acpi_fadt_info *f)
{
	if (f->pm1a_cnt == 0 || (arch_inw(f->pm1a_cnt) & PM1_CNT_SCI_EN))
		return true;
	if (f->smi_cmd == 0 || f->smi_cmd > 0xffff || f->acpi_enable == 0)
		return false;
	arch_outb((uint16_t)f->smi_cmd, f->acpi_enable);
	for (int i = 0; i < SCI_EN_POLLS; i++)
		if (arch_inw(f->pm1a_cnt) & PM1_CNT_SCI_EN)
			return true;
	return false;
}

/* Clear the enable half of a GPE block of len bytes at port blk. */
static void gpe_disable(uint16_t blk, uint8_t len)
{
	for (unsigned i = len / 2; blk != 0 && i < len; i++)
		arch_outb((uint16_t)(blk + i), 0);
}

static void fixed_init(const struct acpi_fadt_info *f)
{
	unsigned half = f->pm1_evt_len / 2;
	if (f->pm1a_evt == 0 || half < 2 || f->sci_int > 15) {
		pr_info("isle: acpi: no fixed-hardware power button (pm1a_evt %#x, len %u, sci "
			"%u)\n",
			f->pm1a_evt, f->pm1_evt_len, f->sci_int);
		return;
	}
	if (!acpi_mode_on(f))
		printk("isle: acpi: cannot switch to ACPI mode; the power button may not work\n");
	gpe_disable(f->gpe0_blk, f->gpe0_len);
	gpe_disable(f->gpe1_blk, f->gpe1_len);
	const uint16_t blk[2] = {f->pm1a_evt, f->pm1b_evt};
	for (int i = 0; i < 2; i++) {
		if (blk[i] == 0)
			continue;
		pm1_sts[i] = blk[i];
		pm1_en[i] = (uint16_t)(blk[i] + half);
		arch_outw(pm1_en[i], 0);
		arch_outw(pm1_sts[i], PM1_PWRBTN); /* a press from before boot is dropped */
	}
	arch_set_irq_handler(32 + f->sci_int, sci_irq);
	irq_route_isa(f->sci_int);
	for (int i = 0; i < 2; i++)
		if (pm1_en[i] != 0)
			arch_outw(pm1_en[i], PM1_PWRBTN);
	pr_info("isle: power button: fixed hardware, PM1 event block %#x, SCI irq %u\n",
		f->pm1a_evt, f->sci_int);
}

static void ged_init(const struct acpi_ged *g)
{
	if (g->active_low) {
		printk("isle: acpi: GED interrupt is active low, unsupported; no power button\n");
		return;
	}
	uint64_t page = PAGE_ALIGN_DOWN(g->evt_sel);
	if (PAGE_SIZE - (g->evt_sel - page) < 4)
		return;
	ged_sel = (volatile uint32_t *)((uintptr_t)paging_map_mmio(page, PAGE_SIZE) +
					(g->evt_sel - page));
	arch_set_irq_handler(GED_VECTOR, ged_irq);
	if (irq_route_gsi(g->gsi, GED_VECTOR, g->level) < 0) {
		printk("isle: acpi: no IOAPIC input for the GED's GSI %u; no power button\n",
		       g->gsi);
		return;
	}
	pr_info("isle: power button: generic event device, selector %#lx, GSI %u\n",
		(unsigned long)g->evt_sel, g->gsi);
}

void powerbtn_init(void)
{
	const struct acpi_platform *a = &acpi_platform;
	ktimer_init(&stop_timer, stop_timer_fired, NULL);
	parse_timeout(kopt.stop_timeout);
	if (!a->have_fadt)
		pr_info("isle: acpi: no FADT, no power button\n");
	else if (a->fadt.hw_reduced && a->have_ged)
		ged_init(&a->ged);
	else if (a->fadt.hw_reduced)
		pr_info("isle: acpi: no generic event device, no power button\n");
	else
		fixed_init(&a->fadt);
}
