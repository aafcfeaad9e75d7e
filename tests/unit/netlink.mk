# netlink.mk: unit tests of the rtnetlink request handler (kernel/net/netlink_route.c)
# over the stack core's fakes.
UNIT_TESTS += test_netlink
test_netlink_SRCS := tests/unit/test_netlink.c kernel/net/netlink_route.c $(NET_CORE_SRCS)
$(BUILD)/unit/test_netlink: kernel/net/netlink.h kernel/net/netdev.h kernel/net/iface.h \
	tests/unit/net_fakes.h
