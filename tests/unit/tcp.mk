# tcp.mk: unit tests of TCP (kernel/net/tcp.c, tcp_out.c) over a fake IP layer that
# captures segments, fake time and timers: handshakes, data, reassembly, retransmission,
# RST acceptability, TIME_WAIT, simultaneous close, malformed input, SYN floods.
UNIT_TESTS += test_tcp
test_tcp_SRCS := tests/unit/test_tcp.c kernel/net/tcp.c kernel/net/tcp_out.c kernel/net/pkt.c kernel/net/inet_csum.c kernel/net/net_timer.c
$(BUILD)/unit/test_tcp: kernel/net/tcp.h kernel/net/ipv4.h kernel/net/pkt.h kernel/net/netdev.h
