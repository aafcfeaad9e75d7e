/* tracefilter.h: `isle run --trace=SET` (tracefilter.c): strace's `-e trace=` syntax for
 * the common part, turned into the kernel option trace=HEX (kernel/core/cmdline.h).
 *
 * SET is a comma-separated list of syscall names ("openat,read") and classes (%file,
 * %network, %process, %memory, %signal, %desc, with strace's membership); a leading '!'
 * negates the whole set, as in strace. Names are checked against the kernel's own table
 * (kernel/syscall/names.c, shared into the CLI). */
#ifndef ISLE_CLI_TRACEFILTER_H
#define ISLE_CLI_TRACEFILTER_H

/* Parses spec into a new string (free it) holding the trace=HEX value: 0, or -EINVAL
 * after printing the precise error on stderr ("unknown syscall 'opnat' in --trace (did
 * you mean 'openat'?)"). An empty set is an error too. */
int trace_filter_parse(const char *spec, char **hex);

#endif
