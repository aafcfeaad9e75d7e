UNIT_TESTS += test_packed
test_packed_SRCS := tests/unit/test_packed.c kernel/exec/bundle.c kernel/exec/manifest.c kernel/lib/strpack.c
