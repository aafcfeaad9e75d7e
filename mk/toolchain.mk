# toolchain.mk: compilers and flags. Kernel: freestanding gnu11, position independent,
# no red zone, no SSE (the program's FPU state is never touched by kernel code), stack
# protector with a global guard variable (core/stackprot.h: no TLS or %gs needed).
CC      ?= gcc
LD      := ld
HOSTCC  := gcc

GCC_INCLUDE := $(shell $(CC) -print-file-name=include)

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wmissing-prototypes \
        -Wstrict-prototypes -Wpointer-arith -Wvla

KCFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) \
           -fPIE -fvisibility=hidden -mno-red-zone -mgeneral-regs-only -mcmodel=small \
           -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
           -fstack-protector-strong -mstack-protector-guard=global \
           -fno-strict-aliasing -fno-common -fcf-protection=none \
           -D_LIBC_LIMITS_H_ -Ikernel -Iinclude
KASFLAGS := -g -Ikernel -Iinclude -D__ASSEMBLER__
KLDFLAGS := -static -pie --no-dynamic-linker -z text -z max-page-size=4096 -z noexecstack \
            --no-warn-rwx-segments \
            --build-id=none

# The vDSO runs in user mode inside the program: position independent, no libc.
VDSO_CFLAGS := -std=gnu11 -O2 $(WARN) -fPIC -ffreestanding -nostdlib -fno-stack-protector \
               -fno-asynchronous-unwind-tables -fcf-protection=none -Ikernel -shared \
               -Wl,-T,kernel/vdso/vdso.lds -Wl,--version-script=kernel/vdso/vdso.ver \
               -Wl,--hash-style=both -Wl,-soname=linux-vdso.so.1 -Wl,-Bsymbolic \
               -Wl,--no-undefined -Wl,-z,max-page-size=4096 -Wl,--build-id=none \
               -Wl,-z,noexecstack

HOSTCFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -Iinclude
SANFLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNITCFLAGS := -std=gnu11 -O1 -g $(WARN) -Wno-missing-prototypes -D_GNU_SOURCE -DISLE_UNIT_TEST \
              -Ikernel -Iinclude $(SANFLAGS)
