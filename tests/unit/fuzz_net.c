/* fuzz_net.c: libFuzzer harness over netdev_rx (make fuzz): every input is one frame on
 * the fake eth0, with the first byte choosing the interface state (configured or waiting
 * for DHCP) and how far the clock moves, so reassembly, ARP and DHCP timers run too.
 * Built with clang -fsanitize=fuzzer,address,undefined; any crash or leak is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/iface.h"
#include "net/stack.h"
#include "net_fakes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool once;
	if (!once) {
		iface_loopback_init();
		netdev_register(&fake_eth);
		once = true;
	}
	if (size < 1 || size > 65536)
		return 0;
	uint8_t mode = data[0];
	if (mode & 1) {
		iface_config(&fake_eth, 0, 0, 0);
		if (!dhcp_done())
			dhcp_start(&fake_eth);
	} else {
		iface_config(&fake_eth, 0x0a00020fu, 0xffffff00u, 0x0a000202u);
	}
	struct pkt *p = pkt_alloc(PKT_HEADROOM, (uint32_t)size - 1);
	if (!p)
		return 0;
	memcpy(pkt_put(p, (uint32_t)size - 1), data + 1, size - 1);
	/* Mode bit 0x40: fix the IPv4 header checksum so the fuzzer gets past it. */
	uint8_t *f = p->data;
	if ((mode & 0x40) && p->len >= 34 && get16(f + 12) == ETH_P_IP) {
		uint32_t hl = (uint32_t)(f[14] & 15) * 4;
		if (hl >= 20 && 14 + hl <= p->len) {
			put16(f + 24, 0);
			put16(f + 24, (uint16_t)~inet_fold(inet_sum(f + 14, hl, 0)));
		}
	}
	if (mode & 2)
		netdev_rx(netdev_by_name("lo"), p);
	else
		netdev_rx(&fake_eth, p);
	if (mode & 4)
		fake_advance((uint64_t)(mode >> 3) * 1000000000ull);
	else
		fake_advance(0);
	net_rx_poll(); /* what the input sent on lo */
	fake_sent_clear();
	if (mode == 0xff) {
		arp_reset();
		ip_reasm_reset();
	}
	return 0;
}
