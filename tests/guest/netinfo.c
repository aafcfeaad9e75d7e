/* netinfo.c: how programs discover the network: getifaddrs and if_nameindex (glibc reads
 * them over NETLINK_ROUTE), the SIOCGIF* ioctls, getaddrinfo with AI_ADDRCONFIG, and a raw
 * rtnetlink socket (dump, error acks, getsockname), /proc/net/dev and /proc/net/route.
 * Prints one line per interface and address; checks lo 127.0.0.1/8 always, and with
 * arguments NAME ADDR that interface too (eth0 10.0.2.15 under isle --net isolated). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest.h"

static const char *want_if = "lo", *want_addr = "127.0.0.1";

static void check_getifaddrs(const char *name, const char *addr)
{
	struct ifaddrs *ifa, *p;
	int found_link = 0, found_addr = 0;

	CHECK(getifaddrs(&ifa) == 0, "getifaddrs: %s", strerror(errno));
	for (p = ifa; p; p = p->ifa_next) {
		char buf[64] = "-";
		if (!p->ifa_addr)
			continue;
		if (p->ifa_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)p->ifa_addr)->sin_addr, buf,
				  sizeof(buf));
		else if (p->ifa_addr->sa_family == AF_PACKET)
			strcpy(buf, "link");
		else
			continue;
		printf("getifaddrs %s %s flags %#x\n", p->ifa_name, buf, p->ifa_flags);
		if (strcmp(p->ifa_name, name))
			continue;
		CHECK(p->ifa_flags & IFF_UP, "%s is not up", name);
		if (p->ifa_addr->sa_family == AF_PACKET)
			found_link = 1;
		if (!strcmp(buf, addr)) {
			found_addr = 1;
			CHECK(p->ifa_netmask, "%s has no netmask", name);
		}
	}
	freeifaddrs(ifa);
	CHECK(found_link, "no AF_PACKET entry for %s", name);
	CHECK(found_addr, "no address %s on %s", addr, name);
}

static void check_nameindex(const char *name)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	unsigned idx = if_nametoindex(name);
	char buf[IF_NAMESIZE];
	int found = 0;

	CHECK(ni, "if_nameindex: %s", strerror(errno));
	for (p = ni; p->if_index; p++) {
		printf("if_nameindex %u %s\n", p->if_index, p->if_name);
		if (!strcmp(p->if_name, name)) {
			found = 1;
			CHECK(p->if_index == idx, "index %u vs %u", p->if_index, idx);
		}
	}
	if_freenameindex(ni);
	CHECK(found, "%s not in if_nameindex", name);
	CHECK(if_indextoname(idx, buf) && !strcmp(buf, name), "if_indextoname(%u)", idx);
	CHECK(if_nametoindex("nosuch0") == 0 && errno == ENODEV, "nosuch0: %s", strerror(errno));
}

static void check_ioctls(const char *name, const char *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq rs[16], r;
	struct ifconf c = {.ifc_len = sizeof(rs), .ifc_req = rs};
	int found = 0;

	CHECK(fd >= 0, "socket: %s", strerror(errno));
	CHECK(ioctl(fd, SIOCGIFCONF, &c) == 0, "SIOCGIFCONF: %s", strerror(errno));
	for (int i = 0; i < c.ifc_len / (int)sizeof(struct ifreq); i++) {
		char buf[32];
		inet_ntop(AF_INET, &((struct sockaddr_in *)&rs[i].ifr_addr)->sin_addr, buf,
			  sizeof(buf));
		printf("SIOCGIFCONF %s %s\n", rs[i].ifr_name, buf);
		if (!strcmp(rs[i].ifr_name, name) && !strcmp(buf, addr))
			found = 1;
	}
	CHECK(found, "%s %s not in SIOCGIFCONF", name, addr);
	c.ifc_req = NULL;
	c.ifc_len = 0;
	CHECK(ioctl(fd, SIOCGIFCONF, &c) == 0 && c.ifc_len >= (int)sizeof(struct ifreq),
	      "SIOCGIFCONF size: %d", c.ifc_len);

	memset(&r, 0, sizeof(r));
	strcpy(r.ifr_name, name);
	CHECK(ioctl(fd, SIOCGIFFLAGS, &r) == 0 && (r.ifr_flags & IFF_UP), "SIOCGIFFLAGS");
	if (!strcmp(name, "lo"))
		CHECK(r.ifr_flags & IFF_LOOPBACK, "lo flags %#x", r.ifr_flags);
	CHECK(ioctl(fd, SIOCGIFINDEX, &r) == 0 && r.ifr_ifindex > 0, "SIOCGIFINDEX");
	int idx = r.ifr_ifindex;
	memset(r.ifr_name, 0, sizeof(r.ifr_name));
	CHECK(ioctl(fd, SIOCGIFNAME, &r) == 0 && !strcmp(r.ifr_name, name), "SIOCGIFNAME %d", idx);
	CHECK(ioctl(fd, SIOCGIFMTU, &r) == 0 && r.ifr_mtu >= 576, "SIOCGIFMTU %d", r.ifr_mtu);
	int mtu = r.ifr_mtu;
	CHECK(ioctl(fd, SIOCGIFHWADDR, &r) == 0, "SIOCGIFHWADDR: %s", strerror(errno));
	unsigned char *m = (unsigned char *)r.ifr_hwaddr.sa_data;
	printf("SIOCGIFHWADDR %s family %d %02x:%02x:%02x:%02x:%02x:%02x index %d mtu %d\n", name,
	       r.ifr_hwaddr.sa_family, m[0], m[1], m[2], m[3], m[4], m[5], idx, mtu);
	CHECK(ioctl(fd, SIOCGIFADDR, &r) == 0, "SIOCGIFADDR: %s", strerror(errno));
	CHECK(((struct sockaddr_in *)&r.ifr_addr)->sin_addr.s_addr == inet_addr(addr),
	      "SIOCGIFADDR");
	CHECK(ioctl(fd, SIOCGIFNETMASK, &r) == 0, "SIOCGIFNETMASK: %s", strerror(errno));
	CHECK(ioctl(fd, SIOCGIFBRDADDR, &r) == 0, "SIOCGIFBRDADDR: %s", strerror(errno));

	strcpy(r.ifr_name, "nosuch0");
	CHECK(ioctl(fd, SIOCGIFFLAGS, &r) == -1 && errno == ENODEV, "nosuch0: %s", strerror(errno));
	CHECK(ioctl(fd, SIOCGIFFLAGS, (void *)8) == -1 && errno == EFAULT, "bad pointer: %s",
	      strerror(errno));
	close(fd);
}

static void check_getaddrinfo(void)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
	char buf[32];
	int r = getaddrinfo("localhost", "80", &hints, &res);

	CHECK(r == 0, "getaddrinfo(localhost): %s", gai_strerror(r));
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, buf, sizeof(buf));
	printf("getaddrinfo localhost %s\n", buf);
	CHECK(!strcmp(buf, "127.0.0.1"), "localhost is %s", buf);
	freeaddrinfo(res);
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICHOST;
	r = getaddrinfo("127.0.0.1", "80", &hints, &res);
	CHECK(r == 0, "getaddrinfo(AI_ADDRCONFIG): %s", gai_strerror(r));
	freeaddrinfo(res);
	hints.ai_flags = AI_ADDRCONFIG;
	r = getaddrinfo("localhost", NULL, &hints, &res);
	CHECK(r == 0, "getaddrinfo(localhost, AI_ADDRCONFIG): %s", gai_strerror(r));
	printf("getaddrinfo AI_ADDRCONFIG ok\n");
	freeaddrinfo(res);
}

/* Send one request; return the first reply message's type and, for NLMSG_ERROR, *err. */
static int nl_ask(int fd, uint16_t type, uint16_t flags, uint32_t len, int *err)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {.h = {.nlmsg_len = len, .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = 7}};
	char buf[8192];
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr mh = {&sa, sizeof(sa), &iov, 1, NULL, 0, 0};

	CHECK(sendto(fd, &req, len, 0, (struct sockaddr *)&sa, sizeof(sa)) == (ssize_t)len,
	      "netlink send: %s", strerror(errno));
	ssize_t n = recvmsg(fd, &mh, 0);
	CHECK(n >= (ssize_t)sizeof(struct nlmsghdr), "netlink recv %zd: %s", n, strerror(errno));
	CHECK(sa.nl_pid == 0, "reply from port %u", sa.nl_pid);
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	CHECK(h->nlmsg_seq == 7, "seq %u", h->nlmsg_seq);
	if (h->nlmsg_type == NLMSG_ERROR)
		*err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	/* Drain the rest of a dump. */
	int type0 = h->nlmsg_type;
	while (type0 != NLMSG_ERROR) {
		int done = 0;
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_DONE)
				done = 1;
		if (done)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		CHECK(n > 0, "netlink recv: %s", strerror(errno));
		h = (struct nlmsghdr *)buf;
	}
	return type0;
}

static void check_netlink(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	socklen_t sl = sizeof(sa);
	int err = 0;

	CHECK(fd >= 0, "netlink socket: %s", strerror(errno));
	CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind: %s", strerror(errno));
	CHECK(getsockname(fd, (struct sockaddr *)&sa, &sl) == 0 && sl == sizeof(sa) &&
		      sa.nl_family == AF_NETLINK && sa.nl_pid != 0,
	      "getsockname");
	CHECK(nl_ask(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, NLMSG_LENGTH(1), &err) ==
		      RTM_NEWLINK,
	      "link dump");
	CHECK(nl_ask(fd, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, NLMSG_LENGTH(1), &err) ==
		      RTM_NEWADDR,
	      "addr dump");
	CHECK(nl_ask(fd, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, NLMSG_LENGTH(1), &err) ==
		      RTM_NEWROUTE,
	      "route dump");
	err = 0;
	CHECK(nl_ask(fd, 1000, NLM_F_REQUEST | NLM_F_ACK, NLMSG_LENGTH(1), &err) == NLMSG_ERROR &&
		      err == -EOPNOTSUPP,
	      "unknown type: error %d", err);
	err = 0;
	CHECK(nl_ask(fd, RTM_GETLINK, NLM_F_REQUEST, NLMSG_LENGTH(1), &err) == NLMSG_ERROR &&
		      err == -EINVAL,
	      "short GETLINK: error %d", err);
	printf("netlink ok port %u\n", sa.nl_pid);
	close(fd);
}

/* /proc/net/dev lists name; /proc/net/route has a line for it unless it is lo. */
static void check_procnet(const char *name)
{
	char text[8192], pat[32];
	FILE *f = fopen("/proc/net/dev", "r");
	size_t n;

	CHECK(f, "/proc/net/dev: %s", strerror(errno));
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	snprintf(pat, sizeof(pat), " %s:", name);
	CHECK(strstr(text, pat), "%s not in /proc/net/dev:\n%s", name, text);
	if (!strcmp(name, "lo"))
		return;
	f = fopen("/proc/net/route", "r");
	CHECK(f, "/proc/net/route: %s", strerror(errno));
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	CHECK(!strncmp(text, "Iface\tDestination\tGateway", 25), "route header:\n%s", text);
	snprintf(pat, sizeof(pat), "\n%s\t", name);
	CHECK(strstr(text, pat), "%s not in /proc/net/route:\n%s", name, text);
	printf("procnet %s ok\n", name);
}

int main(int argc, char **argv)
{
	check_getifaddrs(want_if, want_addr);
	check_nameindex(want_if);
	check_ioctls(want_if, want_addr);
	if (argc == 3) {
		check_getifaddrs(argv[1], argv[2]);
		check_nameindex(argv[1]);
		check_ioctls(argv[1], argv[2]);
		check_procnet(argv[1]);
	}
	check_procnet(want_if);
	check_getaddrinfo();
	check_netlink();
	guest_pass("netinfo");
	return 0;
}
