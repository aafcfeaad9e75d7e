/* netdev.c: the device registry and the receive entry point (contract in netdev.h):
 * Ethernet demultiplexing by ethertype into ARP and IPv4. */
#include "net/netdev.h"

#include "arch/x86_64/arch.h"
#include "net/iface.h"
#include "net/net_timer.h"

#include "core/errno.h"
#include "core/printk.h"
#include "lib/string.h"
#include "net/stack.h"

#define NETDEV_MAX 8

static struct netdev *devs[NETDEV_MAX];
static int ndevs;
struct net_stats net_stats;
const uint8_t eth_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void netdev_register(struct netdev *nd)
{
	if (ndevs == NETDEV_MAX) {
		printk("isle: net: too many devices, %s ignored\n", nd->name);
		return;
	}
	/* lo is index 1 as on Linux, whenever it registers (after the NICs at boot). */
	int at = ndevs;
	if (nd->features & NETDEV_F_LOOPBACK) {
		memmove(&devs[1], &devs[0], sizeof(devs[0]) * (size_t)ndevs);
		at = 0;
	}
	devs[at] = nd;
	ndevs++;
	for (int i = 0; i < ndevs; i++)
		devs[i]->index = i + 1;
}

struct netdev *netdev_get(int index)
{
	if (index < 1 || index > ndevs)
		return NULL;
	return devs[index - 1];
}

struct netdev *netdev_by_name(const char *name)
{
	for (int i = 0; i < ndevs; i++)
		if (!strcmp(devs[i]->name, name))
			return devs[i];
	return NULL;
}

int netdev_count(void)
{
	return ndevs;
}

void netdev_rx(struct netdev *nd, struct pkt *p)
{
	p->dev = nd;
	p->next = NULL;
	nd->rx_packets++;
	nd->rx_bytes += p->len;
	const uint8_t *eh = p->data;
	if (p->len < ETH_HLEN) {
		net_stats.eth_bad++;
		goto drop;
	}
	/* Unicast to us, broadcast, or anything on loopback; no multicast groups yet. */
	if (!(nd->features & NETDEV_F_LOOPBACK) && memcmp(eh, nd->mac, 6) &&
	    memcmp(eh, eth_broadcast, 6)) {
		net_stats.eth_other++;
		goto drop;
	}
	uint16_t type = get16(eh + 12);
	pkt_pull(p, ETH_HLEN);
	if (type == ETH_P_IP) {
		ip_input(nd, p);
		return;
	}
	if (type == ETH_P_ARP && !(nd->features & NETDEV_F_LOOPBACK)) {
		arp_input(nd, p);
		return;
	}
	net_stats.eth_other++;
drop:
	nd->rx_dropped++;
	pkt_free(p);
}

/* Frames waiting for net_rx_poll (netdev_rx_queue), in arrival order. Shared with
 * interrupt handlers: changed with interrupts off. */
static struct pkt *backlog_head, *backlog_tail;
static int backlog_len;

int netdev_rx_queue(struct netdev *nd, struct pkt *p)
{
	unsigned long fl = arch_irq_save();
	if (backlog_len >= NETDEV_BACKLOG_MAX) {
		nd->rx_dropped++;
		arch_irq_restore(fl);
		pkt_free(p);
		return -ENOBUFS;
	}
	p->dev = nd;
	p->next = NULL;
	if (backlog_tail)
		backlog_tail->next = p;
	else
		backlog_head = p;
	backlog_tail = p;
	backlog_len++;
	arch_irq_restore(fl);
	return 0;
}

/* Rounds per poll: a request and its replies over lo take a few; a bound keeps a
 * ping-pong between two sockets from holding the CPU. */
#define NET_POLL_ROUNDS 64

bool net_rx_pending(void)
{
	unsigned long fl = arch_irq_save();
	bool pending = backlog_head || net_timers_due();
	arch_irq_restore(fl);
	return pending;
}

void net_rx_poll(void)
{
	static bool busy;
	if (busy || !net_rx_pending()) /* the common case on the way back to user mode */
		return;
	busy = true;
	for (int round = 0; round < NET_POLL_ROUNDS; round++) {
		int timers = net_timers_run();
		unsigned long fl = arch_irq_save();
		struct pkt *q = backlog_head;
		backlog_head = backlog_tail = NULL;
		backlog_len = 0;
		arch_irq_restore(fl);
		if (!q && !timers)
			break;
		while (q) {
			struct pkt *p = q;
			q = p->next;
			netdev_rx(p->dev, p);
		}
	}
	busy = false;
}

int eth_output(struct netdev *nd, struct pkt *p, const uint8_t dst[6], uint16_t type)
{
	uint8_t *eh = pkt_push(p, ETH_HLEN);
	if (!eh) {
		nd->tx_dropped++;
		pkt_free(p);
		return -ENOBUFS;
	}
	memcpy(eh, dst, 6);
	memcpy(eh + 6, nd->mac, 6);
	put16(eh + 12, type);
	uint32_t len = p->len;
	int r = nd->ops->xmit(nd, p);
	if (r < 0) {
		nd->tx_dropped++;
		return r;
	}
	nd->tx_packets++;
	nd->tx_bytes += len;
	return 0;
}
