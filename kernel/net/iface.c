/* iface.c: per-interface IPv4 configuration and the loopback device (contract in
 * iface.h). lo's xmit puts the frame on the receive backlog, so a send never re-enters
 * the stack's input; net_rx_poll delivers it before the sending syscall returns (as
 * Linux's loopback has the datagram queued at the receiver by then). */
#include "net/iface.h"

#include "core/errno.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/stack.h"

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

static struct netdev lo_dev;

/* A frame sent on lo goes onto the receive backlog: the stack's input runs at the next
 * poll point (net_rx_poll), before the sending syscall returns, never inside the send. */
static int lo_xmit(struct netdev *nd, struct pkt *p)
{
	return netdev_rx_queue(nd, p);
}

static const struct netdev_ops lo_ops = {.xmit = lo_xmit};

struct netdev *iface_loopback_init(void)
{
	if (lo_dev.ops)
		return &lo_dev;
	memcpy(lo_dev.name, "lo", 3);
	lo_dev.mtu = 65536 - 20;
	lo_dev.features = NETDEV_F_LOOPBACK;
	lo_dev.link_up = true;
	lo_dev.ops = &lo_ops;
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
