/* gdb.c: the debugger's breakpoint target for the program's load address (gdb.h). */
#include "core/gdb.h"

#include "core/cmdline.h"
#include "core/printk.h"
#include "mm/layout.h"

#include "abi/gdb.h"

_Static_assert(ISLE_KERNEL_RUN_OFFSET == DIRECT_BASE, "abi/gdb.h is out of date");

__attribute__((noinline, noipa, used)) void gdb_program_loaded(const char *path, uint64_t load_base,
							       uint64_t entry)
{
	/* The empty asm with the arguments as inputs keeps the call and its register
	 * arguments even if nothing below used them. */
	__asm__ volatile("" : : "r"(path), "r"(load_base), "r"(entry) : "memory");
	if (kopt.gdb)
		printk("isle: gdb: program %s loaded at %#lx (add-symbol-file PROGRAM -o %#lx); "
		       "entry %#lx\n",
		       path ? path : "?", (unsigned long)load_base, (unsigned long)load_base,
		       (unsigned long)entry);
}
