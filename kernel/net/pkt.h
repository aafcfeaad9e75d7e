/* pkt.h: packet buffers. One contiguous buffer per packet with headroom in front, so each
 * layer on the way out prepends its header (pkt_push) and each layer on the way in strips
 * its header (pkt_pull) without copying. A packet has one owner at a time: functions that
 * take a struct pkt * to send or deliver take ownership (and free it on error).
 * Locking: BKL (drivers allocate packets in their interrupt handlers, which hold it, and
 * queue them for net_rx_poll). */
#ifndef ISLE_NET_PKT_H
#define ISLE_NET_PKT_H

#include <stddef.h>
#include <stdint.h>

#define PKT_HEADROOM 128 /* virtio-net header + Ethernet + IPv4 with options + TCP with options */

struct netdev;

struct pkt {
	struct pkt *next;   /* for queues kept by whoever owns the packet */
	uint8_t *buf;	    /* start of the allocation */
	uint8_t *data;	    /* first byte of the current layer */
	uint32_t len;	    /* bytes from data on */
	uint32_t cap;	    /* bytes of the allocation */
	struct netdev *dev; /* received on (inbound) */
	uint32_t flags;
};
#define PKT_CSUM_OK 0x1 /* the device checked the transport checksum */
#define PKT_CSUM_TX 0x2 /* outbound: the device fills the transport checksum (partial) */
/* PKT_CSUM_TX contract (virtio-net, drivers/virtio/net.c): set it only on a frame that is
 * Ethernet (no VLAN tag) + IPv4 + TCP or UDP, whose checksum field holds the ones'
 * complement sum of the pseudo-header folded to 16 bits, NOT complemented, stored like
 * the checksum itself (network order). The driver finds the transport header from the IHL
 * (no other field needed) and lets the device (VIRTIO_NET_F_CSUM) or itself finish it;
 * other frames with the flag are refused with -EINVAL. */

/* A packet with room for len bytes of data after headroom bytes; len starts at 0 and
 * data at buf + headroom. NULL when out of memory. */
struct pkt *pkt_alloc(uint32_t headroom, uint32_t len);
void pkt_free(struct pkt *p);
/* Prepend n bytes (returns the new data) / append n bytes (returns where they start);
 * NULL when there is no room (never silently truncates). */
uint8_t *pkt_push(struct pkt *p, uint32_t n);
uint8_t *pkt_put(struct pkt *p, uint32_t n);
/* Strip n bytes from the front; NULL when the packet is shorter. */
uint8_t *pkt_pull(struct pkt *p, uint32_t n);
/* Drop bytes past len (an IP packet shorter than its Ethernet frame). */
void pkt_trim(struct pkt *p, uint32_t len);

#endif
