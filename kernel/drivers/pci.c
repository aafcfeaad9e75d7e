/* pci.c: PCI configuration mechanism #1 and the bus scan (see pci.h). A BAR's size is
 * found by writing all ones and reading back which bits stick, with decoding switched
 * off meanwhile so the BAR never answers at the probe address. Bridges (header type 1)
 * are followed through their secondary bus number, at most PCI_MAX_DEPTH deep. */
#include "drivers/pci.h"
#include "arch/x86_64/arch.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA 0xcfc
#define PCI_HEADER_TYPE 0x0e
#define PCI_CLASS_REVISION 0x08
#define PCI_BAR0 0x10
#define PCI_SECONDARY_BUS 0x19
#define PCI_MAX_DEPTH 4

static uint32_t config_addr(const struct pci_dev *p, uint8_t off)
{
	return 0x80000000u | (uint32_t)p->bus << 16 | (uint32_t)p->dev << 11 |
	       (uint32_t)p->fn << 8 | (off & 0xfc);
}

uint32_t pci_read32(const struct pci_dev *p, uint8_t off)
{
	arch_outl(CONFIG_ADDRESS, config_addr(p, off));
	return arch_inl(CONFIG_DATA);
}

uint16_t pci_read16(const struct pci_dev *p, uint8_t off)
{
	return (uint16_t)(pci_read32(p, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_dev *p, uint8_t off)
{
	return (uint8_t)(pci_read32(p, off) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_dev *p, uint8_t off, uint32_t v)
{
	arch_outl(CONFIG_ADDRESS, config_addr(p, off));
	arch_outl(CONFIG_DATA, v);
}

void pci_write16(const struct pci_dev *p, uint8_t off, uint16_t v)
{
	arch_outl(CONFIG_ADDRESS, config_addr(p, off));
	arch_outw((uint16_t)(CONFIG_DATA + (off & 2)), v);
}

/* Decode BAR i; returns how many BAR slots it used (2 for a 64-bit memory BAR). */
static int decode_bar(struct pci_dev *p, int i)
{
	uint8_t off = (uint8_t)(PCI_BAR0 + 4 * i);
	uint32_t lo = pci_read32(p, off);
	struct pci_bar *b = &p->bar[i];
	if (lo & 1) {
		pci_write32(p, off, 0xffffffffu);
		uint32_t mask = pci_read32(p, off) & ~3u & 0xffff;
		pci_write32(p, off, lo);
		b->io = true;
		b->base = lo & ~3u;
		b->size = mask ? (~mask & 0xffff) + 1 : 0;
		return 1;
	}
	bool is64 = ((lo >> 1) & 3) == 2 && i + 1 < PCI_BARS;
	uint32_t hi = is64 ? pci_read32(p, (uint8_t)(off + 4)) : 0;
	pci_write32(p, off, 0xffffffffu);
	uint64_t mask = pci_read32(p, off) & ~0xfu;
	pci_write32(p, off, lo);
	if (is64) {
		pci_write32(p, (uint8_t)(off + 4), 0xffffffffu);
		mask |= (uint64_t)pci_read32(p, (uint8_t)(off + 4)) << 32;
		pci_write32(p, (uint8_t)(off + 4), hi);
	} else if (mask) {
		mask |= 0xffffffff00000000ull;
	}
	b->io = false;
	b->base = ((uint64_t)hi << 32 | lo) & ~0xfull;
	b->size = mask ? ~mask + 1 : 0;
	return is64 ? 2 : 1;
}

void pci_decode_bars(struct pci_dev *p)
{
	for (int i = 0; i < PCI_BARS; i++)
		p->bar[i] = (struct pci_bar){0, 0, false};
	if ((pci_read8(p, PCI_HEADER_TYPE) & 0x7f) != 0)
		return;
	uint16_t cmd = pci_read16(p, PCI_COMMAND);
	pci_write16(p, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < PCI_BARS;)
		i += decode_bar(p, i);
	pci_write16(p, PCI_COMMAND, cmd);
}

static void scan_bus(uint8_t bus, int depth, void (*fn)(const struct pci_dev *p, void *arg),
		     void *arg);

static void scan_function(struct pci_dev *p, int depth,
			  void (*fn)(const struct pci_dev *p, void *arg), void *arg)
{
	uint32_t id = pci_read32(p, PCI_VENDOR_ID);
	p->vendor = (uint16_t)id;
	p->device = (uint16_t)(id >> 16);
	uint32_t cls = pci_read32(p, PCI_CLASS_REVISION);
	p->class_code = (uint8_t)(cls >> 24);
	p->subclass = (uint8_t)(cls >> 16);
	for (int i = 0; i < PCI_BARS; i++)
		p->bar[i] = (struct pci_bar){0, 0, false};
	uint8_t htype = pci_read8(p, PCI_HEADER_TYPE) & 0x7f;
	fn(p, arg);
	if (htype == 1 && depth < PCI_MAX_DEPTH) {
		uint8_t secondary = pci_read8(p, PCI_SECONDARY_BUS);
		if (secondary > p->bus)
			scan_bus(secondary, depth + 1, fn, arg);
	}
}

static void scan_bus(uint8_t bus, int depth, void (*fn)(const struct pci_dev *p, void *arg),
		     void *arg)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		struct pci_dev p = {.bus = bus, .dev = dev, .fn = 0};
		if (pci_read16(&p, PCI_VENDOR_ID) == 0xffff)
			continue;
		bool multi = pci_read8(&p, PCI_HEADER_TYPE) & 0x80;
		for (uint8_t f = 0; f < (multi ? 8 : 1); f++) {
			p.fn = f;
			if (pci_read16(&p, PCI_VENDOR_ID) == 0xffff)
				continue;
			scan_function(&p, depth, fn, arg);
		}
	}
}

bool pci_present(void)
{
	struct pci_dev p = {0};
	return pci_read16(&p, PCI_VENDOR_ID) != 0xffff;
}

void pci_scan(void (*fn)(const struct pci_dev *p, void *arg), void *arg)
{
	scan_bus(0, 0, fn, arg);
}

uint8_t pci_find_cap(const struct pci_dev *p, uint8_t id, uint8_t after)
{
	if (!(pci_read16(p, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	uint8_t off = after ? pci_read8(p, (uint8_t)(after + 1)) : pci_read8(p, PCI_CAP_PTR);
	for (int n = 0; n < 48 && off >= 0x40; n++) {
		off &= 0xfc;
		if (pci_read8(p, off) == id)
			return off;
		off = pci_read8(p, (uint8_t)(off + 1));
	}
	return 0;
}

void pci_enable(const struct pci_dev *p)
{
	uint16_t cmd = pci_read16(p, PCI_COMMAND);
	pci_write16(p, PCI_COMMAND,
		    cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
}
