/* netlink.h: AF_NETLINK sockets, NETLINK_ROUTE only (netlink.c), and the rtnetlink
 * request handler behind them (netlink_route.c): link, address and route dumps built
 * from the interface table (netdev.h, iface.h). Enough for glibc's getifaddrs and
 * getaddrinfo(AI_ADDRCONFIG), and Go's net.Interfaces/InterfaceAddrs. Values are the
 * Linux uapi ones (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h).
 * Locking: BKL. */
#ifndef ISLE_NET_NETLINK_H
#define ISLE_NET_NETLINK_H

#include <stddef.h>
#include <stdint.h>

struct sock;

#define NETLINK_ROUTE 0

#define NLMSG_NOOP 1
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define NLMSG_MIN_TYPE 0x10

#define NLM_F_REQUEST 0x1
#define NLM_F_MULTI 0x2
#define NLM_F_ACK 0x4
#define NLM_F_DUMP 0x300
#define NLM_F_CAPPED 0x100 /* in an ack: the request is not quoted past its header */

#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define RTM_NEWROUTE 24
#define RTM_GETROUTE 26

#define NLMSG_HDRLEN 16
#define NL_ALIGN(n) (((n) + 3u) & ~3u)

struct nlmsghdr {
	uint32_t nlmsg_len;
	uint16_t nlmsg_type, nlmsg_flags;
	uint32_t nlmsg_seq, nlmsg_pid;
};

struct sockaddr_nl {
	uint16_t nl_family, nl_pad;
	uint32_t nl_pid, nl_groups;
};

/* A growing buffer of reply messages. */
struct nlbuf {
	uint8_t *data;
	size_t len, cap;
	int err; /* -ENOMEM once an append failed */
};

/* Handle one request datagram (any number of messages) from port portid; append every
 * reply (dump messages, NLMSG_DONE, NLMSG_ERROR acks) to out. Malformed messages get an
 * NLMSG_ERROR -EINVAL when their header can be read, and end the datagram otherwise. */
void rtnl_request(const uint8_t *req, size_t len, uint32_t portid, struct nlbuf *out);
void nlbuf_free(struct nlbuf *b);

/* socket(AF_NETLINK, SOCK_RAW or SOCK_DGRAM, protocol) (netlink.c). */
int netlink_create(struct sock *s, int protocol);

#endif
