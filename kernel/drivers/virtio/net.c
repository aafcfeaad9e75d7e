/* net.c: the virtio-net driver (spec 5.1) behind struct netdev. Queue 0 receives, queue 1
 * transmits; every frame carries the 12-byte virtio_net_hdr of virtio 1.x in front.
 *
 * Receive: every descriptor of the receive queue is posted at attach, each a page of our
 * own (RXBUF_SIZE). With VIRTIO_NET_F_MRG_RXBUF a frame may span num_buffers buffers,
 * taken in order from the used ring (the state survives between interrupts). Each frame
 * is copied into a fresh struct pkt (PKT_HEADROOM in front) and handed to netdev_rx; the
 * page goes straight back to the device. Malformed input (a used length shorter than the
 * header or longer than the buffer, num_buffers 0 or too large, a frame shorter than an
 * Ethernet header or longer than mtu + 18) is counted in rx_dropped and rx_bad_len and
 * dropped.
 *
 * Transmit: the header is pushed into the packet's headroom and header + frame go out as
 * one descriptor (a packet buffer is physically contiguous: a slab object never crosses a
 * page, larger blocks are contiguous pages); the packet is freed when the device has used
 * it. Transmit interrupts stay suppressed: completed packets are reclaimed on the next
 * transmit and in the receive interrupt. A full ring refuses with -ENOBUFS.
 *
 * Interrupts: the handler suppresses receive interrupts (VRING_AVAIL_F_NO_INTERRUPT)
 * while it drains the used ring, re-arms, and checks again so nothing that arrived in
 * between is left waiting. Checksums: see PKT_CSUM_TX in net/pkt.h. Link: with
 * VIRTIO_NET_F_STATUS the status field is read at attach and on every interrupt; without
 * it the link is up. Locking: BKL, and interrupts off around the rings. */
#include "drivers/virtio/net.h"
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "drivers/virtio/virtio.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "net/netdev.h"
#include "net/pkt.h"

/* Feature bits (5.1.3). */
#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16

/* Configuration (5.1.4). */
#define CFG_MAC 0
#define CFG_STATUS 6
#define VIRTIO_NET_S_LINK_UP 1

/* Header flags (5.1.6). */
#define HDR_F_NEEDS_CSUM 1
#define HDR_F_DATA_VALID 2
#define HDR_GSO_NONE 0

/* Available ring flag (2.7.7): the driver does not want interrupts for this queue. */
#define VRING_AVAIL_F_NO_INTERRUPT 1

#define Q_RX 0
#define Q_TX 1
#define VNET_QUEUE_SIZE 256
#define RXBUF_SIZE 4096
#define RX_MAX_BUFS 16 /* num_buffers above this is malformed */
#define ETH_HLEN 14
#define ETH_TYPE_IPV4 0x0800
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

struct vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));
_Static_assert(sizeof(struct vnet_hdr) == 12, "virtio_net_hdr is 12 bytes in virtio 1.x");

struct vnet {
	struct netdev nd;
	struct virtio_dev *vdev;
	struct vring rxq, txq;
	bool mrg;
	struct pkt *cur;    /* frame being assembled from several buffers */
	uint16_t cur_left;  /* buffers still to come for cur */
	uint16_t skip_left; /* buffers of a dropped frame still to throw away */
	struct virtio_net_stats st;
	struct vnet *next;
};

static struct vnet *vnets;
static int nvnets;
static bool (*rx_hook)(struct netdev *nd, struct pkt *p);

static uint32_t rx_max_frame(const struct vnet *n)
{
	return n->nd.mtu + ETH_HLEN + 4; /* room for one VLAN tag */
}

static void rx_deliver(struct vnet *n, struct pkt *p)
{
	if (p->len < ETH_HLEN || p->len > rx_max_frame(n)) {
		n->st.rx_bad_len++;
		n->nd.rx_dropped++;
		pkt_free(p);
		return;
	}
	p->dev = &n->nd;
	if (rx_hook && rx_hook(&n->nd, p))
		return;
	netdev_rx_queue(&n->nd, p); /* counted by netdev_rx when the stack takes it */
}

static void rx_bad(struct vnet *n)
{
	n->st.rx_bad_len++;
	n->nd.rx_dropped++;
}

/* One used receive buffer of len bytes. */
static void rx_buffer(struct vnet *n, const uint8_t *buf, uint32_t len)
{
	if (n->skip_left) {
		n->skip_left--;
		return;
	}
	if (n->cur == NULL) {
		if (len < sizeof(struct vnet_hdr) || len > RXBUF_SIZE) {
			rx_bad(n);
			return;
		}
		struct vnet_hdr h;
		memcpy(&h, buf, sizeof(h));
		uint16_t nb = n->mrg ? h.num_buffers : 1;
		if (nb == 0 || nb > RX_MAX_BUFS) {
			rx_bad(n); /* cannot tell where the frame ends: treat it as one buffer */
			return;
		}
		struct pkt *p = pkt_alloc(PKT_HEADROOM, rx_max_frame(n));
		uint32_t flen = len - (uint32_t)sizeof(h);
		uint8_t *dst = p ? pkt_put(p, flen) : NULL;
		if (dst == NULL) {
			if (p) {
				pkt_free(p);
				rx_bad(n);
			} else {
				n->st.rx_nomem++;
				n->nd.rx_dropped++;
			}
			n->skip_left = (uint16_t)(nb - 1);
			return;
		}
		memcpy(dst, buf + sizeof(h), flen);
		if ((h.flags & (HDR_F_DATA_VALID | HDR_F_NEEDS_CSUM)) &&
		    (n->nd.features & NETDEV_F_CSUM_RX))
			p->flags |= PKT_CSUM_OK;
		n->cur = p;
		n->cur_left = (uint16_t)(nb - 1);
	} else {
		uint8_t *dst = len <= RXBUF_SIZE ? pkt_put(n->cur, len) : NULL;
		if (dst == NULL) {
			pkt_free(n->cur);
			n->cur = NULL;
			n->skip_left = (uint16_t)(n->cur_left - 1);
			n->cur_left = 0;
			rx_bad(n);
			return;
		}
		memcpy(dst, buf, len);
		n->cur_left--;
	}
	if (n->cur_left == 0) {
		struct pkt *p = n->cur;
		n->cur = NULL;
		rx_deliver(n, p);
	}
}

static int rx_post(struct vnet *n, void *page)
{
	struct vring_buf b = {virt_to_phys(page), RXBUF_SIZE, true};
	return vring_add(&n->rxq, &b, 1, page);
}

static void tx_reclaim(struct vnet *n)
{
	struct pkt *p;
	while ((p = vring_get_used(&n->txq, NULL)) != NULL)
		pkt_free(p);
}

static void update_link(struct vnet *n)
{
	if (!virtio_has(n->vdev, VIRTIO_NET_F_STATUS))
		return;
	uint32_t s = n->vdev->ops->config_read(n->vdev, CFG_STATUS, 2);
	bool up = s & VIRTIO_NET_S_LINK_UP;
	if (up != n->nd.link_up)
		pr_info("isle: %s: link %s\n", n->nd.name, up ? "up" : "down");
	n->nd.link_up = up;
}

static void vnet_process(struct vnet *n)
{
	for (;;) {
		n->rxq.avail->flags |= VRING_AVAIL_F_NO_INTERRUPT;
		void *page;
		uint32_t len;
		bool posted = false;
		while ((page = vring_get_used(&n->rxq, &len)) != NULL) {
			rx_buffer(n, page, len);
			if (rx_post(n, page) >= 0)
				posted = true;
		}
		if (posted)
			virtio_kick(n->vdev, Q_RX, &n->rxq);
		n->rxq.avail->flags &= (uint16_t)~VRING_AVAIL_F_NO_INTERRUPT;
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* flag store before the re-check */
		if (!vring_has_used(&n->rxq))
			break;
	}
	tx_reclaim(n);
}

static void vnet_irq(void *arg)
{
	struct vnet *n = arg;
	update_link(n);
	vnet_process(n);
}

void virtio_net_poll(struct netdev *nd)
{
	vnet_process(nd->priv);
}

/* Ones' complement sum of n bytes (network order pairs), added to sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* Where the TCP/UDP checksum of an Ethernet + IPv4 frame starts and sits (offset in the
 * transport header); -EINVAL when the frame is not one. */
static int csum_place(const struct pkt *p, uint16_t *start, uint16_t *off, bool *udp)
{
	const uint8_t *f = p->data;
	if (p->len < ETH_HLEN + 20 || (f[12] << 8 | f[13]) != ETH_TYPE_IPV4 ||
	    (f[ETH_HLEN] >> 4) != 4)
		return -EINVAL;
	uint32_t ihl = (f[ETH_HLEN] & 0xfu) * 4u, proto = f[ETH_HLEN + 9];
	if (ihl < 20 || (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return -EINVAL;
	*start = (uint16_t)(ETH_HLEN + ihl);
	*off = proto == IPPROTO_TCP ? 16 : 6;
	*udp = proto == IPPROTO_UDP;
	return p->len >= (uint32_t)*start + *off + 2 ? 0 : -EINVAL;
}

static int vnet_xmit(struct netdev *nd, struct pkt *p)
{
	struct vnet *n = nd->priv;
	uint16_t cstart = 0, coff = 0;
	bool udp = false;
	int err = 0;
	if (!nd->link_up)
		err = -ENETDOWN;
	else if (p->len < ETH_HLEN || p->len > rx_max_frame(n))
		err = -EINVAL;
	else if ((p->flags & PKT_CSUM_TX) && csum_place(p, &cstart, &coff, &udp) < 0)
		err = -EINVAL;
	if (err == 0 && (p->flags & PKT_CSUM_TX) && !(nd->features & NETDEV_F_CSUM_TX)) {
		/* The device cannot: finish the checksum here (the field holds the seed). */
		uint16_t s = (uint16_t)~csum_add(0, p->data + cstart, p->len - cstart);
		if (udp && s == 0)
			s = 0xffff;
		p->data[cstart + coff] = (uint8_t)(s >> 8);
		p->data[cstart + coff + 1] = (uint8_t)s;
		p->flags &= ~(uint32_t)PKT_CSUM_TX;
	}
	struct vnet_hdr *h = err == 0 ? (struct vnet_hdr *)pkt_push(p, sizeof(*h)) : NULL;
	if (err == 0 && h == NULL)
		err = -EINVAL; /* no headroom */
	if (err < 0) {
		nd->tx_dropped++;
		pkt_free(p);
		return err;
	}
	memset(h, 0, sizeof(*h));
	h->gso_type = HDR_GSO_NONE;
	if (p->flags & PKT_CSUM_TX) {
		h->flags = HDR_F_NEEDS_CSUM;
		h->csum_start = cstart;
		h->csum_offset = coff;
	}
	uint32_t flen = p->len - (uint32_t)sizeof(*h);
	struct vring_buf b = {virt_to_phys(p->data), p->len, false};
	unsigned long flags = arch_irq_save();
	tx_reclaim(n);
	int r = vring_add(&n->txq, &b, 1, p);
	if (r < 0) {
		arch_irq_restore(flags);
		n->st.tx_full++;
		nd->tx_dropped++;
		pkt_free(p);
		return -ENOBUFS;
	}
	nd->tx_packets++;
	nd->tx_bytes += flen;
	virtio_kick(n->vdev, Q_TX, &n->txq);
	arch_irq_restore(flags);
	return 0;
}

static const struct netdev_ops vnet_ops = {.xmit = vnet_xmit};

static void read_mac(struct virtio_dev *d, uint8_t mac[6])
{
	uint32_t gen;
	do {
		gen = d->ops->config_generation(d);
		for (int i = 0; i < 6; i++)
			mac[i] = (uint8_t)d->ops->config_read(d, CFG_MAC + (uint32_t)i, 1);
	} while (gen != d->ops->config_generation(d));
}

int virtio_net_attach(struct virtio_dev *d)
{
	virtio_begin(d);
	int r = virtio_negotiate(d, 1ULL << VIRTIO_NET_F_CSUM | 1ULL << VIRTIO_NET_F_GUEST_CSUM |
					    1ULL << VIRTIO_NET_F_MAC |
					    1ULL << VIRTIO_NET_F_MRG_RXBUF |
					    1ULL << VIRTIO_NET_F_STATUS);
	if (r < 0)
		return r;
	struct vnet *n = kzalloc(sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	n->vdev = d;
	n->mrg = virtio_has(d, VIRTIO_NET_F_MRG_RXBUF);
	if (virtio_has(d, VIRTIO_NET_F_MAC)) {
		read_mac(d, n->nd.mac);
	} else {
		static const uint8_t fallback[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
		memcpy(n->nd.mac, fallback, 6); /* locally administered */
		n->nd.mac[5] = (uint8_t)(n->nd.mac[5] + nvnets);
	}
	fmt_snprintf(n->nd.name, sizeof(n->nd.name), "eth%d", nvnets);
	n->nd.mtu = 1500;
	n->nd.ops = &vnet_ops;
	n->nd.priv = n;
	if (virtio_has(d, VIRTIO_NET_F_CSUM))
		n->nd.features |= NETDEV_F_CSUM_TX;
	if (virtio_has(d, VIRTIO_NET_F_GUEST_CSUM))
		n->nd.features |= NETDEV_F_CSUM_RX;
	n->nd.link_up = true;

	r = virtio_set_irq(d, vnet_irq, n);
	if (r == 0)
		r = virtio_queue_create(d, Q_RX, VNET_QUEUE_SIZE, &n->rxq);
	if (r == 0)
		r = virtio_queue_create(d, Q_TX, VNET_QUEUE_SIZE, &n->txq);
	if (r < 0)
		return r; /* the device is marked failed; its memory stays with it */
	n->txq.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	unsigned posted = 0;
	for (unsigned i = 0; i < n->rxq.size; i++) {
		uint64_t pa = pmm_alloc_page();
		if (pa == 0 || rx_post(n, phys_to_virt(pa)) < 0)
			break;
		posted++;
	}
	if (posted == 0)
		return -ENOMEM;
	virtio_driver_ok(d);
	update_link(n);
	virtio_kick(d, Q_RX, &n->rxq);
	pr_info("isle: virtio: %s: %s %02x:%02x:%02x:%02x:%02x:%02x, %u receive buffers, "
		"queues %u/%u%s%s%s, link %s\n",
		d->where, n->nd.name, n->nd.mac[0], n->nd.mac[1], n->nd.mac[2], n->nd.mac[3],
		n->nd.mac[4], n->nd.mac[5], posted, n->rxq.size, n->txq.size,
		n->mrg ? ", mergeable" : "", (n->nd.features & NETDEV_F_CSUM_TX) ? ", tx csum" : "",
		(n->nd.features & NETDEV_F_CSUM_RX) ? ", rx csum" : "",
		n->nd.link_up ? "up" : "down");
	n->next = NULL;
	struct vnet **tail = &vnets;
	while (*tail)
		tail = &(*tail)->next;
	*tail = n;
	nvnets++;
	netdev_register(&n->nd);
	return 0;
}

struct netdev *virtio_net_first(void)
{
	return vnets ? &vnets->nd : NULL;
}

void virtio_net_set_rx_hook(bool (*fn)(struct netdev *nd, struct pkt *p))
{
	unsigned long flags = arch_irq_save();
	rx_hook = fn;
	arch_irq_restore(flags);
}

void virtio_net_get_stats(struct netdev *nd, struct virtio_net_stats *st)
{
	struct vnet *n = nd->priv;
	*st = n->st;
}
