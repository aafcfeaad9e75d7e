/* tcp_harness.h: what the TCP unit tests share (tcp_harness.c): the captured-segment
 * queue, fake clock and timers, connection helpers and segment builders. */
#ifndef ISLE_TESTS_TCP_HARNESS_H
#define ISLE_TESTS_TCP_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/errno.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/stack.h"
#include "net/tcp.h"

#define NTIMERS 64
#define QMAX 256
#define A 0x0a000001u /* the client's address */
#define B 0x0a000002u /* the listener's */

struct seg_out {
	struct pkt *p;
	uint32_t src, dst;
};

extern uint64_t rnd, now;
extern struct ktimer *timers[NTIMERS];
extern struct netdev fake_dev;
extern struct seg_out q[QMAX];
extern int nq, wakes, accepts, nowned;
extern struct sock *fake_sk;
extern struct tcb *owned[16];

void fire_timers(void);
void advance(uint64_t ns); /* move the clock, run due timers */
struct seg_out take(int i);
void deliver_seg(struct seg_out s);
void run(void); /* deliver everything queued, and what that produces */
void drop_all(void);
uint8_t flags_of(int i);
struct tcb *own(struct tcb *t); /* freed by teardown, as a socket would */
struct tcb *mk_listener(uint16_t port, int backlog);
struct tcb *mk_client(uint32_t dst, uint16_t port);
/* A connected pair: client c (on A) to a listener on B port 80; returns the accepted. */
struct tcb *pair(struct tcb **lp, struct tcb **cp);
int teardown(void **st);
struct pkt *mkseg(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t fl,
		  uint32_t src, uint32_t dst, uint32_t n);
/* A segment with options (olen a multiple of 4), payload and window field. */
struct pkt *mkseg_opts(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t fl,
		       uint32_t src, uint32_t dst, const uint8_t *opts, uint32_t olen,
		       const void *data, uint32_t n, uint16_t wnd);
void inject(struct pkt *p, uint32_t src, uint32_t dst);
/* The option of this kind in a captured segment (NULL: none); asserts it parses. */
const uint8_t *find_opt(const struct pkt *p, uint8_t kind);

#endif
