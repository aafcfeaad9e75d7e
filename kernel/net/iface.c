/* iface.c: per-interface IPv4 configuration and the loopback device (contract in
 * iface.h). lo's xmit queues the frame, so a send never re-enters the stack's input path;
 * the queue is delivered before the sending syscall returns (iface_loopback_flush, as
 * Linux's loopback has the datagram queued at the receiver by then), else by a ktimer on
 * the next tick (sends from timers and interrupts). */
#include "net/iface.h"

#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/time.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/stack.h"
#include "sched/timer.h"

uint32_t net_dns[NET_DNS_MAX];
int net_ndns;

struct iface *iface_of(struct netdev *nd)
{
	if (!nd->stack) {
		struct iface *ifc = kzalloc(sizeof(*ifc));
		if (!ifc)
			return NULL;
		ifc->dev = nd;
		nd->stack = ifc;
	}
	return nd->stack;
}

void iface_config(struct netdev *nd, uint32_t addr, uint32_t netmask, uint32_t gateway)
{
	struct iface *ifc = iface_of(nd);
	if (!ifc)
		return;
	ifc->addr = addr;
	ifc->netmask = netmask;
	ifc->gateway = gateway;
}

/* ---- loopback ---- */

#define LO_QUEUE_MAX 256

static struct netdev lo_dev;
static struct pkt *lo_head, *lo_tail;
static int lo_len;
static struct ktimer lo_timer;
static bool lo_armed;

static void lo_deliver(struct ktimer *t)
{
	lo_armed = false;
	/* Only what was queued before this run: new sends go to the next tick. */
	struct pkt *q = lo_head;
	lo_head = lo_tail = NULL;
	lo_len = 0;
	while (q) {
		struct pkt *p = q;
		q = p->next;
		p->next = NULL;
		netdev_rx(&lo_dev, p);
	}
}

/* The queue is shared with the delivery timer (an interrupt): changed with them off. */
static int lo_xmit(struct netdev *nd, struct pkt *p)
{
	unsigned long fl = arch_irq_save();
	if (lo_len >= LO_QUEUE_MAX) {
		arch_irq_restore(fl);
		pkt_free(p);
		return -ENOBUFS;
	}
	p->next = NULL;
	if (lo_tail)
		lo_tail->next = p;
	else
		lo_head = p;
	lo_tail = p;
	lo_len++;
	if (!lo_armed) {
		lo_armed = true;
		ktimer_arm(&lo_timer, time_monotonic_ns());
	}
	arch_irq_restore(fl);
	return 0;
}

static const struct netdev_ops lo_ops = {.xmit = lo_xmit};

void iface_loopback_flush(void)
{
	/* Replies (ACKs, echoes) queue more: a few rounds, the rest to the timer. */
	for (int round = 0; round < 8 && lo_head; round++) {
		unsigned long fl = arch_irq_save();
		if (lo_armed)
			ktimer_cancel(&lo_timer);
		lo_deliver(&lo_timer);
		if (lo_head && !lo_armed) {
			lo_armed = true;
			ktimer_arm(&lo_timer, time_monotonic_ns());
		}
		arch_irq_restore(fl);
	}
}

struct netdev *iface_loopback_init(void)
{
	if (lo_dev.ops)
		return &lo_dev;
	memcpy(lo_dev.name, "lo", 3);
	lo_dev.mtu = 65536 - 20;
	lo_dev.features = NETDEV_F_LOOPBACK;
	lo_dev.link_up = true;
	lo_dev.ops = &lo_ops;
	ktimer_init(&lo_timer, lo_deliver, NULL);
	netdev_register(&lo_dev);
	iface_config(&lo_dev, INADDR_LOOPBACK, 0xff000000u, 0);
	return &lo_dev;
}

/* ---- address text ---- */

bool inet_parse(const char *s, uint32_t *out)
{
	uint32_t a = 0;
	for (int i = 0; i < 4; i++) {
		uint32_t v = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (uint32_t)(*s++ - '0');
			digits++;
		}
		if (!digits || v > 255)
			return false;
		a = a << 8 | v;
		if (i < 3 && *s++ != '.')
			return false;
	}
	if (*s)
		return false;
	*out = a;
	return true;
}

static char *put_dec(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

char *inet_format(uint32_t a, char buf[16])
{
	char *p = buf;
	for (int i = 3; i >= 0; i--) {
		p = put_dec(p, (a >> (8 * i)) & 255);
		if (i)
			*p++ = '.';
	}
	*p = 0;
	return buf;
}
