# isle: make (kernel + CLI), make test (unit + e2e), make lint, make bench, make clean.
include mk/toolchain.mk

BUILD := build
KERNEL := $(BUILD)/kernel.elf
ISLE := $(BUILD)/isle
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

KSRCS_C := $(shell find kernel -name '*.c' | sort)
KSRCS_S := $(shell find kernel -name '*.S' | sort)
# kernel/vdso/vdso.c is user-mode code: built into its own shared object below.
KSRCS_C := $(filter-out kernel/vdso/vdso.c,$(KSRCS_C))
KOBJS := $(patsubst %,$(BUILD)/%.o,$(KSRCS_C) $(KSRCS_S))
KLDS := kernel/arch/x86_64/kernel.ld

CLI_SRCS := $(shell find cli -name '*.c' | sort)
CLI_OBJS := $(patsubst %,$(BUILD)/%.o,$(CLI_SRCS))
# Kernel sources the CLI shares (pure and host-buildable): the manifest's packed strings,
# the syscall names (--trace=NAME checks).
CLI_SHARED_SRCS := kernel/lib/strpack.c kernel/syscall/names.c
CLI_OBJS += $(patsubst kernel/%,$(BUILD)/cli-shared/%.o,$(CLI_SHARED_SRCS))

.PHONY: all kernel cli test unit e2e lint format bench clean
all: $(KERNEL) $(ISLE)
kernel: $(KERNEL)
cli: $(ISLE)

$(BUILD)/kernel/%.c.o: kernel/%.c mk/toolchain.mk
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel/%.S.o: kernel/%.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -MMD -MP -c $< -o $@

# Two-pass link: pass 1 with an empty symbol table, then the kernel's own symbols (for
# symbolised backtraces) are generated and linked into .ksyms, which the linker script
# places after everything else so no other address moves.
$(BUILD)/ksyms0.S:
	@mkdir -p $(BUILD)
	printf '.section .ksyms,"a"\n.balign 8\n.globl ksyms_count\nksyms_count: .quad 0\n.globl ksyms_table\nksyms_table:\n.globl ksyms_names\nksyms_names: .byte 0\n' > $@

$(BUILD)/%.S.o: $(BUILD)/%.S
	$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/kernel.pass1.elf: $(KOBJS) $(BUILD)/ksyms0.S.o $(KLDS)
	$(LD) $(KLDFLAGS) -T $(KLDS) -o $@ $(KOBJS) $(BUILD)/ksyms0.S.o

$(BUILD)/ksyms.S: $(BUILD)/kernel.pass1.elf scripts/gen-ksyms.sh
	sh scripts/gen-ksyms.sh $< > $@

# kernel.debug.elf keeps the debug information for gdb; kernel.elf is what boots.
$(KERNEL): $(BUILD)/kernel.pass1.elf $(BUILD)/ksyms.S.o scripts/check-kernel.sh
	$(LD) $(KLDFLAGS) -T $(KLDS) -o $(BUILD)/kernel.debug.elf $(KOBJS) $(BUILD)/ksyms.S.o
	objcopy --strip-debug $(BUILD)/kernel.debug.elf $@
	sh scripts/check-kernel.sh $@ $(BUILD)/kernel.pass1.elf

# The vDSO: a small shared object the kernel maps into the program (exec/vdso.c), built
# for user mode and embedded by kernel/vdso/image.S. It must need no relocations.
VDSO_SO := $(BUILD)/vdso/vdso.so
VDSO_DEPS := kernel/vdso/vdso.c kernel/vdso/vvar.h kernel/vdso/vdso.lds kernel/vdso/vdso.ver
$(VDSO_SO): $(VDSO_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(VDSO_CFLAGS) -o $@ kernel/vdso/vdso.c
	@if readelf -rW $@ | grep -q R_X86_64; then echo "vdso: $@ has relocations" >&2; rm -f $@; exit 1; fi
$(BUILD)/kernel/vdso/image.S.o: $(VDSO_SO)
$(BUILD)/kernel/vdso/image.S.o: KASFLAGS += -DVDSO_SO='"$(VDSO_SO)"'

$(BUILD)/cli/%.c.o: cli/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -DISLE_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@

$(BUILD)/cli/mfread.c.o: HOSTCFLAGS += -Ikernel
$(BUILD)/cli/tracefilter.c.o: HOSTCFLAGS += -Ikernel
$(BUILD)/cli-shared/%.c.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ikernel -MMD -MP -c $< -o $@

$(ISLE): $(CLI_OBJS)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(CLI_OBJS) -ljansson

# Unit tests: each tests/unit/*.mk adds names to UNIT_TESTS and sets NAME_SRCS.
UNIT_TESTS :=
include $(wildcard tests/unit/*.mk)
UNIT_BINS := $(patsubst %,$(BUILD)/unit/%,$(UNIT_TESTS))

define unit_rule
$(BUILD)/unit/$(1): $$($(1)_SRCS)
	@mkdir -p $(BUILD)/unit
	$(HOSTCC) $(UNITCFLAGS) -o $$@ $$($(1)_SRCS) -lcmocka
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

# Example programs: each examples/*/build.mk adds its outputs to EXAMPLES.
EXAMPLES :=
include $(wildcard examples/*/build.mk)
.PHONY: examples
examples: $(EXAMPLES)

E2E_ARGS ?=
e2e: all
	/usr/bin/python3 -m pytest tests/e2e $(E2E_ARGS)

test: unit fuzz e2e

LINT_FILES := $(shell find kernel cli include tests/unit tests/guest examples -name '*.[ch]' 2>/dev/null | sort)
lint:
	@clang-format --dry-run --Werror $(LINT_FILES) && echo "lint: clang-format clean"
	sh scripts/lint-extra.sh

format:
	clang-format -i $(LINT_FILES)

bench: all
	/usr/bin/python3 bench/run.py

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
