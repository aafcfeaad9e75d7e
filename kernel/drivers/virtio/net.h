/* net.h: the virtio-net driver's extras beyond struct netdev: the self-test hook that sees
 * received frames before the stack, and a poll entry for code that waits with interrupts
 * off. The driver itself is started by virtio_attach (virtio_net_attach in virtio.h). */
#ifndef ISLE_DRIVERS_VIRTIO_NET_H
#define ISLE_DRIVERS_VIRTIO_NET_H

#include <stdbool.h>

#include "net/netdev.h"

/* The first virtio-net device, or NULL when there is none. */
struct netdev *virtio_net_first(void);

/* While set, every received frame is offered to fn first (interrupt handler, BKL held);
 * fn returns true when it took the packet (and then owns it). NULL restores normal
 * delivery to netdev_rx. For selftest=net. */
void virtio_net_set_rx_hook(bool (*fn)(struct netdev *nd, struct pkt *p));

/* Process completed receive and transmit buffers now, as the interrupt handler would;
 * call with interrupts off. */
void virtio_net_poll(struct netdev *nd);

/* Driver counters beyond struct netdev's (for tests and logs). */
struct virtio_net_stats {
	unsigned long rx_bad_len; /* used lengths out of range or bad num_buffers */
	unsigned long rx_nomem;	  /* frames dropped for want of a packet buffer */
	unsigned long tx_full;	  /* transmits refused: ring full */
};
void virtio_net_get_stats(struct netdev *nd, struct virtio_net_stats *st);

#endif
