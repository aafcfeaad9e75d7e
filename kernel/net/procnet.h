/* procnet.h: /proc/net/dev and /proc/net/route, generated from the device table and the
 * interface configuration in Linux's formats (net-tools' ifconfig/route/netstat and
 * programs that scan them read these). procfs.c lists them. Locking: BKL. */
#ifndef ISLE_NET_PROCNET_H
#define ISLE_NET_PROCNET_H

struct genfs_out;

void procnet_show_dev(struct genfs_out *o);
void procnet_show_route(struct genfs_out *o);

#endif
