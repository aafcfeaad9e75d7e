# lib.mk: unit tests of kernel/lib and kernel/core/cmdline.c.
UNIT_TESTS += test_format test_string test_errname test_checked test_cmdline
test_format_SRCS := tests/unit/test_format.c kernel/lib/format.c
test_string_SRCS := tests/unit/test_string.c
test_errname_SRCS := tests/unit/test_errname.c kernel/lib/errname.c
test_checked_SRCS := tests/unit/test_checked.c
test_cmdline_SRCS := tests/unit/test_cmdline.c kernel/core/cmdline.c
