# udp.mk: unit tests of UDP endpoints (kernel/net/udp.c) over fakes of IP and the heap:
# demultiplexing, port allocation and conflicts, checksums, ICMP errors.
UNIT_TESTS += test_udp
test_udp_SRCS := tests/unit/test_udp.c kernel/net/udp.c kernel/net/pkt.c kernel/net/inet_csum.c
$(BUILD)/unit/test_udp: kernel/net/udp.h kernel/net/ipv4.h kernel/net/pkt.h kernel/net/netdev.h
