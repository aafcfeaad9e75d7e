# net.mk: unit tests of the stack core (kernel/net) over fakes (tests/unit/net_fakes.c),
# and `make fuzz`: a libFuzzer harness over netdev_rx (clang, bounded time).
UNIT_TESTS += test_net
NET_CORE_SRCS := kernel/net/pkt.c kernel/net/netdev.c kernel/net/arp.c kernel/net/ipv4.c kernel/net/inet_csum.c kernel/net/net_timer.c \
	kernel/net/icmp.c kernel/net/iface.c kernel/net/dhcp.c kernel/net/tcp.c kernel/net/tcp_out.c kernel/net/tcp_opt.c kernel/net/tcp_cc.c \
	tests/unit/net_fakes.c tests/unit/net_tcp_fakes.c
test_net_SRCS := tests/unit/test_net.c $(NET_CORE_SRCS)
$(BUILD)/unit/test_net: kernel/net/stack.h kernel/net/ipv4.h kernel/net/netdev.h \
	kernel/net/pkt.h kernel/net/iface.h tests/unit/net_fakes.h

FUZZ_TIME ?= 20
FUZZCC ?= clang
$(BUILD)/fuzz/fuzz_net: tests/unit/fuzz_net.c $(NET_CORE_SRCS) kernel/net/stack.h
	@mkdir -p $(dir $@)
	$(FUZZCC) -std=gnu11 -O1 -g -D_GNU_SOURCE -DISLE_UNIT_TEST -Ikernel -Iinclude -Itests/unit \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ \
		tests/unit/fuzz_net.c $(NET_CORE_SRCS)

.PHONY: fuzz
fuzz: $(BUILD)/fuzz/fuzz_net
	@mkdir -p $(BUILD)/fuzz/corpus
	$(BUILD)/fuzz/fuzz_net -max_total_time=$(FUZZ_TIME) -timeout=25 -max_len=4096 -print_final_stats=1 \
		$(BUILD)/fuzz/corpus
