# store.mk: unit tests of the image store and instance state of the isle command
# (cli/inststate.c, cli/store.c, cli/mfread.c, cli/manifest.c), host-built with ASan/UBSan.
UNIT_TESTS += test_cli_store
test_cli_store_SRCS := tests/unit/test_cli_store.c cli/inststate.c cli/store.c cli/mfread.c \
                       cli/manifest.c cli/netopts.c cli/e2fs.c cli/spawn.c cli/util.c cli/strvec.c \
                       kernel/lib/strpack.c
