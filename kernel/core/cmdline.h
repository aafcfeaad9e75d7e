/* cmdline.h: kernel options, parsed once at boot from the PVH command line. Space
 * separated `key` or `key=value` words; unknown keys are logged and ignored. Documented in
 * docs/boot.md. */
#ifndef ISLE_CORE_CMDLINE_H
#define ISLE_CORE_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "syscall/names.h"

/* trace=HEX: a bitmap of syscall numbers, hex digit i holding numbers 4i..4i+3 (bit j of
 * the digit = number 4i+j); trailing zero digits may be left out. */
#define TRACE_SET_WORDS ((SYSCALL_NAMES_END + 63) / 64)
#define TRACE_SET_HEX_MAX ((SYSCALL_NAMES_END + 3) / 4)

struct kernel_options {
	bool verbose;	   /* verbose: log informational messages */
	bool trace;	   /* trace: print every syscall, strace-style (or trace=HEX) */
	bool boottime;	   /* boottime: report guest boot time in microseconds */
	bool noaslr;	   /* noaslr: fixed addresses */
	bool execprot;	   /* execprot: exec protection (mm/execprot.h) */
	bool gdb;	   /* gdb: isle run --gdb: log the program's load address (core/gdb.h) */
	char selftest[16]; /* selftest=fault|panic|wx|blk|net|stackprot|kstack|smap|smep|
			    umip:INSN|...: test a failure path, a driver or a protection */
	char ip[16];	   /* ip=A.B.C.D: static IPv4 address of eth0 (no DHCP) */
	char netmask[16];  /* netmask=A.B.C.D (with ip=; default 255.255.255.0) */
	char gw[16];	   /* gw=A.B.C.D: default gateway (with ip=) */
	char dns[64];	   /* dns=A.B.C.D[,A.B.C.D...]: DNS servers (up to 3) */
	/* stop_timeout=SECONDS after a power button press (drivers/powerbtn.h) */
	char stop_timeout[8];
	bool syscall_summary; /* syscall_summary: an strace -c table at exit */
	bool missing_files;   /* missing_files: list the paths not found, at exit */
	bool trace_filtered;  /* trace=HEX: trace only the numbers in trace_set */
	uint64_t trace_set[TRACE_SET_WORDS];
};
extern struct kernel_options kopt;

void cmdline_parse(const char *cmdline);

/* true when the trace option prints syscall nr (all of them without trace=HEX; numbers
 * beyond the names table are traced only then). */
static inline bool kopt_traces(long nr)
{
	if (!kopt.trace_filtered)
		return true;
	return nr >= 0 && nr < SYSCALL_NAMES_END && (kopt.trace_set[nr / 64] >> (nr % 64) & 1);
}

#endif
