/* virtio.h: virtio 1.x devices as their drivers see them, whatever the transport. A
 * transport (pci.c: modern virtio-pci; mmio.c: virtio-mmio version 2) finds a device,
 * fills a struct virtio_dev with its ops and hands it to virtio_attach, which starts the
 * driver for its device type (blk.c). Drivers use only the functions below: they never
 * know PCI from MMIO.
 *
 * Initialisation order a driver follows (spec 3.1.1): virtio_begin (reset, ACKNOWLEDGE,
 * DRIVER), virtio_negotiate, virtio_read_config*, virtio_queue_create per queue,
 * virtio_set_irq, virtio_driver_ok. On failure virtio_fail marks the device FAILED.
 *
 * Single CPU. A device's interrupt handler runs with interrupts off; everything else
 * runs at boot or with interrupts off around shared state. */
#ifndef ISLE_DRIVERS_VIRTIO_VIRTIO_H
#define ISLE_DRIVERS_VIRTIO_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/virtio/ring.h"

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED 128

/* Transport-level feature bits (6). */
#define VIRTIO_F_VERSION_1 32

/* Device types (5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLK 2

struct virtio_dev;

/* What each transport implements. Offsets into the device-specific configuration are in
 * bytes; width is 1, 2 or 4. */
struct virtio_transport_ops {
	uint8_t (*get_status)(struct virtio_dev *d);
	void (*set_status)(struct virtio_dev *d, uint8_t status); /* 0 resets the device */
	uint64_t (*get_features)(struct virtio_dev *d);
	void (*set_features)(struct virtio_dev *d, uint64_t features);
	uint32_t (*config_read)(struct virtio_dev *d, uint32_t offset, unsigned width);
	uint32_t (*config_generation)(struct virtio_dev *d);
	/* Largest size of queue q; 0 when the queue does not exist. */
	uint16_t (*queue_max)(struct virtio_dev *d, uint16_t q);
	/* Give queue q its ring (vr->size entries) and enable it. 0 or -EIO. */
	int (*queue_enable)(struct virtio_dev *d, uint16_t q, const struct vring *vr);
	void (*notify)(struct virtio_dev *d, uint16_t q);
	/* Route the device's interrupt to vector. 0 or -ENODEV. */
	int (*irq_setup)(struct virtio_dev *d, int vector);
	/* Acknowledge the interrupt at the device (from the interrupt handler). */
	void (*irq_ack)(struct virtio_dev *d);
};

struct virtio_dev {
	/* Set by the transport before virtio_attach. */
	const struct virtio_transport_ops *ops;
	void *transport;    /* transport's private state */
	uint32_t device_id; /* VIRTIO_ID_* */
	char where[32];	    /* "pci 00:04.0", "mmio 0xfeb00000": for logs */
	/* Set by virtio_negotiate / virtio_set_irq. */
	uint64_t features; /* negotiated */
	int vector;
	void (*irq_fn)(void *arg);
	void *irq_arg;
};

/* Find every virtio device (PCI on q35/pc, MMIO on microvm) and start its driver. Boot,
 * once, after irq_init. */
void virtio_init(void);

/* Called by a transport for each device found: starts the matching driver (or logs that
 * there is none). d must stay allocated for good. */
void virtio_attach(struct virtio_dev *d);

/* Reset the device and set ACKNOWLEDGE | DRIVER. */
void virtio_begin(struct virtio_dev *d);
/* Accept the offered features that are in wanted (VIRTIO_F_VERSION_1 is always added and
 * required), set FEATURES_OK and check the device kept it. 0, or -ENODEV when the device
 * does not do virtio 1.x or refused the features. d->features holds the result. */
int virtio_negotiate(struct virtio_dev *d, uint64_t wanted);
static inline bool virtio_has(const struct virtio_dev *d, unsigned bit)
{
	return (d->features >> bit) & 1;
}
/* Device-specific configuration fields, read consistently (config generation). */
uint32_t virtio_read_config32(struct virtio_dev *d, uint32_t offset);
uint64_t virtio_read_config64(struct virtio_dev *d, uint32_t offset);
/* Allocate ring memory for queue q (size: at most max_size and what the device allows,
 * rounded down to a power of two), set it up in vr and enable the queue. 0, -ENODEV (no
 * such queue), -ENOMEM, -EIO. */
int virtio_queue_create(struct virtio_dev *d, uint16_t q, uint16_t max_size, struct vring *vr);
/* Notify the device of new buffers in queue q (when the ring says it wants it). */
void virtio_kick(struct virtio_dev *d, uint16_t q, const struct vring *vr);
/* Allocate an interrupt vector for d and route the device's interrupt to fn(arg), which
 * runs with interrupts off after the device was acknowledged. 0, -EBUSY (no vector
 * left), -ENODEV. */
int virtio_set_irq(struct virtio_dev *d, void (*fn)(void *arg), void *arg);
/* Set DRIVER_OK: the device is live. */
void virtio_driver_ok(struct virtio_dev *d);
/* Set FAILED (give up on the device). */
void virtio_fail(struct virtio_dev *d);

/* Transports (pci.c, mmio.c): probe and virtio_attach each device. */
void virtio_pci_probe(void);
void virtio_mmio_probe(void);

/* Device drivers. */
int virtio_blk_attach(struct virtio_dev *d);
int virtio_net_attach(struct virtio_dev *d); /* net.c */

/* selftest=blk (selftest.c): read, write and check the last sectors of disk 0. */
void virtio_selftest_blk(void);
/* selftest=net (net_selftest.c): ARP for 10.0.2.2 through the driver; exits the VM. */
void virtio_selftest_net(void);

#endif
