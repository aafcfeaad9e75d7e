/* iface.h: per-interface IPv4 configuration (address, netmask, gateway), the DNS servers,
 * the loopback device, and net_init, the stack's boot entry. The sockets layer reads
 * interfaces from here (SIOCGIFADDR, netlink dumps).
 * Locking: BKL. */
#ifndef ISLE_NET_IFACE_H
#define ISLE_NET_IFACE_H

#include <stdbool.h>
#include <stdint.h>

struct netdev;

struct iface {
	struct netdev *dev;
	uint32_t addr, netmask, gateway; /* host byte order; addr 0 = unconfigured */
	bool dhcp;			 /* configured by DHCP */
	uint32_t lease_s;
};

#define NET_DNS_MAX 3
extern uint32_t net_dns[NET_DNS_MAX];
extern int net_ndns;

/* The interface state of nd (allocated on first use); NULL when out of memory. */
struct iface *iface_of(struct netdev *nd);
/* Set the address (0 to unconfigure), netmask and gateway of nd. */
void iface_config(struct netdev *nd, uint32_t addr, uint32_t netmask, uint32_t gateway);
/* Create and register the loopback device "lo" 127.0.0.1/8 (once). */
struct netdev *iface_loopback_init(void);

/* Boot: bring lo up, configure eth0 (DHCP, or the ip=/netmask=/gw=/dns= options), write
 * /etc/resolv.conf. Called once from kmain after the root file system is mounted. */
void net_init(void);

/* "a.b.c.d" -> host order; false when malformed. */
bool inet_parse(const char *s, uint32_t *out);
/* host order -> "a.b.c.d" in buf (16 bytes). */
char *inet_format(uint32_t a, char buf[16]);

#endif
