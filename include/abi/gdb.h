/* gdb.h: what a debugger on the host needs to know about the kernel's addresses. Shared
 * by the kernel and the CLI (isle run --gdb prints the gdb command line from it).
 *
 * kernel.elf is linked at its physical load address (1 MiB) but runs at
 * ISLE_KERNEL_RUN_OFFSET + that address (kernel/mm/layout.h, DIRECT_BASE), a constant:
 * gdb loads its symbols with `symbol-file -o ISLE_KERNEL_RUN_OFFSET kernel.debug.elf`. */
#ifndef ISLE_ABI_GDB_H
#define ISLE_ABI_GDB_H

#define ISLE_KERNEL_RUN_OFFSET 0x7f0000000000UL
#define ISLE_KERNEL_RUN_OFFSET_TEXT "0x7f0000000000"

#endif
