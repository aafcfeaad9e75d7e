/* net_tcp_fakes.c: what the real TCP (kernel/net/tcp.c, tcp_out.c) needs besides
 * net_fakes.c when the stack-core tests and the fuzzer link it: the socket-layer upcalls
 * (no sockets there) and random_below. */
#include <stdint.h>

#include "net/tcp.h"

void tcp_wake(struct tcb *t, unsigned events) {}

void tcp_accept_ready(struct tcb *l) {}

uint64_t random_below(uint64_t bound);
uint64_t random_below(uint64_t bound)
{
	static uint64_t n;
	return n++ % bound;
}
