/* ifioctl.c: the SIOCGIF* interface ioctls on any socket (ifioctl.h), with Linux's struct
 * ifreq (40 bytes: a 16-byte name, then a 24-byte union) and struct ifconf layouts. The
 * set requests (SIOCSIF*) answer -EOPNOTSUPP: the stack's configuration is fixed at boot
 * (Linux would let root change it). */
#include "net/ifioctl.h"

#include "core/errno.h"
#include "lib/string.h"
#include "mm/uaccess.h"
#include "net/iface.h"
#include "net/netdev.h"
#include "net/socket.h"

#define SIOCGIFNAME 0x8910
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCSIFFLAGS 0x8914
#define SIOCGIFADDR 0x8915
#define SIOCSIFADDR 0x8916
#define SIOCGIFDSTADDR 0x8917
#define SIOCSIFDSTADDR 0x8918
#define SIOCGIFBRDADDR 0x8919
#define SIOCSIFBRDADDR 0x891a
#define SIOCGIFNETMASK 0x891b
#define SIOCSIFNETMASK 0x891c
#define SIOCGIFMETRIC 0x891d
#define SIOCSIFMETRIC 0x891e
#define SIOCGIFMTU 0x8921
#define SIOCSIFMTU 0x8922
#define SIOCSIFNAME 0x8923
#define SIOCSIFHWADDR 0x8924
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#define SIOCGIFTXQLEN 0x8942
#define SIOCSIFTXQLEN 0x8943

#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000
#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772

struct ifreq {
	char name[16];
	union {
		uint8_t addr[16]; /* struct sockaddr */
		int16_t flags;
		int32_t ivalue;
		uint8_t pad[24];
	} u;
};

struct ifconf {
	int32_t len;
	int32_t pad;
	uint64_t buf;
};

bool ifioctl_handles(unsigned req)
{
	return req >= SIOCGIFNAME && req <= SIOCSIFTXQLEN &&
	       (req <= SIOCSIFHWADDR || req == SIOCGIFHWADDR || req == SIOCGIFINDEX ||
		req == SIOCGIFTXQLEN || req == SIOCSIFTXQLEN);
}

static void put_sin(uint8_t sa[16], uint32_t a)
{
	memset(sa, 0, 16);
	sa[0] = AF_INET; /* sa_family, little endian */
	sa[4] = (uint8_t)(a >> 24);
	sa[5] = (uint8_t)(a >> 16);
	sa[6] = (uint8_t)(a >> 8);
	sa[7] = (uint8_t)a;
}

static int16_t if_flags(const struct netdev *nd)
{
	if (nd->features & NETDEV_F_LOOPBACK)
		return IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
	return (int16_t)(IFF_UP | IFF_BROADCAST | IFF_MULTICAST | (nd->link_up ? IFF_RUNNING : 0));
}

static long if_conf(uint64_t arg)
{
	struct ifconf c;
	int32_t used = 0;

	if (copy_from_user(&c, (void *)(uintptr_t)arg, sizeof(c)) < 0)
		return -EFAULT;
	for (int i = 1; i <= netdev_count(); i++) {
		struct netdev *nd = netdev_get(i);
		struct iface *ifc = nd ? nd->stack : NULL;
		if (!ifc || !ifc->addr)
			continue;
		if (c.buf) {
			struct ifreq r = {0};
			if (c.len - used < (int32_t)sizeof(r))
				break;
			memcpy(r.name, nd->name, sizeof(r.name) - 1);
			put_sin(r.u.addr, ifc->addr);
			if (copy_to_user((void *)(uintptr_t)(c.buf + (uint64_t)used), &r,
					 sizeof(r)) < 0)
				return -EFAULT;
		}
		used += (int32_t)sizeof(struct ifreq);
	}
	c.len = used;
	return copy_to_user((void *)(uintptr_t)arg, &c, sizeof(c)) < 0 ? -EFAULT : 0;
}

long ifioctl(unsigned req, uint64_t arg)
{
	struct ifreq r;
	struct netdev *nd;
	struct iface *ifc;

	if (req == SIOCGIFCONF)
		return if_conf(arg);
	if (copy_from_user(&r, (void *)(uintptr_t)arg, sizeof(r)) < 0)
		return -EFAULT;
	switch (req) {
	case SIOCGIFNAME:
	case SIOCGIFFLAGS:
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFMETRIC:
	case SIOCGIFMTU:
	case SIOCGIFHWADDR:
	case SIOCGIFINDEX:
	case SIOCGIFTXQLEN:
		break;
	default:
		return -EOPNOTSUPP;
	}
	r.name[sizeof(r.name) - 1] = 0;
	nd = req == SIOCGIFNAME ? netdev_get(r.u.ivalue) : netdev_by_name(r.name);
	if (!nd)
		return -ENODEV;
	ifc = nd->stack;
	switch (req) {
	case SIOCGIFNAME:
		memset(r.name, 0, sizeof(r.name));
		memcpy(r.name, nd->name, sizeof(r.name) - 1);
		break;
	case SIOCGIFFLAGS:
		memset(&r.u, 0, sizeof(r.u));
		r.u.flags = if_flags(nd);
		break;
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK: {
		uint32_t a;
		if (!ifc || !ifc->addr)
			return -EADDRNOTAVAIL;
		if (req == SIOCGIFNETMASK)
			a = ifc->netmask;
		else if (req == SIOCGIFBRDADDR)
			a = nd->features & NETDEV_F_LOOPBACK ? 0 : ifc->addr | ~ifc->netmask;
		else
			a = ifc->addr; /* the destination of a non point-to-point link: itself */
		put_sin(r.u.addr, a);
		break;
	}
	case SIOCGIFMETRIC:
		memset(&r.u, 0, sizeof(r.u));
		break;
	case SIOCGIFMTU:
		memset(&r.u, 0, sizeof(r.u));
		r.u.ivalue = (int32_t)nd->mtu;
		break;
	case SIOCGIFTXQLEN:
		memset(&r.u, 0, sizeof(r.u));
		r.u.ivalue = 1000;
		break;
	case SIOCGIFHWADDR: {
		uint16_t fam = nd->features & NETDEV_F_LOOPBACK ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
		memset(&r.u, 0, sizeof(r.u));
		memcpy(r.u.addr, &fam, 2);
		memcpy(r.u.addr + 2, nd->mac, 6);
		break;
	}
	case SIOCGIFINDEX:
		memset(&r.u, 0, sizeof(r.u));
		r.u.ivalue = nd->index;
		break;
	}
	return copy_to_user((void *)(uintptr_t)arg, &r, sizeof(r)) < 0 ? -EFAULT : 0;
}
