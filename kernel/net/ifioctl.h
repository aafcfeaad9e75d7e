/* ifioctl.h: the interface ioctls (SIOCGIF*) that work on any socket, answered from the
 * device table (netdev.h) and the interface configuration (iface.h). socket.c tries them
 * before the protocol's ioctl. Locking: BKL. */
#ifndef ISLE_NET_IFIOCTL_H
#define ISLE_NET_IFIOCTL_H

#include <stdbool.h>
#include <stdint.h>

/* True when req is an interface ioctl (get or set), answered by ifioctl. */
bool ifioctl_handles(unsigned req);
/* arg is the program's struct ifreq / struct ifconf pointer. 0 or a negative errno:
 * -ENODEV (no such interface), -EADDRNOTAVAIL (no address), -EFAULT, -EOPNOTSUPP (the
 * set requests: the configuration is fixed at boot). */
long ifioctl(unsigned req, uint64_t arg);

#endif
