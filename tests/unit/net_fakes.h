/* net_fakes.h: what the stack core's fakes (net_fakes.c) expose to tests and the fuzzer. */
#ifndef ISLE_TESTS_NET_FAKES_H
#define ISLE_TESTS_NET_FAKES_H

#include <stdint.h>

#include "net/netdev.h"
#include "net/pkt.h"

#define FAKE_SENT_MAX 256
extern uint64_t fake_now;
extern int fake_udp_count, fake_udp_err_count, fake_wakes, fake_udp_last_err;
extern uint32_t fake_udp_last_len;
extern struct pkt *fake_sent[FAKE_SENT_MAX];
extern int fake_nsent;
extern struct netdev fake_eth;

void fake_advance(uint64_t ns); /* move the clock, firing due timers */
/* Run the network timers' callbacks right after each fired timer (default true); false
 * leaves them due, as between the interrupt and the next poll point. */
extern bool fake_poll_after_timers;
void fake_timers_reset(void);
void fake_sent_clear(void);

#endif
