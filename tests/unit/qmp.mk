# qmp.mk: unit test of the QMP client (cli/qmp.c) against a fake QMP server thread.
UNIT_TESTS += test_qmp
test_qmp_SRCS := tests/unit/test_qmp.c cli/qmp.c
$(BUILD)/unit/test_qmp: test_qmp_SRCS += -ljansson -lpthread
$(BUILD)/unit/test_qmp: cli/qmp.h
