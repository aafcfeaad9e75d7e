/* netopts.c: parse and check --net and forwarded ports (netopts.h). */
#include <errno.h>
#include <string.h>

#include "netopts.h"

/* Decimal 1..65535 from s to the first stop character (or the end); sets *end. */
static int port_number(const char *s, const char **end, uint16_t *out)
{
	unsigned long v = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return -ERANGE;
		p++;
	}
	if (p == s)
		return -EINVAL;
	if (v == 0)
		return -ERANGE;
	*out = (uint16_t)v;
	*end = p;
	return 0;
}

/* "LOCAL:REMOTE" of udp:LOCAL:REMOTE into n. */
static int udp_ports(const char *s, struct net_options *n, const char **why)
{
	const char *e;
	int r = port_number(s, &e, &n->udp_local);

	if (r == 0 && *e == ':')
		r = port_number(e + 1, &e, &n->udp_remote);
	else if (r == 0)
		r = -EINVAL;
	if (r == 0 && *e)
		r = -EINVAL;
	if (r == -ERANGE) {
		*why = "UDP tunnel ports are 1 to 65535";
		return -EINVAL;
	}
	if (r < 0) {
		*why = "expected udp:LOCALPORT:REMOTEPORT, e.g. udp:40000:40001";
		return -EINVAL;
	}
	if (n->udp_local == n->udp_remote) {
		*why = "the UDP tunnel's local and remote ports must differ";
		return -EINVAL;
	}
	return 0;
}

int net_mode_parse(const char *s, struct net_options *n, const char **why)
{
	n->mode_given = true;
	n->tap[0] = '\0';
	if (!strcmp(s, "user")) {
		n->mode = QEMU_NET_USER;
	} else if (!strcmp(s, "isolated")) {
		n->mode = QEMU_NET_ISOLATED;
	} else if (!strcmp(s, "none")) {
		n->mode = QEMU_NET_NONE;
	} else if (!strncmp(s, "tap:", 4)) {
		const char *name = s + 4;
		size_t len = strlen(name);
		if (len == 0 || len > NET_TAP_NAME_MAX) {
			*why = "a tap interface name is 1 to 15 characters (tap:NAME)";
			return -EINVAL;
		}
		for (const char *p = name; *p; p++) {
			if (*p == '/' || *p == ',' || *p == ':' || *p <= ' ' || *p == 0x7f) {
				*why = "the tap interface name has a character interfaces cannot "
				       "have";
				return -EINVAL;
			}
		}
		n->mode = QEMU_NET_TAP;
		memcpy(n->tap, name, len + 1);
	} else if (!strncmp(s, "udp:", 4)) {
		if (udp_ports(s + 4, n, why))
			return -EINVAL;
		n->mode = QEMU_NET_UDP;
	} else {
		*why = "expected user, isolated, tap:NAME, udp:LOCALPORT:REMOTEPORT or none";
		return -EINVAL;
	}
	return 0;
}

int net_port_parse(const char *s, bool udp, struct qemu_port *p, const char **why)
{
	const char *e;
	int r = port_number(s, &e, &p->host);
	if (r == 0 && *e == ':')
		r = port_number(e + 1, &e, &p->guest);
	else if (r == 0)
		p->guest = p->host;
	if (r == -ERANGE) {
		*why = "ports are 1 to 65535";
		return -EINVAL;
	}
	p->udp = udp;
	if (r == 0 && *e == '/') {
		if (!strcmp(e + 1, "udp"))
			p->udp = true;
		else if (!strcmp(e + 1, "tcp"))
			p->udp = false;
		else
			r = -EINVAL;
		e += strlen(e);
	}
	if (r < 0 || *e) {
		*why = "expected HOSTPORT[:GUESTPORT][/tcp|/udp], e.g. 8080 or 8080:80/udp";
		return -EINVAL;
	}
	return 0;
}

int net_port_add(struct net_options *n, const struct qemu_port *p, const char **why)
{
	for (size_t i = 0; i < n->nports; i++) {
		if (n->ports[i].host == p->host && n->ports[i].udp == p->udp) {
			*why = p->udp ? "UDP host port forwarded twice"
				      : "TCP host port forwarded twice";
			return -EINVAL;
		}
	}
	if (n->nports == NET_MAX_PORTS) {
		*why = "too many forwarded ports (at most 64)";
		return -EINVAL;
	}
	n->ports[n->nports++] = *p;
	return 0;
}

int net_finish(struct net_options *n, const char **why)
{
	if (!n->mode_given)
		n->mode = n->nports ? QEMU_NET_USER : QEMU_NET_NONE;
	if (n->nports && n->mode != QEMU_NET_USER && n->mode != QEMU_NET_ISOLATED) {
		*why = "forwarded ports (-p, Ports, UDPPorts) need --net user or --net isolated";
		return -EINVAL;
	}
	return 0;
}
