/* cmdline.h: kernel options, parsed once at boot from the PVH command line. Space
 * separated `key` or `key=value` words; unknown keys are logged and ignored. Documented in
 * docs/boot.md. */
#ifndef ISLE_CORE_CMDLINE_H
#define ISLE_CORE_CMDLINE_H

#include <stdbool.h>

struct kernel_options {
	bool verbose;	   /* verbose: log informational messages */
	bool trace;	   /* trace: print every syscall, strace-style */
	bool boottime;	   /* boottime: report guest boot time in microseconds */
	bool noaslr;	   /* noaslr: fixed addresses */
	bool execprot;	   /* execprot: exec protection (mm/execprot.h) */
	bool gdb;	   /* gdb: isle run --gdb: log the program's load address (core/gdb.h) */
	char selftest[16]; /* selftest=fault|panic|blk|net: test a failure path or a driver */
	char ip[16];	   /* ip=A.B.C.D: static IPv4 address of eth0 (no DHCP) */
	char netmask[16];  /* netmask=A.B.C.D (with ip=; default 255.255.255.0) */
	char gw[16];	   /* gw=A.B.C.D: default gateway (with ip=) */
	char dns[64];	   /* dns=A.B.C.D[,A.B.C.D...]: DNS servers (up to 3) */
	/* stop_timeout=SECONDS after a power button press (drivers/powerbtn.h) */
	char stop_timeout[8];
};
extern struct kernel_options kopt;

void cmdline_parse(const char *cmdline);

#endif
