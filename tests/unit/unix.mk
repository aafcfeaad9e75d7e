# unix.mk: unit tests of the AF_UNIX address rules (kernel/net/unix_addr.c).
UNIT_TESTS += test_unix_addr
test_unix_addr_SRCS := tests/unit/test_unix_addr.c kernel/net/unix_addr.c
$(BUILD)/unit/test_unix_addr: kernel/net/unix.h kernel/net/socket.h
