/* arp.c: ARP for IPv4 over Ethernet (RFC 826): a small cache with timeouts, a bounded
 * queue of packets per address being resolved, retries then -EHOSTUNREACH, answers to
 * requests for our address and gratuitous announcements. */
#include "core/errno.h"
#include "core/time.h"
#include "lib/string.h"
#include "net/iface.h"
#include "net/stack.h"
#include "net/net_timer.h"

enum arp_state { ARP_FREE, ARP_PENDING, ARP_VALID, ARP_FAILED };

struct arp_entry {
	enum arp_state state;
	uint32_t ip;
	uint8_t mac[6];
	struct netdev *dev;
	uint64_t expires; /* VALID/FAILED: end of life; PENDING: next retry */
	int tries;
	struct pkt *queue; /* PENDING: packets waiting (IP header first) */
	int queued;
};

static struct arp_entry cache[ARP_ENTRIES];
static struct net_timer arp_timer;
static bool timer_ready, timer_armed;

static void arp_timer_fn(struct net_timer *t)
{
	timer_armed = false;
	arp_tick();
}

static void arm_timer(void)
{
	if (!timer_ready) {
		net_timer_init(&arp_timer, arp_timer_fn, NULL);
		timer_ready = true;
	}
	if (!timer_armed) {
		timer_armed = true;
		net_timer_arm(&arp_timer, time_monotonic_ns() + ARP_RETRY_NS);
	}
}

static void flush_queue(struct arp_entry *e)
{
	while (e->queue) {
		struct pkt *p = e->queue;
		e->queue = p->next;
		pkt_free(p);
	}
	e->queued = 0;
}

static void entry_free(struct arp_entry *e)
{
	flush_queue(e);
	e->state = ARP_FREE;
}

static struct arp_entry *find(uint32_t ip)
{
	for (int i = 0; i < ARP_ENTRIES; i++)
		if (cache[i].state != ARP_FREE && cache[i].ip == ip)
			return &cache[i];
	return NULL;
}

/* A free slot, else the valid or failed entry that expires first (never a pending one
 * with packets when anything else can go). */
static struct arp_entry *alloc_entry(void)
{
	struct arp_entry *victim = NULL;
	for (int i = 0; i < ARP_ENTRIES; i++) {
		struct arp_entry *e = &cache[i];
		if (e->state == ARP_FREE)
			return e;
		if (!victim || (victim->state == ARP_PENDING && e->state != ARP_PENDING) ||
		    ((victim->state == ARP_PENDING) == (e->state == ARP_PENDING) &&
		     e->expires < victim->expires))
			victim = e;
	}
	entry_free(victim);
	return victim;
}

static void send_arp(struct netdev *nd, uint16_t op, const uint8_t tha[6], uint32_t tpa,
		     const uint8_t eth_dst[6])
{
	struct iface *ifc = iface_of(nd);
	struct pkt *p = pkt_alloc(PKT_HEADROOM, 28);
	if (!p || !ifc) {
		if (p)
			pkt_free(p);
		return;
	}
	uint8_t *a = pkt_put(p, 28);
	put16(a, 1);
	put16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, nd->mac, 6);
	put32(a + 14, ifc->addr);
	memcpy(a + 18, tha, 6);
	put32(a + 24, tpa);
	eth_output(nd, p, eth_dst, ETH_P_ARP);
}

static const uint8_t zero_mac[6];

static void send_request(struct arp_entry *e)
{
	send_arp(e->dev, 1, zero_mac, e->ip, eth_broadcast);
}

void arp_announce(struct netdev *nd)
{
	struct iface *ifc = iface_of(nd);
	if (ifc && ifc->addr)
		send_arp(nd, 1, zero_mac, ifc->addr, eth_broadcast);
}

static void send_queue(struct arp_entry *e)
{
	struct pkt *q = e->queue;
	e->queue = NULL;
	e->queued = 0;
	while (q) {
		struct pkt *p = q;
		q = p->next;
		p->next = NULL;
		eth_output(e->dev, p, e->mac, ETH_P_IP);
	}
}

void arp_input(struct netdev *nd, struct pkt *p)
{
	const uint8_t *a = p->data;
	struct iface *ifc = iface_of(nd);
	if (p->len < 28 || get16(a) != 1 || get16(a + 2) != ETH_P_IP || a[4] != 6 || a[5] != 4 ||
	    (get16(a + 6) != 1 && get16(a + 6) != 2) || (a[8] & 1)) {
		net_stats.arp_bad++;
		nd->rx_dropped++;
		pkt_free(p);
		return;
	}
	uint16_t op = get16(a + 6);
	uint8_t sha[6];
	memcpy(sha, a + 8, 6);
	uint32_t spa = get32(a + 14), tpa = get32(a + 24);
	pkt_free(p);
	if (!ifc || !ifc->addr || spa == 0 || spa == INADDR_BROADCAST)
		return;
	uint64_t now = time_monotonic_ns();
	bool for_us = tpa == ifc->addr;
	struct arp_entry *e = find(spa);
	if (e && e->dev == nd) { /* merge: refresh what we know */
		memcpy(e->mac, sha, 6);
		bool was_pending = e->state == ARP_PENDING;
		e->state = ARP_VALID;
		e->expires = now + ARP_VALID_NS;
		if (was_pending)
			send_queue(e);
	} else if (for_us) {
		if (e)
			entry_free(e);
		e = alloc_entry();
		e->ip = spa;
		e->dev = nd;
		memcpy(e->mac, sha, 6);
		e->state = ARP_VALID;
		e->expires = now + ARP_VALID_NS;
		arm_timer();
	}
	if (for_us && op == 1)
		send_arp(nd, 2, sha, spa, sha);
}

int arp_output(struct netdev *nd, struct pkt *p, uint32_t next_hop)
{
	struct iface *ifc = iface_of(nd);
	p->next = NULL;
	if (next_hop == INADDR_BROADCAST ||
	    (ifc && ifc->netmask && ifc->netmask != 0xffffffffu &&
	     (next_hop | ifc->netmask) == INADDR_BROADCAST &&
	     (next_hop & ifc->netmask) == (ifc->addr & ifc->netmask)))
		return eth_output(nd, p, eth_broadcast, ETH_P_IP);
	struct arp_entry *e = find(next_hop);
	if (e && e->dev != nd) {
		entry_free(e);
		e = NULL;
	}
	if (e && e->state == ARP_VALID)
		return eth_output(nd, p, e->mac, ETH_P_IP);
	if (e && e->state == ARP_FAILED) {
		pkt_free(p);
		return -EHOSTUNREACH;
	}
	if (!e) {
		e = alloc_entry();
		e->ip = next_hop;
		e->dev = nd;
		e->state = ARP_PENDING;
		e->tries = 1;
		e->expires = time_monotonic_ns() + ARP_RETRY_NS;
		send_request(e);
		arm_timer();
	}
	if (e->queued >= ARP_QUEUE_MAX) { /* drop the oldest */
		struct pkt *old = e->queue;
		e->queue = old->next;
		pkt_free(old);
		e->queued--;
	}
	struct pkt **tail = &e->queue;
	while (*tail)
		tail = &(*tail)->next;
	*tail = p;
	e->queued++;
	return 0;
}

void arp_tick(void)
{
	uint64_t now = time_monotonic_ns();
	bool busy = false;
	for (int i = 0; i < ARP_ENTRIES; i++) {
		struct arp_entry *e = &cache[i];
		if (e->state == ARP_FREE)
			continue;
		if (now >= e->expires) {
			if (e->state != ARP_PENDING) {
				entry_free(e);
				continue;
			}
			if (e->tries >= ARP_RETRIES) {
				flush_queue(e);
				e->state = ARP_FAILED;
				e->expires = now + ARP_FAILED_NS;
			} else {
				e->tries++;
				e->expires = now + ARP_RETRY_NS;
				send_request(e);
			}
		}
		busy = true;
	}
	if (busy)
		arm_timer();
}

bool arp_lookup(uint32_t ip, uint8_t mac[6])
{
	struct arp_entry *e = find(ip);
	if (!e || e->state != ARP_VALID)
		return false;
	memcpy(mac, e->mac, 6);
	return true;
}

void arp_reset(void)
{
	for (int i = 0; i < ARP_ENTRIES; i++)
		if (cache[i].state != ARP_FREE)
			entry_free(&cache[i]);
	if (timer_armed)
		net_timer_cancel(&arp_timer);
	timer_armed = false;
}
