/* test_net.c: unit tests of the stack core (kernel/net: netdev, ARP, IPv4 with
 * reassembly, ICMP, loopback, DHCP, the TCP stub) over a fake Ethernet device and a fake
 * clock (net_fakes.c): malformed input is counted and dropped, limits hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/errno.h"
#include "net/iface.h"
#include "net/net_timer.h"
#include "net/netdev.h"
#include "net/stack.h"
#include "net_fakes.h"

#define OUR_IP 0x0a00020fu  /* 10.0.2.15 */
#define GW_IP 0x0a000202u   /* 10.0.2.2 */
#define PEER_IP 0x0a000205u /* 10.0.2.5 */
static const uint8_t peer_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x05};

static void rx(const uint8_t *frame, uint32_t len)
{
	struct pkt *p = pkt_alloc(PKT_HEADROOM, len);
	assert_non_null(p);
	memcpy(pkt_put(p, len), frame, len);
	netdev_rx(&fake_eth, p);
}

/* An Ethernet + IPv4 frame in buf; returns its length. */
static uint32_t ip_frame(uint8_t *buf, uint8_t proto, uint32_t src, uint32_t dst,
			 const void *payload, uint32_t plen, uint16_t id, uint16_t frag)
{
	memcpy(buf, fake_eth.mac, 6);
	memcpy(buf + 6, peer_mac, 6);
	put16(buf + 12, ETH_P_IP);
	uint8_t *h = buf + 14;
	memset(h, 0, 20);
	h[0] = 0x45;
	put16(h + 2, (uint16_t)(20 + plen));
	put16(h + 4, id);
	put16(h + 6, frag);
	h[8] = 64;
	h[9] = proto;
	put32(h + 12, src);
	put32(h + 16, dst);
	put16(h + 10, (uint16_t)~inet_fold(inet_sum(h, 20, 0)));
	memcpy(h + 20, payload, plen);
	return 14 + 20 + plen;
}

static void refix_csum(uint8_t *frame)
{
	uint8_t *h = frame + 14;
	put16(h + 10, 0);
	put16(h + 10, (uint16_t)~inet_fold(inet_sum(h, (h[0] & 15) * 4u, 0)));
}

static uint32_t udp_payload(uint8_t *u, uint32_t n)
{
	put16(u, 1234);
	put16(u + 2, 5678);
	put16(u + 4, (uint16_t)(8 + n));
	put16(u + 6, 0);
	memset(u + 8, 'x', n);
	return 8 + n;
}

static int setup(void **state)
{
	static bool once;
	if (!once) {
		iface_loopback_init();
		netdev_register(&fake_eth);
		once = true;
	}
	iface_config(&fake_eth, OUR_IP, 0xffffff00u, GW_IP);
	fake_sent_clear();
	fake_udp_count = fake_udp_err_count = 0;
	memset(&net_stats, 0, sizeof(net_stats));
	return 0;
}

static int teardown(void **state)
{
	arp_reset();
	ip_reasm_reset();
	fake_advance(0);
	net_rx_poll(); /* what is left on lo */
	fake_sent_clear();
	return 0;
}

static void test_ip_good_and_truncated(void **state)
{
	uint8_t u[64], f[256];
	uint32_t n = ip_frame(f, IPPROTO_UDP, PEER_IP, OUR_IP, u, udp_payload(u, 10), 1, 0);
	rx(f, n);
	assert_int_equal(fake_udp_count, 1);
	assert_int_equal(fake_udp_last_len, 18);
	for (uint32_t len = 0; len < n - 10; len++)
		rx(f, len);
	assert_int_equal(fake_udp_count, 1);
	assert_true(net_stats.eth_bad + net_stats.ip_bad_hdr + net_stats.ip_bad_len > 0);
}

static void test_ip_bad_headers(void **state)
{
	uint8_t u[64], f[256];
	uint32_t ul = udp_payload(u, 10);
	uint32_t n = ip_frame(f, IPPROTO_UDP, PEER_IP, OUR_IP, u, ul, 1, 0);
	f[14 + 10] ^= 1; /* checksum */
	rx(f, n);
	assert_int_equal(net_stats.ip_bad_csum, 1);
	n = ip_frame(f, IPPROTO_UDP, PEER_IP, OUR_IP, u, ul, 1, 0);
	f[14] = 0x44; /* IHL 4 */
	refix_csum(f);
	rx(f, n);
	f[14] = 0x65; /* version 6 */
	rx(f, n);
	assert_int_equal(net_stats.ip_bad_hdr, 2);
	n = ip_frame(f, IPPROTO_UDP, PEER_IP, OUR_IP, u, ul, 1, 0);
	put16(f + 16, (uint16_t)(n - 14 + 1)); /* total length past the frame */
	refix_csum(f);
	rx(f, n);
	put16(f + 16, 19); /* shorter than the header */
	refix_csum(f);
	rx(f, n);
	f[14] = 0x4f; /* IHL 15 = 60 bytes > total */
	put16(f + 16, (uint16_t)(n - 14));
	refix_csum(f);
	rx(f, n);
	assert_int_equal(net_stats.ip_bad_len, 3);
	n = ip_frame(f, IPPROTO_UDP, PEER_IP, OUR_IP, u, ul, 1, 0);
	f[14 + 8] = 0; /* TTL 0 */
	refix_csum(f);
	rx(f, n);
	assert_int_equal(net_stats.ip_ttl, 1);
	n = ip_frame(f, IPPROTO_UDP, PEER_IP, 0x0a000299u, u, ul, 1, 0);
	rx(f, n);
	assert_int_equal(net_stats.ip_not_ours, 1);
	assert_int_equal(fake_udp_count, 0);
}

static void test_ip_options_skipped(void **state)
{
	uint8_t u[64], f[256], g[256];
	uint32_t ul = udp_payload(u, 6);
	uint32_t n = ip_frame(f, IPPROTO_UDP, PEER_IP, OUR_IP, u, ul, 1, 0);
	/* Insert 4 option bytes (NOP NOP NOP EOL) after the 20-byte header. */
	memcpy(g, f, 34);
	memcpy(g + 34, "\x01\x01\x01\x00", 4);
	memcpy(g + 38, f + 34, n - 34);
	g[14] = 0x46;
	put16(g + 16, (uint16_t)(n - 14 + 4));
	refix_csum(g);
	rx(g, n + 4);
	assert_int_equal(fake_udp_count, 1);
	assert_int_equal(fake_udp_last_len, ul);
}

static void send_frag(uint16_t id, uint32_t off, uint32_t len, bool more)
{
	static uint8_t f[1600], data[1500];
	memset(data, (int)(off & 0xff), sizeof(data));
	uint32_t n = ip_frame(f, IPPROTO_UDP, PEER_IP, OUR_IP, data, len, id,
			      (uint16_t)((more ? 0x2000 : 0) | off / 8));
	rx(f, n);
}

static void test_reassembly(void **state)
{
	send_frag(7, 1000, 200, false);
	send_frag(7, 0, 1000, true);
	assert_int_equal(fake_udp_count, 1);
	assert_int_equal(fake_udp_last_len, 1200);
	assert_int_equal(ip_reasm_count(), 0);
	/* Duplicate-free, three pieces, middle last. */
	send_frag(8, 0, 800, true);
	send_frag(8, 1600, 8, false);
	assert_int_equal(ip_reasm_count(), 1);
	send_frag(8, 800, 800, true);
	assert_int_equal(fake_udp_count, 2);
	assert_int_equal(fake_udp_last_len, 1608);
}

static void test_reassembly_bad(void **state)
{
	send_frag(9, 0, 800, true);
	send_frag(9, 792, 8, false); /* overlaps: the whole datagram goes */
	assert_int_equal(ip_reasm_count(), 0);
	send_frag(9, 800, 8, false);
	assert_int_equal(fake_udp_count, 0);
	ip_reasm_reset();
	send_frag(10, 65528, 16, false); /* past 65535 */
	send_frag(11, 0, 13, true);	 /* non-final fragment not a multiple of 8 */
	assert_int_equal(ip_reasm_count(), 0);
	send_frag(12, 0, 8, true);
	send_frag(12, 8, 8, false);
	assert_int_equal(fake_udp_count, 1);
	send_frag(13, 16, 8, false);
	send_frag(13, 8, 16, true); /* extends past the known end */
	assert_int_equal(ip_reasm_count(), 0);
	assert_true(net_stats.ip_frag_drop >= 4);
}

static void test_reassembly_limits(void **state)
{
	for (uint16_t id = 100; id < 100 + IP_REASM_MAX + 4; id++)
		send_frag(id, 0, 8, true);
	assert_int_equal(ip_reasm_count(), IP_REASM_MAX);
	fake_advance(IP_REASM_TIMEOUT_NS + 1);
	assert_int_equal(ip_reasm_count(), 0);
	assert_int_equal(net_stats.ip_frag_timeout, IP_REASM_MAX);
	/* Too many fragments in one datagram. */
	for (uint32_t i = 0; i < IP_REASM_FRAGS + 1; i++)
		send_frag(200, i * 16, 8, true);
	assert_int_equal(ip_reasm_count(), 0);
	ip_reasm_reset();
}

static uint32_t arp_frame(uint8_t *f, uint16_t op, const uint8_t sha[6], uint32_t spa, uint32_t tpa)
{
	memcpy(f, op == 1 ? eth_broadcast : fake_eth.mac, 6);
	memcpy(f + 6, sha, 6);
	put16(f + 12, ETH_P_ARP);
	uint8_t *a = f + 14;
	put16(a, 1);
	put16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	put32(a + 14, spa);
	memset(a + 18, 0, 6);
	put32(a + 24, tpa);
	return 42;
}

static void test_arp_answer_and_expiry(void **state)
{
	uint8_t f[64], mac[6];
	uint32_t n = arp_frame(f, 1, peer_mac, PEER_IP, OUR_IP);
	rx(f, n - 1); /* truncated */
	assert_int_equal(net_stats.arp_bad, 1);
	rx(f, n);
	assert_int_equal(fake_nsent, 1);
	const uint8_t *r = fake_sent[0]->data;
	assert_memory_equal(r, peer_mac, 6);
	assert_int_equal(get16(r + 14 + 6), 2);
	assert_int_equal(get32(r + 14 + 14), OUR_IP);
	assert_true(arp_lookup(PEER_IP, mac));
	assert_memory_equal(mac, peer_mac, 6);
	fake_advance(ARP_VALID_NS + 2 * ARP_RETRY_NS);
	assert_false(arp_lookup(PEER_IP, mac));
	/* A request for someone else teaches nothing new. */
	n = arp_frame(f, 1, peer_mac, PEER_IP, 0x0a000277u);
	rx(f, n);
	assert_false(arp_lookup(PEER_IP, mac));
}

static struct pkt *udp_pkt(uint32_t n)
{
	struct pkt *p = pkt_alloc(PKT_HEADROOM, n);
	memset(pkt_put(p, n), 'u', n);
	return p;
}

static void test_arp_queue_and_failure(void **state)
{
	assert_int_equal(ip_output(udp_pkt(10), 0, PEER_IP, IPPROTO_UDP, 64, 0, false), 0);
	assert_int_equal(fake_nsent, 1); /* the ARP request */
	for (int i = 0; i < ARP_QUEUE_MAX + 3; i++)
		ip_output(udp_pkt(10), 0, PEER_IP, IPPROTO_UDP, 64, 0, false);
	uint8_t f[64];
	rx(f, arp_frame(f, 2, peer_mac, PEER_IP, OUR_IP));
	assert_int_equal(fake_nsent, 1 + ARP_QUEUE_MAX);
	assert_memory_equal(fake_sent[1]->data, peer_mac, 6);
	fake_sent_clear();
	/* An address nobody answers for. */
	uint32_t ghost = 0x0a000263u;
	assert_int_equal(ip_output(udp_pkt(10), 0, ghost, IPPROTO_UDP, 64, 0, false), 0);
	for (int i = 0; i <= ARP_RETRIES; i++)
		fake_advance(ARP_RETRY_NS);
	assert_int_equal(fake_nsent, ARP_RETRIES);
	assert_int_equal(ip_output(udp_pkt(10), 0, ghost, IPPROTO_UDP, 64, 0, false),
			 -EHOSTUNREACH);
	/* Off-link goes to the gateway; no route without one. */
	iface_config(&fake_eth, OUR_IP, 0xffffff00u, 0);
	assert_int_equal(ip_output(udp_pkt(10), 0, 0x08080808u, IPPROTO_UDP, 64, 0, false),
			 -ENETUNREACH);
}

static void test_fragment_output(void **state)
{
	uint8_t f[64];
	rx(f, arp_frame(f, 2, peer_mac, PEER_IP, OUR_IP));
	fake_sent_clear();
	rx(f, arp_frame(f, 1, peer_mac, PEER_IP, OUR_IP));
	fake_sent_clear();
	assert_int_equal(ip_output(udp_pkt(3000), 0, PEER_IP, IPPROTO_UDP, 64, 0, true), -EMSGSIZE);
	assert_int_equal(ip_output(udp_pkt(3000), 0, PEER_IP, IPPROTO_UDP, 64, 0, false), 0);
	assert_int_equal(fake_nsent, 3);
	/* Feed them back in as if from the peer to us: reassembles to 3000. */
	for (int i = 0; i < 3; i++) {
		uint8_t *h = fake_sent[i]->data + 14;
		assert_true(fake_sent[i]->len <= 1514);
		put32(h + 12, PEER_IP);
		put32(h + 16, OUR_IP);
		refix_csum(fake_sent[i]->data);
		memcpy(fake_sent[i]->data, fake_eth.mac, 6);
		rx(fake_sent[i]->data, fake_sent[i]->len);
	}
	assert_int_equal(fake_udp_count, 1);
	assert_int_equal(fake_udp_last_len, 3000);
}

static void test_icmp_echo_and_errors(void **state)
{
	uint8_t f[256], m[64];
	rx(f, arp_frame(f, 2, peer_mac, PEER_IP, OUR_IP));
	memset(m, 0, sizeof(m));
	m[0] = 8;
	put16(m + 4, 77);
	put16(m + 2, (uint16_t)~inet_fold(inet_sum(m, 16, 0)));
	rx(f, ip_frame(f, IPPROTO_ICMP, PEER_IP, OUR_IP, m, 16, 3, 0));
	assert_int_equal(fake_nsent, 1);
	const uint8_t *r = fake_sent[0]->data + 14;
	assert_int_equal(r[20], 0);
	assert_int_equal(get32(r + 16), PEER_IP);
	assert_int_equal(inet_fold(inet_sum(r + 20, 16, 0)), 0xffff);
	m[2] ^= 1; /* bad checksum: no answer */
	rx(f, ip_frame(f, IPPROTO_ICMP, PEER_IP, OUR_IP, m, 16, 3, 0));
	assert_int_equal(fake_nsent, 1);
	assert_int_equal(net_stats.icmp_bad, 1);
	/* Port unreachable quoting one of our UDP datagrams. */
	uint8_t q[64];
	memset(q, 0, sizeof(q));
	q[0] = 3;
	q[1] = 3;
	uint8_t *oh = q + 8;
	oh[0] = 0x45;
	oh[9] = IPPROTO_UDP;
	put32(oh + 12, OUR_IP);
	put32(oh + 16, PEER_IP);
	put16(q + 2, (uint16_t)~inet_fold(inet_sum(q, 36, 0)));
	rx(f, ip_frame(f, IPPROTO_ICMP, PEER_IP, OUR_IP, q, 36, 4, 0));
	assert_int_equal(fake_udp_err_count, 1);
	assert_int_equal(fake_udp_last_err, -ECONNREFUSED);
	rx(f, ip_frame(f, IPPROTO_ICMP, PEER_IP, OUR_IP, q, 30, 4, 0)); /* truncated quote */
	assert_int_equal(fake_udp_err_count, 1);
	/* Unknown protocol: protocol unreachable, rate limited. */
	fake_sent_clear();
	for (int i = 0; i < 50; i++)
		rx(f, ip_frame(f, 99, PEER_IP, OUR_IP, m, 8, 5, 0));
	assert_true(fake_nsent >= 1 && fake_nsent < 50);
	assert_true(net_stats.icmp_rate > 0);
	fake_advance(1000000000ull);
}

static void test_tcp_rst(void **state)
{
	uint8_t f[256], t[20];
	uint8_t mac[6];
	rx(f, arp_frame(f, 2, peer_mac, PEER_IP, OUR_IP));
	assert_true(arp_lookup(PEER_IP, mac));
	memset(t, 0, sizeof(t));
	put16(t, 40000);
	put16(t + 2, 80);
	put32(t + 4, 1000);
	t[12] = 0x50;
	t[13] = 0x02; /* SYN */
	put16(t + 16, (uint16_t)~inet_fold(
			      inet_sum(t, 20, inet_pseudo_sum(PEER_IP, OUR_IP, IPPROTO_TCP, 20))));
	rx(f, ip_frame(f, IPPROTO_TCP, PEER_IP, OUR_IP, t, 20, 6, 0));
	assert_int_equal(fake_nsent, 1);
	const uint8_t *r = fake_sent[0]->data + 34;
	assert_int_equal(r[13], 0x14);
	assert_int_equal(get32(r + 8), 1001);
	t[13] = 0x04; /* a RST is never answered */
	put16(t + 16, 0);
	put16(t + 16, (uint16_t)~inet_fold(
			      inet_sum(t, 20, inet_pseudo_sum(PEER_IP, OUR_IP, IPPROTO_TCP, 20))));
	rx(f, ip_frame(f, IPPROTO_TCP, PEER_IP, OUR_IP, t, 20, 6, 0));
	assert_int_equal(fake_nsent, 1);
}

static void test_loopback(void **state)
{
	uint8_t u[64];
	uint32_t ul = udp_payload(u, 4);
	struct pkt *p = pkt_alloc(PKT_HEADROOM, ul);
	memcpy(pkt_put(p, ul), u, ul);
	assert_int_equal(ip_output(p, 0, INADDR_LOOPBACK, IPPROTO_UDP, 64, 0, false), 0);
	assert_int_equal(fake_udp_count, 0); /* never delivered inside the send */
	assert_true(net_rx_pending());
	net_rx_poll(); /* the scheduler's poll point on the way back to user mode */
	assert_int_equal(fake_udp_count, 1);
	assert_false(net_rx_pending());
	assert_true(ip_is_local(OUR_IP));
	assert_true(ip_is_local(0x7f000005u));
	assert_false(ip_is_local(PEER_IP));
}

static void test_dhcp_options(void **state)
{
	struct dhcp_opts o;
	static const uint8_t good[] = {53, 1,	2,  0,	1,  4, 255, 255, 255, 0, 3,   4,  10, 0, 2,
				       2,  6,	8,  10, 0,  2, 3,   8,	 8,   8, 8,   51, 4,  0, 1,
				       81, 128, 54, 4,	10, 0, 2,   2,	 99,  0, 255, 1,  2,  3};
	assert_int_equal(dhcp_parse_options(good, sizeof(good), &o), 0);
	assert_int_equal(o.msg_type, 2);
	assert_int_equal(o.mask, 0xffffff00u);
	assert_int_equal(o.router, GW_IP);
	assert_int_equal(o.ndns, 2);
	assert_int_equal(o.dns[0], 0x0a000203u);
	assert_int_equal(o.lease_s, 86400);
	assert_int_equal(o.server_id, GW_IP);
	static const uint8_t trunc[] = {53, 1, 2, 1, 4, 255, 255};
	assert_int_equal(dhcp_parse_options(trunc, sizeof(trunc), &o), -EPROTO);
	static const uint8_t nolen[] = {53};
	assert_int_equal(dhcp_parse_options(nolen, sizeof(nolen), &o), -EPROTO);
	static const uint8_t badmask[] = {1, 3, 255, 255, 255};
	assert_int_equal(dhcp_parse_options(badmask, sizeof(badmask), &o), -EPROTO);
	static const uint8_t baddns[] = {6, 5, 1, 2, 3, 4, 5};
	assert_int_equal(dhcp_parse_options(baddns, sizeof(baddns), &o), -EPROTO);
	static const uint8_t many[] = {6, 16, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4};
	assert_int_equal(dhcp_parse_options(many, sizeof(many), &o), 0);
	assert_int_equal(o.ndns, 3);
}

/* A DHCP reply from 10.0.2.2 for the request in sent (same xid). */
static uint32_t dhcp_reply(uint8_t *f, const struct pkt *sent, uint8_t type)
{
	static uint8_t u[400];
	const uint8_t *req = sent->data + 14 + 20 + 8;
	memset(u, 0, sizeof(u));
	uint8_t *b = u + 8;
	b[0] = 2;
	b[1] = 1;
	b[2] = 6;
	memcpy(b + 4, req + 4, 4);
	put32(b + 16, OUR_IP);
	memcpy(b + 28, fake_eth.mac, 6);
	put32(b + 236, 0x63825363u);
	uint8_t opts[] = {53, 1, type, 1, 4,  255, 255, 255, 0,	 3,   4,  10, 0,  2, 2, 6, 4,
			  10, 0, 2,    3, 51, 4,   0,	1,   81, 128, 54, 4,  10, 0, 2, 2, 255};
	memcpy(b + 240, opts, sizeof(opts));
	uint32_t ul = 8 + 240 + sizeof(opts);
	put16(u, 67);
	put16(u + 2, 68);
	put16(u + 4, (uint16_t)ul);
	uint32_t n = ip_frame(f, IPPROTO_UDP, GW_IP, INADDR_BROADCAST, u, ul, 9, 0);
	memcpy(f, eth_broadcast, 6);
	return n;
}

static void test_dhcp_flow(void **state)
{
	static uint8_t f[600];
	iface_config(&fake_eth, 0, 0, 0);
	net_ndns = 0;
	assert_int_equal(dhcp_start(&fake_eth), 0);
	assert_int_equal(fake_nsent, 1);
	const uint8_t *d = fake_sent[0]->data;
	assert_memory_equal(d, eth_broadcast, 6);
	assert_int_equal(get16(d + 34), 68);
	assert_int_equal(get16(d + 36), 67);
	assert_int_equal(d[42 + 240 + 2], 1); /* DISCOVER */
	/* Retries while nobody answers, bounded. */
	fake_advance(1000000000ull);
	assert_int_equal(fake_nsent, 2);
	/* Garbage for port 68 is consumed and counted. */
	uint32_t n = dhcp_reply(f, fake_sent[1], 2);
	rx(f, n - 100);
	n = dhcp_reply(f, fake_sent[1], 2);
	f[42 + 4] ^= 0xff; /* wrong xid */
	rx(f, n);
	assert_int_equal(fake_nsent, 2);
	n = dhcp_reply(f, fake_sent[1], 2); /* OFFER */
	rx(f, n);
	assert_int_equal(fake_nsent, 3);
	d = fake_sent[2]->data;
	assert_int_equal(d[42 + 240 + 2], 3); /* REQUEST */
	assert_false(dhcp_done());
	n = dhcp_reply(f, fake_sent[2], 5); /* ACK */
	rx(f, n);
	assert_true(dhcp_done());
	struct iface *ifc = iface_of(&fake_eth);
	assert_int_equal(ifc->addr, OUR_IP);
	assert_int_equal(ifc->netmask, 0xffffff00u);
	assert_int_equal(ifc->gateway, GW_IP);
	assert_int_equal(net_ndns, 1);
	assert_int_equal(net_dns[0], 0x0a000203u);
	assert_int_equal(fake_udp_count, 0);
	/* Renewal at T1 (lease 86400 s). */
	fake_sent_clear();
	fake_advance(43200ull * 1000000000ull);
	assert_true(fake_nsent >= 1);
	fake_timers_reset();
}

static void test_inet_text(void **state)
{
	uint32_t a;
	char buf[16];
	assert_true(inet_parse("10.0.2.15", &a));
	assert_int_equal(a, OUR_IP);
	assert_string_equal(inet_format(a, buf), "10.0.2.15");
	assert_string_equal(inet_format(0xffffffffu, buf), "255.255.255.255");
	assert_false(inet_parse("10.0.2", &a));
	assert_false(inet_parse("10.0.2.256", &a));
	assert_false(inet_parse("10.0.2.1x", &a));
	assert_false(inet_parse("", &a));
}

static int timer_runs;
static void count_run(struct net_timer *t)
{
	timer_runs++;
	assert_ptr_equal(t->priv, &timer_runs);
}

/* Network timer callbacks run at the poll point, not in the (fake) interrupt; a cancel
 * between the two wins; re-arming a due timer takes it off the due list. */
static void test_net_timer(void **state)
{
	struct net_timer a, b;
	net_timer_init(&a, count_run, &timer_runs);
	net_timer_init(&b, count_run, &timer_runs);
	timer_runs = 0;
	fake_poll_after_timers = false;
	net_timer_arm(&a, fake_now + 1000);
	net_timer_arm(&b, fake_now + 2000);
	assert_true(net_timer_pending(&a));
	fake_advance(5000);
	assert_int_equal(timer_runs, 0); /* fired, not run */
	assert_true(net_rx_pending() && net_timer_pending(&a) && net_timer_pending(&b));
	net_timer_cancel(&a);
	assert_false(net_timer_pending(&a));
	net_timer_arm(&b, fake_now + 1000); /* off the due list, armed again */
	assert_false(net_rx_pending());
	net_rx_poll();
	assert_int_equal(timer_runs, 0);
	fake_advance(1000);
	assert_true(net_rx_pending());
	net_rx_poll();
	assert_int_equal(timer_runs, 1);
	assert_false(net_timer_pending(&b) || net_rx_pending());
	fake_poll_after_timers = true;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_ip_good_and_truncated),
		T(test_ip_bad_headers),
		T(test_ip_options_skipped),
		T(test_reassembly),
		T(test_reassembly_bad),
		T(test_reassembly_limits),
		T(test_arp_answer_and_expiry),
		T(test_arp_queue_and_failure),
		T(test_fragment_output),
		T(test_icmp_echo_and_errors),
		T(test_tcp_rst),
		T(test_net_timer),
		T(test_loopback),
		T(test_dhcp_options),
		T(test_dhcp_flow),
		T(test_inet_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
