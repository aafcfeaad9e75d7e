/* net_selftest.c: selftest=net, a boot-time check of the virtio-net driver without the
 * network stack. It sends a raw ARP request (RFC 826) "who has 10.0.2.2, tell 10.0.2.15"
 * on the first virtio-net device (QEMU user networking answers for its gateway), repeated
 * every 500 ms, and waits at most 2 s for the reply, taking received frames before the
 * stack sees them (virtio_net_set_rx_hook). It prints
 *     isle: selftest net: arp reply from 10.0.2.2 52:55:0a:00:02:02
 * and powers off with status 0, or prints a line starting "isle: selftest net: FAIL" and
 * powers off with status 1. */
#include "arch/x86_64/arch.h"
#include "core/exit.h"
#include "core/printk.h"
#include "core/time.h"
#include "drivers/virtio/net.h"
#include "drivers/virtio/virtio.h"
#include "lib/string.h"
#include "net/netdev.h"
#include "net/pkt.h"

#define ST_ETH_ARP 0x0806
#define ST_FRAME_LEN 60 /* minimum Ethernet frame without the FCS */
#define ST_WAIT_NS 2000000000ull
#define ST_RETRY_NS 500000000ull

static const uint8_t st_ip_self[4] = {10, 0, 2, 15};
static const uint8_t st_ip_gw[4] = {10, 0, 2, 2};
static volatile bool st_got;
static uint8_t st_mac[6];

/* Receive hook: an ARP reply (op 2) from 10.0.2.2 to 10.0.2.15 ends the test. */
static bool st_rx(struct netdev *nd, struct pkt *p)
{
	const uint8_t *f = p->data;
	if (p->len < 14 + 28 || (f[12] << 8 | f[13]) != ST_ETH_ARP)
		return false;
	const uint8_t *a = f + 14;
	if ((a[0] << 8 | a[1]) != 1 || (a[2] << 8 | a[3]) != 0x0800 || a[4] != 6 || a[5] != 4 ||
	    (a[6] << 8 | a[7]) != 2 || memcmp(a + 14, st_ip_gw, 4) != 0 ||
	    memcmp(a + 24, st_ip_self, 4) != 0)
		return false;
	memcpy(st_mac, a + 8, 6);
	st_got = true;
	pkt_free(p);
	return true;
}

static int st_send(struct netdev *nd)
{
	struct pkt *p = pkt_alloc(PKT_HEADROOM, ST_FRAME_LEN);
	uint8_t *f = p ? pkt_put(p, ST_FRAME_LEN) : NULL;
	if (f == NULL) {
		if (p)
			pkt_free(p);
		return -12; /* -ENOMEM */
	}
	memset(f, 0, ST_FRAME_LEN);
	memset(f, 0xff, 6);
	memcpy(f + 6, nd->mac, 6);
	f[12] = ST_ETH_ARP >> 8;
	f[13] = ST_ETH_ARP & 0xff;
	uint8_t *a = f + 14;
	a[1] = 1;    /* hardware: Ethernet */
	a[2] = 0x08; /* protocol: IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[7] = 1; /* request */
	memcpy(a + 8, nd->mac, 6);
	memcpy(a + 14, st_ip_self, 4);
	memcpy(a + 24, st_ip_gw, 4);
	return nd->ops->xmit(nd, p);
}

void virtio_selftest_net(void)
{
	struct netdev *nd = virtio_net_first();
	if (nd == NULL) {
		printk("isle: selftest net: FAIL: no virtio-net device\n");
		program_exit(1, "selftest failed");
	}
	printk("isle: selftest net: %s %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", nd->name,
	       nd->mac[0], nd->mac[1], nd->mac[2], nd->mac[3], nd->mac[4], nd->mac[5],
	       nd->link_up ? "up" : "down");
	st_got = false;
	virtio_net_set_rx_hook(st_rx);
	uint64_t start = time_monotonic_ns(), next_send = start;
	int sent = 0, err = 0;
	while (!st_got) {
		uint64_t now = time_monotonic_ns();
		if (now - start >= ST_WAIT_NS)
			break;
		if (now >= next_send) {
			err = st_send(nd);
			if (err == 0)
				sent++;
			next_send = now + ST_RETRY_NS;
		}
		unsigned long flags = arch_irq_save();
		virtio_net_poll(nd);
		arch_irq_restore(flags);
		if (!st_got)
			time_sleep_until(time_monotonic_ns() + 10000000ull);
	}
	virtio_net_set_rx_hook(NULL);
	struct virtio_net_stats st;
	virtio_net_get_stats(nd, &st);
	if (!st_got) {
		printk("isle: selftest net: FAIL: no arp reply from 10.0.2.2 in 2 s (%d requests "
		       "sent, last error %d; rx %lu packets, %lu dropped, %lu bad lengths)\n",
		       sent, err, (unsigned long)nd->rx_packets, (unsigned long)nd->rx_dropped,
		       st.rx_bad_len);
		program_exit(1, "selftest failed");
	}
	printk("isle: selftest net: arp reply from 10.0.2.2 %02x:%02x:%02x:%02x:%02x:%02x\n",
	       st_mac[0], st_mac[1], st_mac[2], st_mac[3], st_mac[4], st_mac[5]);
	program_exit(0, "selftest passed");
}
