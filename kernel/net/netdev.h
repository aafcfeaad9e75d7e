/* netdev.h: network devices as the stack sees them, whatever the driver (virtio-net,
 * loopback). A driver fills a struct netdev and registers it; it hands every received
 * frame to netdev_rx; the stack sends with ops->xmit. The stack never knows virtio.
 * Frames are Ethernet (the loopback device too, with zero MACs).
 * Locking: BKL. netdev_rx is called from the driver's interrupt handler (BKL held,
 * interrupts off) and must not sleep; xmit may be called from anywhere in the stack. */
#ifndef ISLE_NET_NETDEV_H
#define ISLE_NET_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "net/pkt.h"

#define NETDEV_NAME_MAX 16
#define NETDEV_F_CSUM_TX 0x1  /* can fill TCP/UDP checksums (PKT_CSUM_TX) */
#define NETDEV_F_CSUM_RX 0x2  /* marks received packets PKT_CSUM_OK */
#define NETDEV_F_LOOPBACK 0x4 /* lo */

struct netdev;

struct netdev_ops {
	/* Send one Ethernet frame (p->data = destination MAC). Takes ownership. 0, or -ENOBUFS
	 * when the device queue is full (the packet is freed: the stack retransmits or
	 * reports), -ENETDOWN. */
	int (*xmit)(struct netdev *nd, struct pkt *p);
};

struct netdev {
	char name[NETDEV_NAME_MAX]; /* "eth0", "lo" */
	uint8_t mac[6];
	uint32_t mtu;	   /* IP MTU: 1500 for Ethernet */
	uint32_t features; /* NETDEV_F_* */
	bool link_up;
	int index; /* ifindex, set by netdev_register: lo is 1, eth0 2 */
	const struct netdev_ops *ops;
	void *priv;  /* the driver's */
	void *stack; /* the stack's per-interface state (net/iface.h) */
	/* Counters (SIOCGIFSTATS-like, /proc/net/dev). */
	uint64_t rx_packets, rx_bytes, rx_dropped, tx_packets, tx_bytes, tx_dropped;
};

/* Add a device; the stack configures it (DHCP or static) when the program starts. */
void netdev_register(struct netdev *nd);
/* A received frame (p->data = Ethernet header, p->dev set by this call). Takes ownership;
 * malformed frames are counted and dropped. */
void netdev_rx(struct netdev *nd, struct pkt *p);
/* Devices by index (1..) or name; NULL when none. */
struct netdev *netdev_get(int index);
struct netdev *netdev_by_name(const char *name);
int netdev_count(void);

#endif
