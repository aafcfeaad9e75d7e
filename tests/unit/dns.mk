# dns.mk: unit tests of examples/dns-server on the host: the query parser, name reader
# and answers (test_dns), the zone loader (test_dns_zone); and `make fuzz-dns`, a
# libFuzzer harness over the whole query path (clang, FUZZ_TIME seconds).
UNIT_TESTS += test_dns test_dns_zone
DNS_LIB_SRCS := $(addprefix examples/dns-server/,name.c msg.c query.c answer.c zone.c rdata.c)
DNS_LIB_HDRS := examples/dns-server/dns.h examples/dns-server/zone_parse.h
test_dns_SRCS := tests/unit/test_dns.c $(DNS_LIB_SRCS)
test_dns_zone_SRCS := tests/unit/test_dns_zone.c $(DNS_LIB_SRCS)
$(BUILD)/unit/test_dns $(BUILD)/unit/test_dns_zone: $(DNS_LIB_HDRS)

DNS_FUZZ_TIME ?= 10
$(BUILD)/fuzz/fuzz_dns: tests/unit/test_dns_fuzz.c $(DNS_LIB_SRCS) $(DNS_LIB_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZCC) -std=gnu11 -O1 -g -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ tests/unit/test_dns_fuzz.c $(DNS_LIB_SRCS)

.PHONY: fuzz-dns
fuzz-dns: $(BUILD)/fuzz/fuzz_dns
	@mkdir -p $(BUILD)/fuzz/corpus-dns
	$(BUILD)/fuzz/fuzz_dns -max_total_time=$(DNS_FUZZ_TIME) -timeout=25 -max_len=4096 \
		-print_final_stats=1 $(BUILD)/fuzz/corpus-dns
fuzz: fuzz-dns
