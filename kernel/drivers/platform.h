/* platform.h: the machine around the CPU: the kernel log port, ACPI tables, power off,
 * interrupt routing (IOAPIC; legacy PICs masked). */
#ifndef ISLE_DRIVERS_PLATFORM_H
#define ISLE_DRIVERS_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kernel log channel (debugcon, port 0xe9). Usable before anything else is set up. */
void logport_write(const char *buf, size_t n);

/* Find ACPI tables (rsdp_pa from the PVH start info, 0 to scan the BIOS area). */
void acpi_init(uint64_t rsdp_pa);
/* Power the machine off: ACPI S5 (PM1a control or the hardware-reduced sleep control
 * register); if that does not stop the VM, reset it (ends QEMU run with -no-reboot). */
_Noreturn void platform_poweroff(void);

/* Interrupt routing: mask the 8259 PICs, find the IOAPIC (MADT, else 0xfec00000) and route
 * ISA irq (0..15) to vector 32 + irq on CPU 0, edge triggered, unmasked. */
void irq_init(void);
void irq_route_isa(int isa_irq);
/* Route GSI gsi to vector (32..254) on CPU 0, active high, edge or level triggered,
 * unmasked. -ENODEV when no IOAPIC has that input. */
int irq_route_gsi(uint32_t gsi, int vector, bool level);
/* How many IOAPICs irq_init found (QEMU microvm: 2 when it has the second one). */
unsigned irq_ioapic_count(void);
/* Signal end of interrupt to the local APIC (called after every IRQ handler). */
void lapic_eoi(void);
/* LAPIC: init (maps it, enables it, spurious vector 0xff) and the one-shot timer on vector
 * LAPIC_TIMER_VECTOR: fire once after ns nanoseconds (0 cancels). */
#define LAPIC_TIMER_VECTOR 0xf0
void lapic_init(void);
void lapic_timer_oneshot(uint64_t ns);
/* SMP (lapic_init first, on each CPU). This CPU's APIC ID (x2APIC: 32 bits, else 8);
 * whether the APICs run in x2APIC mode. */
uint32_t lapic_id(void);
bool lapic_x2apic(void);
/* Send to the APIC apic_id: a fixed interrupt on vector (an IPI), an INIT, or a STARTUP
 * IPI whose vector is the page number (below 1 MiB) of the real-mode start address.
 * Return once the local APIC has sent it. */
void lapic_send_ipi(uint32_t apic_id, int vector);
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint32_t page);

#endif
