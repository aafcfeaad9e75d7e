# cli.mk: unit tests of the isle command (cli/), host-built with ASan/UBSan.
UNIT_TESTS += test_cli_size test_cli_elfcheck test_cli_bundle test_cli_qemu test_cli_runopts \
              test_cli_accel test_cli_klog test_cli_vm test_cli_config test_cli_build \
              test_cli_sha256 test_cli_cache test_cli_smp

CLI_TEST_BASE := cli/util.c cli/strvec.c
test_cli_size_SRCS := tests/unit/test_cli_size.c cli/size.c
test_cli_elfcheck_SRCS := tests/unit/test_cli_elfcheck.c cli/elfcheck.c cli/program.c $(CLI_TEST_BASE)
test_cli_bundle_SRCS := tests/unit/test_cli_bundle.c cli/bundle.c $(CLI_TEST_BASE)
test_cli_qemu_SRCS := tests/unit/test_cli_qemu.c cli/qemu.c $(CLI_TEST_BASE)
# runopts.c parses --trace=SET with the kernel's syscall names.
CLI_TRACE_SRCS := cli/tracefilter.c kernel/syscall/names.c
test_cli_runopts_SRCS := tests/unit/test_cli_runopts.c cli/runopts.c cli/netopts.c cli/size.c cli/accel.c \
                         cli/qemu.c cli/env.c $(CLI_TRACE_SRCS) $(CLI_TEST_BASE)
test_cli_smp_SRCS := tests/unit/test_cli_smp.c cli/runopts.c cli/runconfig.c cli/netopts.c cli/size.c \
                     cli/accel.c cli/qemu.c cli/env.c $(CLI_TRACE_SRCS) $(CLI_TEST_BASE)
test_cli_accel_SRCS := tests/unit/test_cli_accel.c cli/accel.c $(CLI_TEST_BASE)
test_cli_sha256_SRCS := tests/unit/test_cli_sha256.c cli/sha256.c
test_cli_cache_SRCS := tests/unit/test_cli_cache.c cli/cache.c cli/sha256.c cli/imgpath.c \
                      $(CLI_TEST_BASE)
test_cli_klog_SRCS := tests/unit/test_cli_klog.c cli/klog.c
test_cli_vm_SRCS := tests/unit/test_cli_vm.c cli/vm.c cli/klog.c cli/qmp.c $(CLI_TEST_BASE)
test_cli_config_SRCS := tests/unit/test_cli_config.c cli/config.c cli/configrun.c cli/netopts.c cli/imgpath.c \
                        cli/size.c cli/accel.c $(CLI_TEST_BASE)
test_cli_build_SRCS := tests/unit/test_cli_build.c cli/buildopts.c cli/env.c cli/manifest.c \
                       $(CLI_TEST_BASE)

# The config parser needs jansson. The link rule names only NAME_SRCS (and -lcmocka), and
# expands it when the recipe runs: a target-specific append puts -ljansson at the end of
# that test's link line without touching its prerequisites.
$(BUILD)/unit/test_cli_config: test_cli_config_SRCS += -ljansson

UNIT_TESTS += test_cli_net
test_cli_net_SRCS := tests/unit/test_cli_net.c cli/netopts.c cli/runopts.c cli/size.c cli/accel.c \
                     cli/qemu.c cli/env.c $(CLI_TRACE_SRCS) $(CLI_TEST_BASE)
$(BUILD)/unit/test_cli_vm: test_cli_vm_SRCS += -ljansson

UNIT_TESTS += test_cli_gdb
test_cli_gdb_SRCS := tests/unit/test_cli_gdb.c cli/runopts.c cli/netopts.c cli/size.c cli/accel.c \
                     cli/qemu.c cli/env.c cli/imgexec.c cli/e2fs.c cli/spawn.c $(CLI_TRACE_SRCS) \
                     $(CLI_TEST_BASE)
