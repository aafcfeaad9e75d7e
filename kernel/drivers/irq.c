/* irq.c: interrupt routing: the legacy 8259 PICs are remapped to vectors 0x20-0x2f and
 * masked for good; device interrupts go through the IOAPIC (82093AA data sheet).
 *
 * IOAPICs come from the MADT (else one at 0xfec00000 with GSI base 0; QEMU microvm has a
 * second one for GSIs 24+). An ISA irq is GSI = irq unless the MADT overrides it, with
 * the override's polarity and trigger (ISA default: active high, edge). Redirection
 * entries start masked at reset, so only the routed ones are written. Destination: the
 * boot CPU's APIC ID (CPUID.1:EBX[31:24]), fixed delivery, physical mode. irq_init also
 * brings up the local APIC, which must be software-enabled to accept anything. */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "core/printk.h"
#include "drivers/acpi.h"
#include "drivers/platform.h"
#include "mm/layout.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01

#define IOAPIC_DEFAULT_BASE 0xfec00000u
#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))
#define RED_ACTIVE_LOW (1u << 13)
#define RED_LEVEL (1u << 15)
#define RED_MASKED (1u << 16)

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base;
	uint32_t count; /* redirection entries */
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned n_ioapics;

static uint32_t ioapic_read(const struct ioapic *io, uint32_t reg)
{
	io->regs[IOREGSEL / 4] = reg;
	return io->regs[IOWIN / 4];
}

static void ioapic_write(const struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[IOREGSEL / 4] = reg;
	io->regs[IOWIN / 4] = v;
}

static void pic_disable(void)
{
	/* ICW1-4: cascade, vectors 0x20/0x28, slave on IR2, 8086 mode; then mask everything,
	 * so a spurious PIC interrupt at worst lands on a harmless vector. */
	arch_outb(PIC1_CMD, ICW1_INIT_ICW4);
	arch_outb(PIC2_CMD, ICW1_INIT_ICW4);
	arch_outb(PIC1_DATA, 0x20);
	arch_outb(PIC2_DATA, 0x28);
	arch_outb(PIC1_DATA, 1 << 2);
	arch_outb(PIC2_DATA, 2);
	arch_outb(PIC1_DATA, ICW4_8086);
	arch_outb(PIC2_DATA, ICW4_8086);
	arch_outb(PIC1_DATA, 0xff);
	arch_outb(PIC2_DATA, 0xff);
}

static void ioapic_add(uint32_t address, uint32_t gsi_base)
{
	if (n_ioapics == ACPI_MAX_IOAPICS)
		return;
	struct ioapic *io = &ioapics[n_ioapics++];
	uint64_t page = PAGE_ALIGN_DOWN((uint64_t)address);
	io->regs = (volatile uint32_t *)((uintptr_t)paging_map_mmio(page, PAGE_SIZE) +
					 (address - page));
	io->gsi_base = gsi_base;
	io->count = ((ioapic_read(io, IOAPIC_VER) >> 16) & 0xff) + 1;
}

void irq_init(void)
{
	pic_disable();
	lapic_init();
	const struct acpi_platform *a = &acpi_platform;
	if (a->have_madt)
		for (unsigned i = 0; i < a->madt.n_ioapics; i++)
			ioapic_add(a->madt.ioapic[i].address, a->madt.ioapic[i].gsi_base);
	if (n_ioapics == 0)
		ioapic_add(IOAPIC_DEFAULT_BASE, 0);
}

static const struct ioapic *ioapic_for(uint32_t gsi)
{
	for (unsigned i = 0; i < n_ioapics; i++)
		if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].count)
			return &ioapics[i];
	return NULL;
}

/* Point GSI gsi (an input of io) at the boot CPU with redirection entry bits low. */
static void ioapic_route(const struct ioapic *io, uint32_t gsi, uint32_t low)
{
	uint32_t r[4];
	arch_cpuid(1, 0, r);
	uint32_t apic_id = r[1] >> 24;
	uint32_t pin = gsi - io->gsi_base;
	ioapic_write(io, IOAPIC_REDTBL(pin), RED_MASKED);
	ioapic_write(io, IOAPIC_REDTBL(pin) + 1, apic_id << 24);
	ioapic_write(io, IOAPIC_REDTBL(pin), low);
}

void irq_route_isa(int isa_irq)
{
	BUG_ON(isa_irq < 0 || isa_irq > 15);
	uint32_t gsi = (uint32_t)isa_irq, flags = 0;
	const struct acpi_platform *a = &acpi_platform;
	for (unsigned i = 0; a->have_madt && i < a->madt.n_overrides; i++) {
		if (a->madt.override[i].isa_irq == isa_irq) {
			gsi = a->madt.override[i].gsi;
			flags = a->madt.override[i].flags;
		}
	}
	const struct ioapic *io = ioapic_for(gsi);
	if (io == NULL) {
		printk("isle: irq: no IOAPIC input for ISA irq %d (GSI %u)\n", isa_irq, gsi);
		return;
	}
	uint32_t low = 32 + (uint32_t)isa_irq;
	if ((flags & ACPI_MPS_POLARITY_MASK) == ACPI_MPS_ACTIVE_LOW)
		low |= RED_ACTIVE_LOW;
	if ((flags & ACPI_MPS_TRIGGER_MASK) == ACPI_MPS_LEVEL)
		low |= RED_LEVEL;
	ioapic_route(io, gsi, low);
}

int irq_route_gsi(uint32_t gsi, int vector, bool level)
{
	BUG_ON(vector < 32 || vector > 254);
	const struct ioapic *io = ioapic_for(gsi);
	if (io == NULL)
		return -ENODEV;
	ioapic_route(io, gsi, (uint32_t)vector | (level ? RED_LEVEL : 0));
	return 0;
}

unsigned irq_ioapic_count(void)
{
	return n_ioapics;
}
