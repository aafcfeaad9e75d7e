# time.mk: unit tests of the time arithmetic (kernel/lib/ktime.c).
UNIT_TESTS += test_ktime
test_ktime_SRCS := tests/unit/test_ktime.c kernel/lib/ktime.c
