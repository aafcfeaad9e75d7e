/* poweroff.c: turn the VM off through ACPI S5 (ACPI 6.4 7.4.2 and 4.8.3.2.1), else reset.
 *
 * Hardware-reduced machines (QEMU microvm's GED) take SLP_TYP << 2 | SLP_EN (bit 5) in the
 * FADT's sleep control register; the others take SLP_TYP << 10 | SLP_EN (bit 13) in the
 * PM1a (and PM1b) control blocks (q35: 0x604, pc: 0xb004). SLP_TYP is \_S5's; without it,
 * 0 for PM1 (QEMU's PIIX4 and ICH9 treat type 0 as soft-off) and 5 for the sleep control
 * register (QEMU's GED accepts only 5). QEMU stops the VM asynchronously, so spin a while
 * before the reset fallback. Runs with interrupts off, allocates nothing, prints nothing
 * (the exit line must stay the log's last line). */
#include "drivers/acpi.h"
#include "arch/x86_64/arch.h"
#include "drivers/platform.h"

#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN (1u << 13)
#define SLEEP_CTL_SLP_TYP_SHIFT 2
#define SLEEP_CTL_SLP_EN (1u << 5)
#define GED_S5_TYPE 5
#define SPIN_TSC_TICKS (1ull << 30) /* ~0.3 s at 3 GHz: long enough for QEMU to act */

static void write_gas(const struct acpi_gas *g, volatile void *va, uint32_t v)
{
	if (g->space == ACPI_SPACE_MEMORY && va != NULL) {
		if (g->bit_width == 32)
			*(volatile uint32_t *)va = v;
		else if (g->bit_width == 16)
			*(volatile uint16_t *)va = (uint16_t)v;
		else
			*(volatile uint8_t *)va = (uint8_t)v;
	} else if (g->space == ACPI_SPACE_IO && g->address != 0 && g->address <= 0xffff) {
		uint16_t port = (uint16_t)g->address;
		if (g->bit_width == 32)
			arch_outl(port, v);
		else if (g->bit_width == 16)
			arch_outw(port, (uint16_t)v);
		else
			arch_outb(port, (uint8_t)v);
	}
}

static void pm1_sleep(uint16_t port, uint8_t typ)
{
	if (port == 0)
		return;
	uint16_t v = arch_inw(port);
	v = (uint16_t)((v & ~PM1_SLP_TYP_MASK) | (unsigned)typ << PM1_SLP_TYP_SHIFT);
	arch_outw(port, (uint16_t)(v | PM1_SLP_EN));
}

_Noreturn void platform_poweroff(void)
{
	const struct acpi_platform *a = &acpi_platform;
	arch_irq_disable();
	if (a->have_fadt && a->fadt.hw_reduced) {
		uint8_t typ = a->have_s5 ? a->s5_typ_a : GED_S5_TYPE;
		write_gas(&a->fadt.sleep_control, a->sleep_control_va,
			  (uint32_t)typ << SLEEP_CTL_SLP_TYP_SHIFT | SLEEP_CTL_SLP_EN);
	} else if (a->have_fadt) {
		pm1_sleep(a->fadt.pm1a_cnt, a->have_s5 ? a->s5_typ_a : 0);
		pm1_sleep(a->fadt.pm1b_cnt, a->have_s5 ? a->s5_typ_b : 0);
	}
	uint64_t start = arch_rdtsc();
	while (arch_rdtsc() - start < SPIN_TSC_TICKS)
		__builtin_ia32_pause();
	arch_reset();
}
