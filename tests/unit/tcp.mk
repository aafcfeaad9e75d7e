# tcp.mk: unit tests of TCP (kernel/net/tcp*.c) over a fake IP layer that captures
# segments, fake time and timers (tests/unit/tcp_harness.c). test_tcp: handshakes, data,
# reassembly, retransmission, RST acceptability, TIME_WAIT, simultaneous close, malformed
# input, SYN floods. test_tcp_opts: RFC 7323 window scaling, timestamps and PAWS, SACK
# blocks, fast retransmit and NewReno recovery, malformed options. test_tcp_cc: limited
# transmit (RFC 3042).
TCP_UNIT_SRCS := tests/unit/tcp_harness.c kernel/net/tcp.c kernel/net/tcp_out.c kernel/net/tcp_opt.c \
	kernel/net/tcp_cc.c kernel/net/pkt.c kernel/net/inet_csum.c kernel/net/net_timer.c
UNIT_TESTS += test_tcp test_tcp_opts test_tcp_cc
test_tcp_SRCS := tests/unit/test_tcp.c $(TCP_UNIT_SRCS)
test_tcp_opts_SRCS := tests/unit/test_tcp_opts.c $(TCP_UNIT_SRCS)
test_tcp_cc_SRCS := tests/unit/test_tcp_cc.c $(TCP_UNIT_SRCS)
TCP_UNIT_HDRS := kernel/net/tcp.h kernel/net/ipv4.h kernel/net/pkt.h kernel/net/netdev.h \
	tests/unit/tcp_harness.h
$(BUILD)/unit/test_tcp: $(TCP_UNIT_HDRS)
$(BUILD)/unit/test_tcp_opts: $(TCP_UNIT_HDRS)
$(BUILD)/unit/test_tcp_cc: $(TCP_UNIT_HDRS)
