# build.mk: `make examples` builds build/examples/dns-server, static (glibc), from the
# sources here; included by the top-level Makefile.
DNS_SERVER_SRCS := $(sort $(wildcard examples/dns-server/*.c))
EXAMPLES += $(BUILD)/examples/dns-server
$(BUILD)/examples/dns-server: $(DNS_SERVER_SRCS) $(wildcard examples/dns-server/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -static -o $@ $(DNS_SERVER_SRCS)
