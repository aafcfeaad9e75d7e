/* procnet.c: /proc/net/dev and /proc/net/route (procnet.h). dev has one line per device
 * with its counters (errors, fifo, frame, multicast, collisions are not kept: 0); route
 * lists the main table as Linux does: per configured non-loopback interface its subnet,
 * and the default route through the gateway, addresses as the hex of the network-order
 * 32-bit value, lines padded to 127 characters. */
#include "net/procnet.h"

#include "fs/genfs.h"
#include "lib/format.h"
#include "net/iface.h"
#include "net/netdev.h"

#define RTF_UP 0x1
#define RTF_GATEWAY 0x2

void procnet_show_dev(struct genfs_out *o)
{
	genfs_puts(o,
		   "Inter-|   Receive                                                |  Transmit\n"
		   " face |bytes    packets errs drop fifo frame compressed multicast|"
		   "bytes    packets errs drop fifo colls carrier compressed\n");
	for (int i = 1; i <= netdev_count(); i++) {
		struct netdev *nd = netdev_get(i);
		if (!nd)
			continue;
		genfs_printf(o, "%6s: %7lu %7lu %4u %4lu %4u %5u %10u %9u ", nd->name,
			     (unsigned long)nd->rx_bytes, (unsigned long)nd->rx_packets, 0u,
			     (unsigned long)nd->rx_dropped, 0u, 0u, 0u, 0u);
		genfs_printf(o, "%8lu %7lu %4u %4lu %4u %5u %7u %10u\n",
			     (unsigned long)nd->tx_bytes, (unsigned long)nd->tx_packets, 0u,
			     (unsigned long)nd->tx_dropped, 0u, 0u, 0u, 0u);
	}
}

/* The hex Linux prints: the network-order address read as a little-endian u32. */
static unsigned wire(uint32_t a)
{
	return ((a >> 24) & 0xff) | ((a >> 8) & 0xff00) | ((a << 8) & 0xff0000) | (a << 24);
}

static void route_line(struct genfs_out *o, const char *dev, uint32_t dst, uint32_t gw,
		       unsigned flags, uint32_t mask)
{
	char line[160];
	int n = fmt_snprintf(line, sizeof(line), "%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0",
			     dev, wire(dst), wire(gw), flags, wire(mask));
	genfs_printf(o, "%-127s\n", n > 0 ? line : "");
}

void procnet_show_route(struct genfs_out *o)
{
	genfs_printf(o, "%-127s\n",
		     "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU"
		     "\tWindow\tIRTT");
	for (int i = 1; i <= netdev_count(); i++) {
		struct netdev *nd = netdev_get(i);
		struct iface *ifc = nd ? nd->stack : NULL;
		if (!ifc || !ifc->addr || (nd->features & NETDEV_F_LOOPBACK))
			continue;
		if (ifc->gateway)
			route_line(o, nd->name, 0, ifc->gateway, RTF_UP | RTF_GATEWAY, 0);
		route_line(o, nd->name, ifc->addr & ifc->netmask, 0, RTF_UP, ifc->netmask);
	}
}
