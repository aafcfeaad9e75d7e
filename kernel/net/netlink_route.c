/* netlink_route.c: the rtnetlink requests (netlink.h). RTM_GETLINK, RTM_GETADDR and
 * RTM_GETROUTE dumps are answered from the device table (netdev.h) and the interface
 * configuration (iface.h) with RTM_NEWLINK/NEWADDR/NEWROUTE messages and NLMSG_DONE;
 * IPv6 requests get an empty dump. Other message types get NLMSG_ERROR -EOPNOTSUPP (the
 * stack cannot be reconfigured at run time), malformed ones -EINVAL. Message layouts
 * follow the Linux uapi headers (ifinfomsg, ifaddrmsg, rtmsg, rtattr). */
#include "net/netlink.h"

#include "core/errno.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/iface.h"
#include "net/netdev.h"
#include "net/socket.h"

#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772

#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000
#define IFF_LOWER_UP 0x10000

#define IFLA_ADDRESS 1
#define IFLA_BROADCAST 2
#define IFLA_IFNAME 3
#define IFLA_MTU 4
#define IFLA_STATS 7
#define IFLA_TXQLEN 13
#define IFLA_OPERSTATE 16
#define IFLA_LINKMODE 17
#define IF_OPER_UNKNOWN 0
#define IF_OPER_DOWN 2
#define IF_OPER_UP 6

#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_LABEL 3
#define IFA_BROADCAST 4
#define IFA_FLAGS 8
#define IFA_F_PERMANENT 0x80

#define RTA_DST 1
#define RTA_OIF 4
#define RTA_GATEWAY 5
#define RTA_PREFSRC 7
#define RTA_TABLE 15
#define RT_TABLE_MAIN 254
#define RT_TABLE_LOCAL 255
#define RTPROT_KERNEL 2
#define RTPROT_BOOT 3
#define RTPROT_DHCP 16
#define RT_SCOPE_UNIVERSE 0
#define RT_SCOPE_LINK 253
#define RT_SCOPE_HOST 254
#define RTN_UNICAST 1
#define RTN_LOCAL 2

struct ifinfomsg {
	uint8_t family, pad;
	uint16_t type;
	int32_t index;
	uint32_t flags, change;
};

struct ifaddrmsg {
	uint8_t family, prefixlen, flags, scope;
	uint32_t index;
};

struct rtmsg {
	uint8_t family, dst_len, src_len, tos, table, protocol, scope, type;
	uint32_t flags;
};

struct rtattr {
	uint16_t len, type;
};

void nlbuf_free(struct nlbuf *b)
{
	kfree(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Room for n more bytes (zeroed); NULL (and b->err) when out of memory. */
static void *nl_put(struct nlbuf *b, size_t n)
{
	if (b->err)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *d = kmalloc(cap);
		if (!d) {
			b->err = -ENOMEM;
			return NULL;
		}
		if (b->len)
			memcpy(d, b->data, b->len);
		kfree(b->data);
		b->data = d;
		b->cap = cap;
	}
	void *p = b->data + b->len;
	memset(p, 0, n);
	b->len += n;
	return p;
}

/* Start a message; returns its offset (for nl_end), or (size_t)-1. */
static size_t nl_begin(struct nlbuf *b, uint16_t type, uint16_t flags, const struct nlmsghdr *req,
		       uint32_t portid)
{
	size_t off = b->len;
	struct nlmsghdr *h = nl_put(b, NLMSG_HDRLEN);

	if (!h)
		return (size_t)-1;
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = req->nlmsg_seq;
	h->nlmsg_pid = portid;
	return off;
}

static void nl_end(struct nlbuf *b, size_t off)
{
	if (b->err || off == (size_t)-1)
		return;
	struct nlmsghdr *h = (struct nlmsghdr *)(b->data + off);
	h->nlmsg_len = (uint32_t)(b->len - off);
}

static void nl_body(struct nlbuf *b, const void *p, size_t n)
{
	void *d = nl_put(b, NL_ALIGN(n));
	if (d)
		memcpy(d, p, n);
}

static void nl_attr(struct nlbuf *b, uint16_t type, const void *p, size_t n)
{
	struct rtattr *a = nl_put(b, NL_ALIGN(sizeof(*a) + n));
	if (!a)
		return;
	a->len = (uint16_t)(sizeof(*a) + n);
	a->type = type;
	memcpy(a + 1, p, n);
}

static void nl_attr_u32(struct nlbuf *b, uint16_t type, uint32_t v)
{
	nl_attr(b, type, &v, sizeof(v));
}

static void nl_attr_u8(struct nlbuf *b, uint16_t type, uint8_t v)
{
	nl_attr(b, type, &v, 1);
}

/* Network byte order of a host-order IPv4 address. */
static void nl_attr_in(struct nlbuf *b, uint16_t type, uint32_t a)
{
	uint8_t v[4] = {(uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a};
	nl_attr(b, type, v, 4);
}

static bool is_lo(const struct netdev *nd)
{
	return nd->features & NETDEV_F_LOOPBACK;
}

static unsigned prefix_len(uint32_t mask)
{
	unsigned n = 0;
	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return n;
}

static void put_link(struct nlbuf *b, struct netdev *nd, uint16_t flags, const struct nlmsghdr *req,
		     uint32_t portid)
{
	size_t off = nl_begin(b, RTM_NEWLINK, flags, req, portid);
	struct ifinfomsg ifi = {.index = nd->index};
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint32_t stats[24] = {0};

	if (is_lo(nd)) {
		ifi.type = ARPHRD_LOOPBACK;
		ifi.flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP;
	} else {
		ifi.type = ARPHRD_ETHER;
		ifi.flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST;
		if (nd->link_up)
			ifi.flags |= IFF_RUNNING | IFF_LOWER_UP;
	}
	nl_body(b, &ifi, sizeof(ifi));
	nl_attr(b, IFLA_IFNAME, nd->name, strlen(nd->name) + 1);
	nl_attr_u32(b, IFLA_TXQLEN, is_lo(nd) ? 1000 : 1000);
	nl_attr_u8(b, IFLA_OPERSTATE,
		   is_lo(nd)	 ? IF_OPER_UNKNOWN
		   : nd->link_up ? IF_OPER_UP
				 : IF_OPER_DOWN);
	nl_attr_u8(b, IFLA_LINKMODE, 0);
	nl_attr_u32(b, IFLA_MTU, nd->mtu);
	if (is_lo(nd)) {
		static const uint8_t zero[6];
		nl_attr(b, IFLA_ADDRESS, zero, 6);
		nl_attr(b, IFLA_BROADCAST, zero, 6);
	} else {
		nl_attr(b, IFLA_ADDRESS, nd->mac, 6);
		nl_attr(b, IFLA_BROADCAST, bcast, 6);
	}
	/* struct rtnl_link_stats: rx/tx packets, rx/tx bytes, rx/tx errors, rx/tx dropped. */
	stats[0] = (uint32_t)nd->rx_packets;
	stats[1] = (uint32_t)nd->tx_packets;
	stats[2] = (uint32_t)nd->rx_bytes;
	stats[3] = (uint32_t)nd->tx_bytes;
	stats[6] = (uint32_t)nd->rx_dropped;
	stats[7] = (uint32_t)nd->tx_dropped;
	nl_attr(b, IFLA_STATS, stats, sizeof(stats));
	nl_end(b, off);
}

static void put_addr(struct nlbuf *b, struct netdev *nd, const struct iface *ifc,
		     const struct nlmsghdr *req, uint32_t portid)
{
	size_t off = nl_begin(b, RTM_NEWADDR, NLM_F_MULTI, req, portid);
	struct ifaddrmsg ifa = {
		.family = AF_INET,
		.prefixlen = (uint8_t)prefix_len(ifc->netmask),
		.flags = IFA_F_PERMANENT,
		.scope = is_lo(nd) ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE,
		.index = (uint32_t)nd->index,
	};

	nl_body(b, &ifa, sizeof(ifa));
	nl_attr_in(b, IFA_ADDRESS, ifc->addr);
	nl_attr_in(b, IFA_LOCAL, ifc->addr);
	if (!is_lo(nd) && ifc->netmask != 0xffffffffu)
		nl_attr_in(b, IFA_BROADCAST, ifc->addr | ~ifc->netmask);
	nl_attr(b, IFA_LABEL, nd->name, strlen(nd->name) + 1);
	nl_attr_u32(b, IFA_FLAGS, IFA_F_PERMANENT);
	nl_end(b, off);
}

static void put_route(struct nlbuf *b, const struct nlmsghdr *req, uint32_t portid,
		      const struct rtmsg *rt, uint32_t dst, uint32_t gw, uint32_t src, int oif)
{
	size_t off = nl_begin(b, RTM_NEWROUTE, NLM_F_MULTI, req, portid);

	nl_body(b, rt, sizeof(*rt));
	nl_attr_u32(b, RTA_TABLE, rt->table);
	if (rt->dst_len)
		nl_attr_in(b, RTA_DST, dst);
	if (src)
		nl_attr_in(b, RTA_PREFSRC, src);
	if (gw)
		nl_attr_in(b, RTA_GATEWAY, gw);
	nl_attr_u32(b, RTA_OIF, (uint32_t)oif);
	nl_end(b, off);
}

static void dump_routes(struct nlbuf *b, const struct nlmsghdr *req, uint32_t portid)
{
	for (int i = 1; i <= netdev_count(); i++) {
		struct netdev *nd = netdev_get(i);
		struct iface *ifc = nd ? nd->stack : NULL;
		if (!ifc || !ifc->addr)
			continue;
		if (is_lo(nd)) {
			struct rtmsg rt = {AF_INET,
					   (uint8_t)prefix_len(ifc->netmask),
					   0,
					   0,
					   RT_TABLE_LOCAL,
					   RTPROT_KERNEL,
					   RT_SCOPE_HOST,
					   RTN_LOCAL,
					   0};
			put_route(b, req, portid, &rt, ifc->addr & ifc->netmask, 0, ifc->addr,
				  nd->index);
			continue;
		}
		if (ifc->gateway) {
			struct rtmsg rt = {AF_INET,
					   0,
					   0,
					   0,
					   RT_TABLE_MAIN,
					   ifc->dhcp ? RTPROT_DHCP : RTPROT_BOOT,
					   RT_SCOPE_UNIVERSE,
					   RTN_UNICAST,
					   0};
			put_route(b, req, portid, &rt, 0, ifc->gateway, ifc->dhcp ? ifc->addr : 0,
				  nd->index);
		}
		struct rtmsg rt = {AF_INET,
				   (uint8_t)prefix_len(ifc->netmask),
				   0,
				   0,
				   RT_TABLE_MAIN,
				   RTPROT_KERNEL,
				   RT_SCOPE_LINK,
				   RTN_UNICAST,
				   0};
		put_route(b, req, portid, &rt, ifc->addr & ifc->netmask, 0, ifc->addr, nd->index);
	}
}

static void put_error(struct nlbuf *b, const struct nlmsghdr *req, uint32_t portid, int err)
{
	/* An error quotes the whole request, an ack its header only (NLM_F_CAPPED). */
	size_t quote = err ? req->nlmsg_len : NLMSG_HDRLEN;
	size_t off = nl_begin(b, NLMSG_ERROR, err ? 0 : NLM_F_CAPPED, req, portid);
	int32_t e = err;

	nl_body(b, &e, sizeof(e));
	nl_body(b, req, quote);
	nl_end(b, off);
}

/* Find IFLA_IFNAME in a GETLINK request's attributes. */
static struct netdev *link_by_name(const uint8_t *p, size_t n)
{
	while (n >= sizeof(struct rtattr)) {
		struct rtattr a;
		memcpy(&a, p, sizeof(a));
		if (a.len < sizeof(a) || a.len > n)
			return NULL;
		if (a.type == IFLA_IFNAME) {
			char name[NETDEV_NAME_MAX];
			size_t l = a.len - sizeof(a);
			if (l >= sizeof(name))
				return NULL;
			memcpy(name, p + sizeof(a), l);
			name[l] = 0;
			return netdev_by_name(name);
		}
		if (NL_ALIGN(a.len) >= n)
			break;
		p += NL_ALIGN(a.len);
		n -= NL_ALIGN(a.len);
	}
	return NULL;
}

/* One request message (header checked by the caller); 0 when answered, or the errno
 * for an NLMSG_ERROR. */
static int rtnl_one(const struct nlmsghdr *h, const uint8_t *body, size_t blen, uint32_t portid,
		    struct nlbuf *b)
{
	bool dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	uint8_t family;

	switch (h->nlmsg_type) {
	case RTM_GETLINK:
	case RTM_GETADDR:
	case RTM_GETROUTE:
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (blen < 1)
		return -EINVAL;
	family = body[0];
	if (!dump) {
		struct ifinfomsg ifi;
		struct netdev *nd;
		if (h->nlmsg_type != RTM_GETLINK)
			return -EOPNOTSUPP;
		if (blen < sizeof(ifi))
			return -EINVAL;
		memcpy(&ifi, body, sizeof(ifi));
		if (ifi.index > 0)
			nd = netdev_get(ifi.index);
		else
			nd = link_by_name(body + sizeof(ifi), blen - sizeof(ifi));
		if (!nd)
			return -ENODEV;
		put_link(b, nd, 0, h, portid);
		return 0;
	}
	if (family != AF_INET6) {
		for (int i = 1; i <= netdev_count(); i++) {
			struct netdev *nd = netdev_get(i);
			struct iface *ifc = nd ? nd->stack : NULL;
			if (!nd)
				continue;
			if (h->nlmsg_type == RTM_GETLINK)
				put_link(b, nd, NLM_F_MULTI, h, portid);
			else if (h->nlmsg_type == RTM_GETADDR && ifc && ifc->addr &&
				 (family == AF_UNSPEC || family == AF_INET))
				put_addr(b, nd, ifc, h, portid);
		}
		if (h->nlmsg_type == RTM_GETROUTE && (family == AF_UNSPEC || family == AF_INET))
			dump_routes(b, h, portid);
	}
	size_t off = nl_begin(b, NLMSG_DONE, NLM_F_MULTI, h, portid);
	int32_t zero = 0;
	nl_body(b, &zero, sizeof(zero));
	nl_end(b, off);
	return 0;
}

void rtnl_request(const uint8_t *req, size_t len, uint32_t portid, struct nlbuf *out)
{
	while (len >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		memcpy(&h, req, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
			return; /* as Linux: the rest of the datagram is ignored */
		int err = 0;
		/* Only requests are acted on; control messages are acked when asked. */
		if ((h.nlmsg_flags & NLM_F_REQUEST) && h.nlmsg_type >= NLMSG_MIN_TYPE) {
			err = rtnl_one(&h, req + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN, portid,
				       out);
		}
		bool dumped = !err && (h.nlmsg_flags & NLM_F_REQUEST) &&
			      h.nlmsg_type >= NLMSG_MIN_TYPE &&
			      (h.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
		if (err || ((h.nlmsg_flags & NLM_F_ACK) && !dumped))
			put_error(out, (const struct nlmsghdr *)req, portid, err);
		size_t step = NL_ALIGN(h.nlmsg_len);
		if (step >= len)
			return;
		req += step;
		len -= step;
	}
}
