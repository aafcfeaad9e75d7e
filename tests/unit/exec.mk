# exec.mk: unit tests of the ELF loader (kernel/exec/): the ELF checks, the initial stack
# builder, and exec_load itself over host stand-ins for vm_*, which loads a real static
# program into a child process and runs it.
UNIT_TESTS += test_elf test_stack test_exec
test_elf_SRCS := tests/unit/test_elf.c kernel/exec/elf.c
test_stack_SRCS := tests/unit/test_stack.c kernel/exec/stack.c
test_exec_SRCS := tests/unit/test_exec.c kernel/exec/exec.c kernel/exec/elf.c \
	kernel/exec/stack.c

# The probe program, static and static-PIE, each with the address of main as nm reports
# it (NAME.main), so symbol lookup is checked against another tool. The tests find them
# next to their own executables.
EXEC_PROBES := $(BUILD)/unit/exec-probe-static $(BUILD)/unit/exec-probe-pie

$(BUILD)/unit/exec-probe-static: tests/unit/exec_probe.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -O1 -static -o $@ $<
	nm $@ | awk '$$3 == "main" { print $$1 }' > $@.main

$(BUILD)/unit/exec-probe-pie: tests/unit/exec_probe.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -O1 -static-pie -fPIE -o $@ $<
	nm $@ | awk '$$3 == "main" { print $$1 }' > $@.main

$(BUILD)/unit/test_elf: $(EXEC_PROBES) kernel/exec/elf.h kernel/mm/layout.h
$(BUILD)/unit/test_stack: kernel/exec/stack.h
$(BUILD)/unit/test_exec: $(EXEC_PROBES) kernel/exec/elf.h kernel/exec/stack.h \
	kernel/exec/exec.h kernel/mm/vm.h
