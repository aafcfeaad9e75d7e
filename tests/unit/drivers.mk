# drivers.mk: unit tests of the platform code's pure parts: ChaCha20 and the random
# generator (over host stand-ins for the arch layer), calendar arithmetic for the RTC, and
# ACPI table and AML parsing over crafted tables (MADT processor entries and the GED apart).
UNIT_TESTS += test_chacha test_random test_civil test_acpi test_acpi_madt test_acpi_ged
test_chacha_SRCS := tests/unit/test_chacha.c kernel/core/chacha20.c
test_random_SRCS := tests/unit/test_random.c kernel/core/random.c kernel/core/chacha20.c
test_civil_SRCS := tests/unit/test_civil.c kernel/lib/civil.c
test_acpi_SRCS := tests/unit/test_acpi.c kernel/drivers/acpi_tables.c kernel/drivers/acpi_aml.c
test_acpi_madt_SRCS := tests/unit/test_acpi_madt.c kernel/drivers/acpi_tables.c
test_acpi_ged_SRCS := tests/unit/test_acpi_ged.c kernel/drivers/acpi_aml.c

$(BUILD)/unit/test_chacha: kernel/core/chacha20.h
$(BUILD)/unit/test_random: kernel/core/chacha20.h kernel/core/random.h kernel/arch/x86_64/arch.h
$(BUILD)/unit/test_civil: kernel/lib/civil.h
$(BUILD)/unit/test_acpi $(BUILD)/unit/test_acpi_madt $(BUILD)/unit/test_acpi_ged: kernel/drivers/acpi.h
