/* netopts.h: the guest network of `isle run`: --net MODE and the forwarded ports of -p and
 * config.json (RunConfig.Ports, RunConfig.UDPPorts), parsed and checked. */
#ifndef ISLE_CLI_NETOPTS_H
#define ISLE_CLI_NETOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qemu.h"

#define NET_MAX_PORTS 64
#define NET_TAP_NAME_MAX 15 /* IFNAMSIZ - 1 */

struct net_options {
	enum qemu_net mode;
	bool mode_given; /* --net was on the command line */
	char tap[NET_TAP_NAME_MAX + 1];
	uint16_t udp_local, udp_remote; /* udp:LOCAL:REMOTE */
	struct qemu_port ports[NET_MAX_PORTS];
	size_t nports;
};

/* Parses "user", "isolated", "none", "tap:NAME" or "udp:LOCALPORT:REMOTEPORT" (two
 * different decimal ports 1..65535 on 127.0.0.1) into n. 0, or -EINVAL with *why set. */
int net_mode_parse(const char *s, struct net_options *n, const char **why);

/* Parses "HOST[:GUEST][/tcp|/udp]" (GUEST defaults to HOST; the protocol to UDP when udp
 * is set, else TCP). Ports are decimal 1..65535. 0, or -EINVAL with *why set. */
int net_port_parse(const char *s, bool udp, struct qemu_port *p, const char **why);

/* Adds p unless its host port is already forwarded for the same protocol. 0, or -EINVAL
 * (duplicate, too many) with *why set. */
int net_port_add(struct net_options *n, const struct qemu_port *p, const char **why);

/* The mode when --net was not given: user when any port is forwarded, else none (no NIC).
 * Then checks that ports go with a mode that forwards (user or isolated). 0, or -EINVAL
 * with *why set. */
int net_finish(struct net_options *n, const char **why);

#endif
