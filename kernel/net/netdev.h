/* netdev.h: network devices as the stack sees them, whatever the driver (virtio-net,
 * loopback). A driver fills a struct netdev and registers it; it hands every received
 * frame to netdev_rx_queue; the stack sends with ops->xmit. The stack never knows virtio.
 * Frames are Ethernet (the loopback device too, with zero MACs).
 * Locking: BKL. The stack runs only in thread context, from net_rx_poll and syscalls;
 * interrupt handlers only queue (netdev_rx_queue). Input must not sleep; xmit may be
 * called from anywhere in the stack. */
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
 * malformed frames are counted and dropped. Runs the stack's input at once, so it is only
 * for callers that did not interrupt stack code (net_rx_poll, host tests). */
void netdev_rx(struct netdev *nd, struct pkt *p);
/* The same for a frame that must not be processed now: from an interrupt handler (the
 * driver's receive interrupt, which may have interrupted this CPU in the middle of the
 * stack: the BKL does not keep its own interrupts out) and from the loopback device's
 * xmit (a send never re-enters the stack's input). The frame waits on the backlog for the
 * next net_rx_poll. Takes ownership; -ENOBUFS (frame dropped, counted in rx_dropped) when
 * NETDEV_BACKLOG_MAX frames already wait. Any context. */
#define NETDEV_BACKLOG_MAX 1024
int netdev_rx_queue(struct netdev *nd, struct pkt *p);
/* The stack's poll point: run the network timers that fired (net_timer.h), then the input
 * for the backlog, in rounds (input may send on lo, whose frames join the backlog) up to
 * a bound. Called where no stack code can be in progress on this CPU: on every way back
 * to user mode (sched_return_to_user) and by the idle loop. Not reentrant: a nested call
 * returns at once. */
void net_rx_poll(void);
/* Is work waiting for net_rx_poll (frames, fired timers)? The idle loop asks with
 * interrupts off before it halts, so nothing queued by an interrupt is left waiting. */
bool net_rx_pending(void);
/* Devices by index (1..) or name; NULL when none. */
struct netdev *netdev_get(int index);
struct netdev *netdev_by_name(const char *name);
int netdev_count(void);

#endif
