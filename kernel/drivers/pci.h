/* pci.h: PCI configuration space through the legacy ports 0xcf8/0xcfc (configuration
 * mechanism #1), a scan of bus 0 and the buses behind PCI-to-PCI bridges, and BAR
 * decoding. The firmware (SeaBIOS on q35/pc) has assigned bus numbers and BARs; we only
 * read them. Boot-time, single CPU, no locking. */
#ifndef ISLE_DRIVERS_PCI_H
#define ISLE_DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_BARS 6

/* Configuration registers (type 0 header). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAP_PTR 0x34
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAP_ID_MSIX 0x11
#define PCI_CAP_ID_VENDOR 0x09

struct pci_bar {
	uint64_t base; /* physical (memory) or port (I/O) address; 0 when unassigned */
	uint64_t size; /* bytes; 0 when the BAR is absent */
	bool io;
};

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class_code, subclass;
	struct pci_bar bar[PCI_BARS]; /* filled by pci_decode_bars; a 64-bit BAR fills its
				       * slot and leaves the next one empty */
};

uint32_t pci_read32(const struct pci_dev *p, uint8_t off);
uint16_t pci_read16(const struct pci_dev *p, uint8_t off);
uint8_t pci_read8(const struct pci_dev *p, uint8_t off);
void pci_write32(const struct pci_dev *p, uint8_t off, uint32_t v);
void pci_write16(const struct pci_dev *p, uint8_t off, uint16_t v);

/* Whether the machine has PCI configuration space (a host bridge at 00:00.0). */
bool pci_present(void);

/* Call fn for every function found (identity filled in, BARs not yet decoded). The
 * pci_dev is the scanner's: copy it to keep it. */
void pci_scan(void (*fn)(const struct pci_dev *p, void *arg), void *arg);

/* Decode the BARs of a type 0 function: base, size, I/O or memory. Decoding is switched
 * off while each BAR is sized, so call it before the device is in use. */
void pci_decode_bars(struct pci_dev *p);

/* Offset of the first capability with id at or after the one at offset `after` (0: from
 * the start of the list); 0 when none. */
uint8_t pci_find_cap(const struct pci_dev *p, uint8_t id, uint8_t after);

/* Turn on memory decoding and bus mastering (DMA), and mask the legacy INTx pin. */
void pci_enable(const struct pci_dev *p);

#endif
