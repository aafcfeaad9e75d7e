/* pci.c (virtio): the modern virtio-pci transport (spec 4.1). The device's registers are
 * found through vendor capabilities naming a BAR region each: common configuration,
 * notifications and device-specific configuration (the ISR region is not needed: we use
 * MSI-X). Legacy (I/O port) devices are not driven.
 *
 * Interrupts: MSI-X table entry 0 delivers the device's vector to the boot CPU's local
 * APIC (fixed delivery, edge); configuration changes and every queue use that entry.
 * Devices are allocated once at boot and never freed. */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "core/printk.h"
#include "drivers/pci.h"
#include "drivers/virtio/virtio.h"
#include "lib/format.h"
#include "mm/heap.h"

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_DEVICE 4

/* Common configuration layout (4.1.4.3). */
#define COMMON_DFSELECT 0
#define COMMON_DF 4
#define COMMON_GFSELECT 8
#define COMMON_GF 12
#define COMMON_MSIX 16
#define COMMON_NUMQ 18
#define COMMON_STATUS 20
#define COMMON_CFGGEN 21
#define COMMON_Q_SELECT 22
#define COMMON_Q_SIZE 24
#define COMMON_Q_MSIX 26
#define COMMON_Q_ENABLE 28
#define COMMON_Q_NOFF 30
#define COMMON_Q_DESC 32
#define COMMON_Q_AVAIL 40
#define COMMON_Q_USED 48
#define VIRTIO_MSI_NO_VECTOR 0xffff

#define VPCI_MAX_QUEUES 8 /* queues a driver may enable */

#define MSIX_CTRL_ENABLE 0x8000
#define MSIX_CTRL_MASKALL 0x4000
#define MSI_ADDRESS_BASE 0xfee00000u

struct vpci {
	struct virtio_dev vdev; /* first: container_of by cast */
	struct pci_dev pci;
	volatile uint8_t *common, *notify, *device;
	uint32_t notify_mult, notify_len;
	uint32_t notify_off[VPCI_MAX_QUEUES]; /* per queue, set when it is enabled */
	bool msix;
};

static struct vpci *vpci_of(struct virtio_dev *d)
{
	return (struct vpci *)d;
}

static volatile uint8_t *common8(struct virtio_dev *d, unsigned off)
{
	return vpci_of(d)->common + off;
}
static uint16_t rd16(struct virtio_dev *d, unsigned off)
{
	return *(volatile uint16_t *)common8(d, off);
}
static void wr16(struct virtio_dev *d, unsigned off, uint16_t v)
{
	*(volatile uint16_t *)common8(d, off) = v;
}
static uint32_t rd32(struct virtio_dev *d, unsigned off)
{
	return *(volatile uint32_t *)common8(d, off);
}
static void wr32(struct virtio_dev *d, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)common8(d, off) = v;
}
static void wr64(struct virtio_dev *d, unsigned off, uint64_t v)
{
	wr32(d, off, (uint32_t)v);
	wr32(d, off + 4, (uint32_t)(v >> 32));
}

static uint8_t vp_get_status(struct virtio_dev *d)
{
	return *common8(d, COMMON_STATUS);
}

static void vp_set_status(struct virtio_dev *d, uint8_t s)
{
	*common8(d, COMMON_STATUS) = s;
}

static uint64_t vp_get_features(struct virtio_dev *d)
{
	wr32(d, COMMON_DFSELECT, 0);
	uint32_t lo = rd32(d, COMMON_DF);
	wr32(d, COMMON_DFSELECT, 1);
	uint32_t hi = rd32(d, COMMON_DF);
	return (uint64_t)hi << 32 | lo;
}

static void vp_set_features(struct virtio_dev *d, uint64_t f)
{
	wr32(d, COMMON_GFSELECT, 0);
	wr32(d, COMMON_GF, (uint32_t)f);
	wr32(d, COMMON_GFSELECT, 1);
	wr32(d, COMMON_GF, (uint32_t)(f >> 32));
}

static uint32_t vp_config_read(struct virtio_dev *d, uint32_t off, unsigned width)
{
	volatile uint8_t *p = vpci_of(d)->device + off;
	if (width == 1)
		return *p;
	if (width == 2)
		return *(volatile uint16_t *)p;
	return *(volatile uint32_t *)p;
}

static uint32_t vp_config_generation(struct virtio_dev *d)
{
	return *common8(d, COMMON_CFGGEN);
}

static uint16_t vp_queue_max(struct virtio_dev *d, uint16_t q)
{
	if (q >= VPCI_MAX_QUEUES || q >= rd16(d, COMMON_NUMQ))
		return 0;
	wr16(d, COMMON_Q_SELECT, q);
	return rd16(d, COMMON_Q_SIZE);
}

static int vp_queue_enable(struct virtio_dev *d, uint16_t q, const struct vring *vr)
{
	wr16(d, COMMON_Q_SELECT, q);
	wr16(d, COMMON_Q_SIZE, vr->size);
	if (vpci_of(d)->msix) {
		wr16(d, COMMON_Q_MSIX, 0);
		if (rd16(d, COMMON_Q_MSIX) == VIRTIO_MSI_NO_VECTOR)
			return -EIO;
	}
	wr64(d, COMMON_Q_DESC, vr->desc_pa);
	wr64(d, COMMON_Q_AVAIL, vr->avail_pa);
	wr64(d, COMMON_Q_USED, vr->used_pa);
	struct vpci *v = vpci_of(d);
	uint64_t off = (uint64_t)rd16(d, COMMON_Q_NOFF) * v->notify_mult;
	if (off + 2 > v->notify_len)
		return -EIO; /* the notify address lies outside the notify region */
	v->notify_off[q] = (uint32_t)off;
	wr16(d, COMMON_Q_ENABLE, 1);
	return 0;
}

static void vp_notify(struct virtio_dev *d, uint16_t q)
{
	struct vpci *v = vpci_of(d);
	*(volatile uint16_t *)(v->notify + v->notify_off[q]) = q;
}

static int vp_irq_setup(struct virtio_dev *d, int vector)
{
	struct vpci *v = vpci_of(d);
	const struct pci_dev *p = &v->pci;
	uint8_t cap = pci_find_cap(p, PCI_CAP_ID_MSIX, 0);
	if (cap == 0)
		return -ENODEV;
	uint16_t ctrl = pci_read16(p, (uint8_t)(cap + 2));
	uint32_t table = pci_read32(p, (uint8_t)(cap + 4));
	const struct pci_bar *bar = &p->bar[table & 7];
	uint64_t off = table & ~7u;
	unsigned entries = (ctrl & 0x7ff) + 1u;
	if ((table & 7) >= PCI_BARS || bar->io || bar->base == 0 || off + 16 * entries > bar->size)
		return -ENODEV;
	volatile uint32_t *e = paging_map_mmio(bar->base + off, 16);

	uint32_t r[4];
	arch_cpuid(1, 0, r);
	uint32_t apic_id = r[1] >> 24;
	e[0] = MSI_ADDRESS_BASE | (apic_id & 0xff) << 12;
	e[1] = 0;
	e[2] = (uint32_t)vector; /* fixed delivery, edge */
	e[3] = 0;		 /* unmasked */
	pci_write16(p, (uint8_t)(cap + 2),
		    (uint16_t)((ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL));
	v->msix = true;
	wr16(d, COMMON_MSIX, 0);
	if (rd16(d, COMMON_MSIX) == VIRTIO_MSI_NO_VECTOR)
		return -ENODEV;
	return 0;
}

static void vp_irq_ack(struct virtio_dev *d)
{
	/* MSI-X: edge-triggered message, nothing to acknowledge at the device. */
}

static const struct virtio_transport_ops vpci_ops = {
	.get_status = vp_get_status,
	.set_status = vp_set_status,
	.get_features = vp_get_features,
	.set_features = vp_set_features,
	.config_read = vp_config_read,
	.config_generation = vp_config_generation,
	.queue_max = vp_queue_max,
	.queue_enable = vp_queue_enable,
	.notify = vp_notify,
	.irq_setup = vp_irq_setup,
	.irq_ack = vp_irq_ack,
};

/* Map the region a virtio capability at cap names; NULL when it is unusable. */
static volatile uint8_t *map_cap(const struct pci_dev *p, uint8_t cap, uint32_t min_len,
				 uint32_t *len_out)
{
	uint8_t bar = pci_read8(p, (uint8_t)(cap + 4));
	uint32_t off = pci_read32(p, (uint8_t)(cap + 8));
	uint32_t len = pci_read32(p, (uint8_t)(cap + 12));
	if (bar >= PCI_BARS || p->bar[bar].io || p->bar[bar].base == 0 || len < min_len ||
	    (uint64_t)off + len > p->bar[bar].size)
		return NULL;
	if (len_out)
		*len_out = len;
	return paging_map_mmio(p->bar[bar].base + off, len);
}

static void found(const struct pci_dev *p, void *arg)
{
	if (p->vendor != VIRTIO_PCI_VENDOR || p->device < 0x1000 || p->device > 0x107f)
		return;
	uint32_t type = p->device >= 0x1040 ? p->device - 0x1040u : pci_read16(p, PCI_SUBSYSTEM_ID);
	struct vpci *v = kzalloc(sizeof(*v));
	if (v == NULL)
		return;
	v->pci = *p;
	pci_decode_bars(&v->pci);
	p = &v->pci;
	fmt_snprintf(v->vdev.where, sizeof(v->vdev.where), "pci %02x:%02x.%x", p->bus, p->dev,
		     p->fn);
	for (uint8_t cap = pci_find_cap(p, PCI_CAP_ID_VENDOR, 0); cap;
	     cap = pci_find_cap(p, PCI_CAP_ID_VENDOR, cap)) {
		uint8_t kind = pci_read8(p, (uint8_t)(cap + 3));
		if (kind == VIRTIO_PCI_CAP_COMMON && !v->common)
			v->common = map_cap(p, cap, 56, NULL);
		else if (kind == VIRTIO_PCI_CAP_NOTIFY && !v->notify) {
			v->notify = map_cap(p, cap, 2, &v->notify_len);
			v->notify_mult = pci_read32(p, (uint8_t)(cap + 16));
		} else if (kind == VIRTIO_PCI_CAP_DEVICE && !v->device)
			v->device = map_cap(p, cap, 1, NULL);
	}
	if (!v->common || !v->notify || !v->device) {
		printk("isle: virtio: %s: no modern virtio-pci capabilities (legacy device?)\n",
		       v->vdev.where);
		kfree(v);
		return;
	}
	pci_enable(p);
	v->vdev.ops = &vpci_ops;
	v->vdev.transport = v;
	v->vdev.device_id = type;
	virtio_attach(&v->vdev);
}

void virtio_pci_probe(void)
{
	/* microvm has no PCI: the ports read all ones and the scan finds nothing. */
	pci_scan(found, NULL);
}
