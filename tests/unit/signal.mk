# signal.mk: unit tests of kernel/signal/ and sys_signal.c over host fakes of the
# scheduler, program memory and the FPU (signal_fakes.c); the frame layout is also held to
# the host C library's (signal_glibc_abi.c).
UNIT_TESTS += test_signal test_signal_sys
SIGNAL_TEST_SRCS := tests/unit/signal_fakes.c \
	tests/unit/signal_glibc_abi.c tests/unit/host_mem_fakes.c kernel/signal/sigqueue.c \
	kernel/signal/frame_calc.c kernel/signal/signal.c kernel/signal/sigops.c \
	kernel/signal/frame.c kernel/signal/deliver.c kernel/syscall/sys_signal.c \
	kernel/lib/format.c
test_signal_SRCS := tests/unit/test_signal.c $(SIGNAL_TEST_SRCS)
test_signal_sys_SRCS := tests/unit/test_signal_sys.c $(SIGNAL_TEST_SRCS)

$(BUILD)/unit/test_signal $(BUILD)/unit/test_signal_sys: kernel/signal/signal.h kernel/signal/sigstate.h \
	kernel/signal/internal.h kernel/signal/sigframe.h tests/unit/signal_fakes.h \
	tests/unit/signal_glibc_abi.h tests/unit/signal_test.h
