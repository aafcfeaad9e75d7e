/* virtio.c: the transport-neutral half of virtio 1.x: device initialisation steps
 * (spec 3.1.1), consistent configuration reads (2.4), queue memory, and interrupt
 * vectors. Vectors VIRTIO_VECTOR_BASE.. are handed out one per device at boot and never
 * freed; the shared entry point finds the device by vector. */
#include "drivers/virtio/virtio.h"
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "drivers/pci.h"
#include "mm/layout.h"
#include "mm/pmm.h"

#define VIRTIO_VECTOR_BASE 0x40
#define VIRTIO_VECTORS 32

static struct virtio_dev *vector_owner[VIRTIO_VECTORS];

void virtio_init(void)
{
	/* q35/pc: PCI. microvm: no PCI (the ports read all ones), virtio-mmio. */
	if (pci_present())
		virtio_pci_probe();
	else
		virtio_mmio_probe();
}

void virtio_attach(struct virtio_dev *d)
{
	int r;
	switch (d->device_id) {
	case VIRTIO_ID_BLK:
		r = virtio_blk_attach(d);
		break;
	case VIRTIO_ID_NET:
		r = virtio_net_attach(d);
		break;
	default:
		pr_info("isle: virtio: %s: device type %u, no driver\n", d->where, d->device_id);
		return;
	}
	if (r < 0) {
		printk("isle: virtio: %s: device type %u not started (error %d)\n", d->where,
		       d->device_id, r);
		virtio_fail(d);
	}
}

void virtio_begin(struct virtio_dev *d)
{
	d->ops->set_status(d, 0);
	/* A reset completes when status reads back 0 (4.1.4.3.2, 4.2.2.1). */
	for (int i = 0; i < 1000000 && d->ops->get_status(d) != 0; i++)
		__asm__ volatile("pause");
	d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
}

int virtio_negotiate(struct virtio_dev *d, uint64_t wanted)
{
	uint64_t offered = d->ops->get_features(d);
	if (!((offered >> VIRTIO_F_VERSION_1) & 1))
		return -ENODEV;
	d->features = offered & (wanted | 1ULL << VIRTIO_F_VERSION_1);
	d->ops->set_features(d, d->features);
	uint8_t s = d->ops->get_status(d);
	d->ops->set_status(d, (uint8_t)(s | VIRTIO_STATUS_FEATURES_OK));
	if (!(d->ops->get_status(d) & VIRTIO_STATUS_FEATURES_OK))
		return -ENODEV;
	return 0;
}

uint32_t virtio_read_config32(struct virtio_dev *d, uint32_t offset)
{
	uint32_t gen, v;
	do {
		gen = d->ops->config_generation(d);
		v = d->ops->config_read(d, offset, 4);
	} while (gen != d->ops->config_generation(d));
	return v;
}

uint64_t virtio_read_config64(struct virtio_dev *d, uint32_t offset)
{
	uint32_t gen, lo, hi;
	do {
		gen = d->ops->config_generation(d);
		lo = d->ops->config_read(d, offset, 4);
		hi = d->ops->config_read(d, offset + 4, 4);
	} while (gen != d->ops->config_generation(d));
	return (uint64_t)hi << 32 | lo;
}

int virtio_queue_create(struct virtio_dev *d, uint16_t q, uint16_t max_size, struct vring *vr)
{
	uint16_t dev_max = d->ops->queue_max(d, q);
	if (dev_max == 0)
		return -ENODEV;
	uint16_t size = max_size < dev_max ? max_size : dev_max;
	if (size > VRING_MAX_SIZE)
		size = VRING_MAX_SIZE;
	while (size & (size - 1))
		size &= (uint16_t)(size - 1); /* round down to a power of two */
	uint64_t pages = PAGE_ALIGN_UP(vring_mem_size(size)) / PAGE_SIZE;
	uint64_t pa = pmm_alloc_contig(pages);
	if (pa == 0)
		return -ENOMEM;
	int r = vring_init(vr, size, phys_to_virt(pa), pa);
	if (r == 0)
		r = d->ops->queue_enable(d, q, vr);
	if (r < 0)
		pmm_free_contig(pa, pages);
	return r;
}

void virtio_kick(struct virtio_dev *d, uint16_t q, const struct vring *vr)
{
	if (vring_needs_notify(vr))
		d->ops->notify(d, q);
}

static void virtio_irq_entry(struct trap_frame *tf)
{
	uint64_t i = tf->vector - VIRTIO_VECTOR_BASE;
	struct virtio_dev *d = i < VIRTIO_VECTORS ? vector_owner[i] : NULL;
	if (d == NULL)
		return;
	d->ops->irq_ack(d);
	if (d->irq_fn)
		d->irq_fn(d->irq_arg);
}

int virtio_set_irq(struct virtio_dev *d, void (*fn)(void *arg), void *arg)
{
	int i = 0;
	while (i < VIRTIO_VECTORS && vector_owner[i] != NULL)
		i++;
	if (i == VIRTIO_VECTORS)
		return -EBUSY;
	d->irq_fn = fn;
	d->irq_arg = arg;
	d->vector = VIRTIO_VECTOR_BASE + i;
	vector_owner[i] = d;
	arch_set_irq_handler(d->vector, virtio_irq_entry);
	int r = d->ops->irq_setup(d, d->vector);
	if (r < 0) {
		vector_owner[i] = NULL;
		d->vector = 0;
	}
	return r;
}

void virtio_driver_ok(struct virtio_dev *d)
{
	uint8_t s = d->ops->get_status(d);
	d->ops->set_status(d, (uint8_t)(s | VIRTIO_STATUS_DRIVER_OK));
}

void virtio_fail(struct virtio_dev *d)
{
	uint8_t s = d->ops->get_status(d);
	d->ops->set_status(d, (uint8_t)(s | VIRTIO_STATUS_FAILED));
}
