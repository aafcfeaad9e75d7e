/* trace.h: strace-style lines for the `trace` kernel option (kernel/syscall/trace*.c).
 *
 * The output matches `strace -a0` (no alignment column) with its defaults: strings quoted
 * with C escapes and cut at 32 bytes followed by "...", paths in full, flags by name,
 * structures abbreviated as strace does, results as "= N", "= 0x..." (mmap, brk) or
 * "= -1 ENOENT (No such file or directory)". A call is formatted in two steps because its
 * output arguments (a read buffer, a struct filled in) only exist after it returned:
 * trace_enter prints the name and the input arguments, trace_exit the rest and the result.
 *
 * Formatting never touches program memory directly: every read goes through the reader
 * given to trace_enter (copy_from_user in the kernel, a fake in tests/unit/test_trace.c),
 * and a failed read prints the address instead, as strace does. No allocation: the line
 * lives in the caller's struct trace_line; a line longer than the buffer is cut and ends
 * in "...". */
#ifndef ISLE_SYSCALL_TRACE_H
#define ISLE_SYSCALL_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_LINE_MAX 1000 /* with the newline, within printk's 1 KiB line */

struct trace_line {
	char buf[TRACE_LINE_MAX]; /* the line, NUL-terminated, without newline */
	size_t len;
	bool full; /* the buffer ran out: the line was cut */
	long nr;   /* the syscall being traced */
	uint64_t args[6];
	int next_arg; /* first argument not printed yet (-1: all done) */
	/* Copies n bytes of program memory at usrc to dst: 0, or negative when any byte is
	 * not readable (the contract of copy_from_user). */
	int (*read)(void *dst, const void *usrc, size_t n);
};

/* Begin the line for syscall nr (any value; unknown numbers print as syscall_0x1f4) with
 * its six raw arguments: the name and every argument up to the first output argument.
 * Returns true when the call never returns (exit, exit_group): the line is then already
 * complete (ending in "= ?") and must be printed before the call. */
bool trace_enter(struct trace_line *t, long nr, const uint64_t args[6],
		 int (*read)(void *dst, const void *usrc, size_t n));

/* Finish the line: the remaining (output) arguments, decoded using the result ret (the
 * value the program gets: a result or -errno), then " = result". */
void trace_exit(struct trace_line *t, long ret);

#endif
