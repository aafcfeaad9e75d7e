/* gdb.h: a fixed point for a debugger attached to QEMU's gdb server (isle run --gdb,
 * docs/debugging.md): the program's load address, which ASLR randomises, handed to a
 * function gdb can break on. */
#ifndef ISLE_CORE_GDB_H
#define ISLE_CORE_GDB_H

#include <stdint.h>

/* Called once, after the program is loaded and before its first instruction runs, with
 * the program's path in the guest, its load base (the PIE bias: 0 for a fixed-address
 * program) and its entry point, in the System V argument registers rdi, rsi, rdx. Never
 * inlined and never optimised away, so that `break gdb_program_loaded` then
 * `add-symbol-file PROGRAM -o $rsi` always works. With the kernel option gdb it also
 * logs "isle: gdb: program PATH loaded at 0xBASE (add-symbol-file PROGRAM -o 0xBASE)". */
void gdb_program_loaded(const char *path, uint64_t load_base, uint64_t entry);

#endif
