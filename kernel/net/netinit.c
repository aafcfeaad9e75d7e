/* netinit.c: net_init, the stack's boot step (contract in iface.h): lo, then eth0 by
 * static options (ip=, netmask=, gw=, dns=) or DHCP with a bounded wait, then the DNS
 * servers into /etc/resolv.conf and the localhost names into /etc/hosts when the image
 * left them empty. */
#include "core/cmdline.h"
#include "core/errno.h"
#include "core/printk.h"
#include "core/time.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "lib/string.h"
#include "net/iface.h"
#include "net/stack.h"
#include "sched/task.h"
#include "sched/wait.h"

#define DHCP_WAIT_NS (3ull * 1000000000ull)

static int netmask_bits(uint32_t m)
{
	int n = 0;
	while (m & 0x80000000u) {
		n++;
		m <<= 1;
	}
	return n;
}

static bool static_config(struct netdev *eth)
{
	uint32_t addr, mask = 0xffffff00u, gw = 0;
	if (!inet_parse(kopt.ip, &addr)) {
		printk("isle: net: ip=%s is not an IPv4 address, ignored\n", kopt.ip);
		return false;
	}
	if (kopt.netmask[0] && (!inet_parse(kopt.netmask, &mask) || (~mask & (~mask + 1)))) {
		printk("isle: net: netmask=%s is not a netmask, using 255.255.255.0\n",
		       kopt.netmask);
		mask = 0xffffff00u;
	}
	if (kopt.gw[0] && !inet_parse(kopt.gw, &gw)) {
		printk("isle: net: gw=%s is not an IPv4 address, ignored\n", kopt.gw);
		gw = 0;
	}
	iface_config(eth, addr, mask, gw);
	arp_announce(eth);
	return true;
}

static void parse_dns_option(void)
{
	const char *s = kopt.dns;
	char one[16];
	net_ndns = 0;
	while (*s && net_ndns < NET_DNS_MAX) {
		size_t n = 0;
		while (s[n] && s[n] != ',')
			n++;
		uint32_t a;
		if (n < sizeof(one)) {
			memcpy(one, s, n);
			one[n] = 0;
			if (inet_parse(one, &a))
				net_dns[net_ndns++] = a;
			else
				printk("isle: net: dns server '%s' is not an IPv4 address\n", one);
		}
		s += n;
		if (*s == ',')
			s++;
	}
}

static void wait_dhcp(void)
{
	struct waiter w;
	uint64_t deadline = time_monotonic_ns() + DHCP_WAIT_NS;
	waiter_init(&w, current);
	waitq_add(&dhcp_wq, &w);
	while (!dhcp_done() && !dhcp_failed()) {
		if (waiter_sleep(&w, deadline, 0) == -ETIMEDOUT)
			break;
	}
	waitq_remove(&w);
}

/* /etc exists (a bundle's tmpfs root starts empty); quietly nothing when it cannot. */
static void ensure_etc(void)
{
	struct vfs_last last;
	struct inode *in;
	if (vfs_lookup_parent(NULL, "/etc", &last) < 0)
		return;
	struct inode *dir = last.dir->inode;
	if (last.kind != VFS_LAST_NORM) {
		vfs_last_put(&last);
		return;
	}
	if (vfs_lookup_one(dir, "etc", 3, &in) == 0)
		vfs_iput(in);
	else if (!dir->sb->read_only && dir->ops && dir->ops->mkdir &&
		 dir->ops->mkdir(dir, "etc", 3, 0755, &in) == 0)
		vfs_iput(in);
	vfs_last_put(&last);
}

/* Writes nameserver lines when /etc/resolv.conf is missing or empty (NameServers from the
 * config win over DHCP). Quietly does nothing on a read-only root. */
static void write_resolv_conf(void)
{
	if (!net_ndns)
		return;
	struct file *f;
	char old[1];
	if (vfs_open(NULL, "/etc/resolv.conf", O_RDONLY, 0, &f) == 0) {
		long n = vfs_read(f, old, 1, 0);
		vfs_file_put(f);
		if (n > 0)
			return;
	}
	ensure_etc();
	int r = vfs_open(NULL, "/etc/resolv.conf", O_WRONLY | O_CREAT | O_TRUNC, 0644, &f);
	if (r < 0) {
		pr_info("isle: net: cannot write /etc/resolv.conf (error %d)\n", r);
		return;
	}
	char buf[NET_DNS_MAX * 28], a[16];
	size_t len = 0;
	for (int i = 0; i < net_ndns; i++) {
		memcpy(buf + len, "nameserver ", 11);
		len += 11;
		inet_format(net_dns[i], a);
		memcpy(buf + len, a, strlen(a));
		len += strlen(a);
		buf[len++] = '\n';
	}
	vfs_write(f, buf, len, 0, NULL);
	vfs_file_put(f);
}

/* Writes /etc/hosts with the localhost names when it is missing or empty, so
 * getaddrinfo("localhost") works in a bundle. Quietly does nothing on a read-only root. */
static void write_hosts(void)
{
	static const char hosts[] = "127.0.0.1\tlocalhost\n"
				    "::1\tlocalhost ip6-localhost ip6-loopback\n";
	struct file *f;
	char old[1];
	if (vfs_open(NULL, "/etc/hosts", O_RDONLY, 0, &f) == 0) {
		long n = vfs_read(f, old, 1, 0);
		vfs_file_put(f);
		if (n > 0)
			return;
	}
	ensure_etc();
	if (vfs_open(NULL, "/etc/hosts", O_WRONLY | O_CREAT | O_TRUNC, 0644, &f) < 0)
		return;
	vfs_write(f, hosts, sizeof(hosts) - 1, 0, NULL);
	vfs_file_put(f);
}

void net_init(void)
{
	iface_loopback_init();
	write_hosts();
	if (kopt.dns[0])
		parse_dns_option();
	struct netdev *eth = netdev_by_name("eth0");
	if (!eth) {
		write_resolv_conf();
		return;
	}
	bool dhcp = false;
	if (kopt.ip[0]) {
		static_config(eth);
	} else {
		dhcp = true;
		if (dhcp_start(eth) == 0)
			wait_dhcp();
		if (!dhcp_done())
			printk("isle: net: eth0: no DHCP answer, no address yet\n");
	}
	if (kopt.dns[0])
		parse_dns_option(); /* dns= overrides what DHCP said */
	struct iface *ifc = iface_of(eth);
	if (ifc && ifc->addr) {
		char a[16], g[16], d[16];
		pr_info("isle: net: eth0 %s/%d gw %s dns %s (%s)\n", inet_format(ifc->addr, a),
			netmask_bits(ifc->netmask),
			ifc->gateway ? inet_format(ifc->gateway, g) : "none",
			net_ndns ? inet_format(net_dns[0], d) : "none", dhcp ? "dhcp" : "static");
	}
	write_resolv_conf();
}
