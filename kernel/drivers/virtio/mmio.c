/* mmio.c (virtio): the virtio-mmio transport, version 2 only (spec 4.2.2), as QEMU's
 * microvm machine lays it out: transport i at 0xfeb00000 + 512 * i, its interrupt on
 * GSI base + i, where the base is 24 when the machine has its second IOAPIC (ACPI on,
 * the default), 16 with ACPI but one IOAPIC, and 5 without ACPI (then 8 transports).
 * An empty transport reads device id 0. QEMU 7.2 offers version 1 (legacy) unless run
 * with -global virtio-mmio.force-legacy=false; such devices are reported and skipped.
 *
 * Interrupts are routed edge triggered: the handler acknowledges every pending cause
 * before the driver looks at its rings, so a completion that lands after the
 * acknowledgement raises a new edge and none is lost. */
#include "arch/x86_64/paging.h"
#include "core/errno.h"
#include "core/printk.h"
#include "drivers/acpi.h"
#include "drivers/platform.h"
#include "drivers/virtio/virtio.h"
#include "lib/format.h"
#include "mm/heap.h"

#define MMIO_BASE_PA 0xfeb00000u
#define MMIO_STRIDE 512u
#define MMIO_MAX_SLOTS 24u
#define MMIO_MAGIC_VALUE 0x74726976u /* "virt" */

/* Registers (4.2.2). */
#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_DEVICE_FEATURES 0x010
#define R_DEVICE_FEATURES_SEL 0x014
#define R_DRIVER_FEATURES 0x020
#define R_DRIVER_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INTERRUPT_STATUS 0x060
#define R_INTERRUPT_ACK 0x064
#define R_STATUS 0x070
#define R_QUEUE_DESC_LOW 0x080
#define R_QUEUE_DESC_HIGH 0x084
#define R_QUEUE_DRIVER_LOW 0x090
#define R_QUEUE_DRIVER_HIGH 0x094
#define R_QUEUE_DEVICE_LOW 0x0a0
#define R_QUEUE_DEVICE_HIGH 0x0a4
#define R_CONFIG_GENERATION 0x0fc
#define R_CONFIG 0x100

struct vmmio {
	struct virtio_dev vdev; /* first: container_of by cast */
	volatile uint8_t *regs;
	uint32_t gsi;
};

static volatile uint8_t *regs_of(struct virtio_dev *d)
{
	return ((struct vmmio *)d)->regs;
}
static uint32_t rd(struct virtio_dev *d, unsigned off)
{
	return *(volatile uint32_t *)(regs_of(d) + off);
}
static void wr(struct virtio_dev *d, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(regs_of(d) + off) = v;
}

static uint8_t vm_get_status(struct virtio_dev *d)
{
	return (uint8_t)rd(d, R_STATUS);
}

static void vm_set_status(struct virtio_dev *d, uint8_t s)
{
	wr(d, R_STATUS, s);
}

static uint64_t vm_get_features(struct virtio_dev *d)
{
	wr(d, R_DEVICE_FEATURES_SEL, 0);
	uint32_t lo = rd(d, R_DEVICE_FEATURES);
	wr(d, R_DEVICE_FEATURES_SEL, 1);
	uint32_t hi = rd(d, R_DEVICE_FEATURES);
	return (uint64_t)hi << 32 | lo;
}

static void vm_set_features(struct virtio_dev *d, uint64_t f)
{
	wr(d, R_DRIVER_FEATURES_SEL, 0);
	wr(d, R_DRIVER_FEATURES, (uint32_t)f);
	wr(d, R_DRIVER_FEATURES_SEL, 1);
	wr(d, R_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

static uint32_t vm_config_read(struct virtio_dev *d, uint32_t off, unsigned width)
{
	volatile uint8_t *p = regs_of(d) + R_CONFIG + off;
	if (width == 1)
		return *p;
	if (width == 2)
		return *(volatile uint16_t *)p;
	return *(volatile uint32_t *)p;
}

static uint32_t vm_config_generation(struct virtio_dev *d)
{
	return rd(d, R_CONFIG_GENERATION);
}

static uint16_t vm_queue_max(struct virtio_dev *d, uint16_t q)
{
	wr(d, R_QUEUE_SEL, q);
	if (rd(d, R_QUEUE_READY) != 0)
		return 0; /* already in use: not ours to set up */
	uint32_t max = rd(d, R_QUEUE_NUM_MAX);
	return (uint16_t)(max > 0xffff ? 0xffff : max);
}

static int vm_queue_enable(struct virtio_dev *d, uint16_t q, const struct vring *vr)
{
	wr(d, R_QUEUE_SEL, q);
	wr(d, R_QUEUE_NUM, vr->size);
	wr(d, R_QUEUE_DESC_LOW, (uint32_t)vr->desc_pa);
	wr(d, R_QUEUE_DESC_HIGH, (uint32_t)(vr->desc_pa >> 32));
	wr(d, R_QUEUE_DRIVER_LOW, (uint32_t)vr->avail_pa);
	wr(d, R_QUEUE_DRIVER_HIGH, (uint32_t)(vr->avail_pa >> 32));
	wr(d, R_QUEUE_DEVICE_LOW, (uint32_t)vr->used_pa);
	wr(d, R_QUEUE_DEVICE_HIGH, (uint32_t)(vr->used_pa >> 32));
	wr(d, R_QUEUE_READY, 1);
	return rd(d, R_QUEUE_READY) == 1 ? 0 : -EIO;
}

static void vm_notify(struct virtio_dev *d, uint16_t q)
{
	wr(d, R_QUEUE_NOTIFY, q);
}

static int vm_irq_setup(struct virtio_dev *d, int vector)
{
	return irq_route_gsi(((struct vmmio *)d)->gsi, vector, false);
}

static void vm_irq_ack(struct virtio_dev *d)
{
	uint32_t pending = rd(d, R_INTERRUPT_STATUS);
	if (pending)
		wr(d, R_INTERRUPT_ACK, pending);
}

static const struct virtio_transport_ops vmmio_ops = {
	.get_status = vm_get_status,
	.set_status = vm_set_status,
	.get_features = vm_get_features,
	.set_features = vm_set_features,
	.config_read = vm_config_read,
	.config_generation = vm_config_generation,
	.queue_max = vm_queue_max,
	.queue_enable = vm_queue_enable,
	.notify = vm_notify,
	.irq_setup = vm_irq_setup,
	.irq_ack = vm_irq_ack,
};

void virtio_mmio_probe(void)
{
	unsigned slots = 8, gsi_base = 5;
	if (irq_ioapic_count() > 1) {
		slots = MMIO_MAX_SLOTS;
		gsi_base = 24;
	} else if (acpi_platform.have_madt) {
		gsi_base = 16;
	}
	volatile uint8_t *base = paging_map_mmio(MMIO_BASE_PA, slots * MMIO_STRIDE);
	for (unsigned i = 0; i < slots; i++) {
		volatile uint8_t *regs = base + i * MMIO_STRIDE;
		volatile uint32_t *r32 = (volatile uint32_t *)regs;
		if (r32[R_MAGIC / 4] != MMIO_MAGIC_VALUE || r32[R_DEVICE_ID / 4] == 0)
			continue;
		uint32_t pa = MMIO_BASE_PA + i * MMIO_STRIDE;
		if (r32[R_VERSION / 4] != 2) {
			printk("isle: virtio: mmio %#x: version %u device (legacy) not supported: "
			       "run QEMU with -global virtio-mmio.force-legacy=false\n",
			       pa, r32[R_VERSION / 4]);
			continue;
		}
		struct vmmio *v = kzalloc(sizeof(*v));
		if (v == NULL)
			return;
		v->regs = regs;
		v->gsi = gsi_base + i;
		v->vdev.ops = &vmmio_ops;
		v->vdev.transport = v;
		v->vdev.device_id = r32[R_DEVICE_ID / 4];
		fmt_snprintf(v->vdev.where, sizeof(v->vdev.where), "mmio %#x", pa);
		virtio_attach(&v->vdev);
	}
}
