/* dhcp.c: the DHCPv4 client (RFC 2131, options RFC 2132): DISCOVER, OFFER, REQUEST, ACK
 * with a random xid and bounded retries, renewal at T1. Frames are built and parsed here
 * (Ethernet + IPv4 + UDP by hand) so the client needs no sockets. */
#include "core/errno.h"
#include "core/printk.h"
#include "core/random.h"
#include "core/time.h"
#include "lib/string.h"
#include "net/iface.h"
#include "net/stack.h"
#include "net/net_timer.h"
#include "sched/wait.h"

#define BOOTP_LEN 236
#define DHCP_MAGIC 0x63825363u
#define DHCP_DISCOVER 1
#define DHCP_OFFER 2
#define DHCP_REQUEST 3
#define DHCP_ACK 5
#define DHCP_NAK 6
#define DHCP_TRIES 5
#define DHCP_RETRY_NS 1000000000ull

enum dhcp_state { D_IDLE, D_SELECTING, D_REQUESTING, D_BOUND, D_RENEWING, D_FAILED };

static struct {
	enum dhcp_state state;
	struct netdev *dev;
	uint32_t xid;
	int tries;
	uint32_t offered, server;
	struct net_timer timer;
} dc;

struct wait_queue dhcp_wq = WAIT_QUEUE_INIT;

int dhcp_parse_options(const uint8_t *opt, uint32_t len, struct dhcp_opts *out)
{
	*out = (struct dhcp_opts){0};
	uint32_t i = 0;
	while (i < len) {
		uint8_t code = opt[i++];
		if (code == 0)
			continue;
		if (code == 255)
			return 0;
		if (i >= len)
			return -EPROTO;
		uint8_t n = opt[i++];
		if (n > len - i)
			return -EPROTO;
		const uint8_t *v = opt + i;
		i += n;
		switch (code) {
		case 1:
			if (n != 4)
				return -EPROTO;
			out->mask = get32(v);
			out->have_mask = true;
			break;
		case 3:
			if (n < 4 || n % 4)
				return -EPROTO;
			out->router = get32(v);
			out->have_router = true;
			break;
		case 6:
			if (n < 4 || n % 4)
				return -EPROTO;
			for (uint32_t k = 0; k + 4 <= n && out->ndns < 3; k += 4)
				out->dns[out->ndns++] = get32(v + k);
			break;
		case 51:
			if (n != 4)
				return -EPROTO;
			out->lease_s = get32(v);
			out->have_lease = true;
			break;
		case 53:
			if (n != 1)
				return -EPROTO;
			out->msg_type = v[0];
			break;
		case 54:
			if (n != 4)
				return -EPROTO;
			out->server_id = get32(v);
			out->have_server = true;
			break;
		default:
			break; /* unknown options are skipped */
		}
	}
	return 0; /* no end option: tolerated */
}

static uint8_t *opt_add(uint8_t *o, uint8_t code, uint8_t len, const void *v)
{
	o[0] = code;
	o[1] = len;
	memcpy(o + 2, v, len);
	return o + 2 + len;
}

static void send_msg(uint8_t type)
{
	struct netdev *nd = dc.dev;
	struct iface *ifc = iface_of(nd);
	uint32_t blen = BOOTP_LEN + 4 + 64;
	struct pkt *p = pkt_alloc(PKT_HEADROOM, 28 + blen);
	if (!p || !ifc) {
		if (p)
			pkt_free(p);
		return;
	}
	uint8_t *ip = pkt_put(p, 28 + blen);
	memset(ip, 0, 28 + blen);
	uint8_t *udp = ip + 20, *b = udp + 8;
	b[0] = 1; /* BOOTREQUEST */
	b[1] = 1;
	b[2] = 6;
	put32(b + 4, dc.xid);
	put16(b + 10, 0x8000); /* broadcast replies: we cannot receive unicast yet */
	if (dc.state == D_RENEWING)
		put32(b + 12, ifc->addr);
	memcpy(b + 28, nd->mac, 6);
	put32(b + 236, DHCP_MAGIC);
	uint8_t *o = b + 240;
	o = opt_add(o, 53, 1, &type);
	uint8_t v[4];
	if (dc.state == D_REQUESTING) {
		put32(v, dc.offered);
		o = opt_add(o, 50, 4, v);
		put32(v, dc.server);
		o = opt_add(o, 54, 4, v);
	}
	static const uint8_t prl[] = {1, 3, 6, 51, 54};
	o = opt_add(o, 55, sizeof(prl), prl);
	*o++ = 255;
	uint32_t ulen = 8 + (uint32_t)(o - b);
	pkt_trim(p, 20 + ulen);
	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, (uint16_t)ulen);
	uint32_t src = dc.state == D_RENEWING ? ifc->addr : 0;
	uint16_t cs = (uint16_t)~inet_fold(
		inet_sum(udp, ulen, inet_pseudo_sum(src, INADDR_BROADCAST, IPPROTO_UDP, ulen)));
	put16(udp + 6, cs ? cs : 0xffff);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + ulen));
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	put32(ip + 12, src);
	put32(ip + 16, INADDR_BROADCAST);
	put16(ip + 10, (uint16_t)~inet_fold(inet_sum(ip, 20, 0)));
	eth_output(nd, p, eth_broadcast, ETH_P_IP);
}

static void arm(uint64_t ns)
{
	net_timer_arm(&dc.timer, time_monotonic_ns() + ns);
}

static void timer_fn(struct net_timer *t)
{
	switch (dc.state) {
	case D_SELECTING:
	case D_REQUESTING:
		if (dc.tries >= DHCP_TRIES) {
			dc.state = D_FAILED;
			waitq_wake_all(&dhcp_wq, 0);
			return;
		}
		dc.tries++;
		send_msg(dc.state == D_SELECTING ? DHCP_DISCOVER : DHCP_REQUEST);
		arm(DHCP_RETRY_NS << (dc.tries > 3 ? 3 : dc.tries - 1));
		return;
	case D_BOUND: /* T1: renew */
	case D_RENEWING:
		dc.state = D_RENEWING;
		dc.xid = (uint32_t)random_u64();
		send_msg(DHCP_REQUEST);
		arm(60 * DHCP_RETRY_NS);
		return;
	default:
		return;
	}
}

int dhcp_start(struct netdev *nd)
{
	if (!iface_of(nd))
		return -ENOMEM;
	dc.dev = nd;
	dc.xid = (uint32_t)random_u64();
	dc.state = D_SELECTING;
	dc.tries = 1;
	net_timer_init(&dc.timer, timer_fn, NULL);
	send_msg(DHCP_DISCOVER);
	arm(DHCP_RETRY_NS);
	return 0;
}

bool dhcp_done(void)
{
	return dc.state == D_BOUND || dc.state == D_RENEWING;
}

bool dhcp_failed(void)
{
	return dc.state == D_FAILED;
}

static void bind_lease(const struct dhcp_opts *o, uint32_t yiaddr)
{
	struct iface *ifc = iface_of(dc.dev);
	uint32_t mask = o->have_mask ? o->mask : 0xffffff00u;
	/* A netmask must be contiguous ones. */
	if (~mask & (~mask + 1))
		mask = 0xffffff00u;
	iface_config(dc.dev, yiaddr, mask, o->have_router ? o->router : 0);
	ifc->dhcp = true;
	ifc->lease_s = o->have_lease ? o->lease_s : 0;
	if (o->ndns) {
		net_ndns = o->ndns;
		memcpy(net_dns, o->dns, sizeof(net_dns));
	}
	dc.state = D_BOUND;
	net_timer_cancel(&dc.timer);
	if (o->have_lease && o->lease_s != 0xffffffffu)
		arm((uint64_t)(o->lease_s / 2 ? o->lease_s / 2 : 1) * 1000000000ull);
	arp_announce(dc.dev);
	waitq_wake_all(&dhcp_wq, 0);
}

bool dhcp_input(struct pkt *p, const struct ip_info *ip)
{
	const uint8_t *u = p->data;
	if (p->len < 8 || get16(u + 2) != 68 || dc.state == D_IDLE || dc.state == D_FAILED ||
	    ip->dev != dc.dev)
		return false;
	if (get16(u) != 67)
		return false;
	uint32_t ulen = get16(u + 4);
	if (ulen < 8 + BOOTP_LEN + 4 || ulen > p->len)
		goto bad;
	if (get16(u + 6) &&
	    inet_fold(inet_sum(u, ulen, inet_pseudo_sum(ip->src, ip->dst, IPPROTO_UDP, ulen))) !=
		    0xffff)
		goto bad;
	const uint8_t *b = u + 8;
	if (b[0] != 2 || get32(b + 4) != dc.xid || memcmp(b + 28, dc.dev->mac, 6) ||
	    get32(b + 236) != DHCP_MAGIC)
		goto bad;
	struct dhcp_opts o;
	if (dhcp_parse_options(b + 240, ulen - 8 - 240, &o) < 0)
		goto bad;
	uint32_t yiaddr = get32(b + 16);
	if (o.msg_type == DHCP_OFFER && dc.state == D_SELECTING) {
		if (!yiaddr || yiaddr == INADDR_BROADCAST || (yiaddr >> 24) == 127 ||
		    !o.have_server)
			goto bad;
		dc.offered = yiaddr;
		dc.server = o.server_id;
		dc.state = D_REQUESTING;
		dc.tries = 1;
		send_msg(DHCP_REQUEST);
		arm(DHCP_RETRY_NS);
	} else if (o.msg_type == DHCP_ACK && (dc.state == D_REQUESTING || dc.state == D_RENEWING)) {
		if (!yiaddr || yiaddr == INADDR_BROADCAST || (yiaddr >> 24) == 127)
			goto bad;
		bind_lease(&o, yiaddr);
	} else if (o.msg_type == DHCP_NAK && (dc.state == D_REQUESTING || dc.state == D_RENEWING)) {
		if (dc.state == D_RENEWING)
			iface_config(dc.dev, 0, 0, 0);
		dc.state = D_SELECTING;
		dc.xid = (uint32_t)random_u64();
		dc.tries = 1;
		send_msg(DHCP_DISCOVER);
		arm(DHCP_RETRY_NS);
	}
	pkt_free(p);
	return true;
bad:
	net_stats.dhcp_bad++;
	pkt_free(p);
	return true;
}
