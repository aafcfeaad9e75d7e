#!/bin/sh
# gen-ksyms.sh KERNEL.ELF: print assembly for the .ksyms section (function symbols sorted
# by address, link addresses, with a string blob), read by kernel/core/ksyms.c.
set -eu
nm -n --defined-only "$1" | awk '
	$2 ~ /^[tTwW]$/ && $3 !~ /^\./ { addr[n] = $1; name[n] = $3; n++ }
	END {
		print ".section .ksyms,\"a\""
		print ".balign 8"
		print ".globl ksyms_count"
		print "ksyms_count: .quad " n + 0
		print ".globl ksyms_table"
		print "ksyms_table:"
		off = 0
		for (i = 0; i < n; i++) {
			printf ".quad 0x%s, %d\n", addr[i], off
			off += length(name[i]) + 1
		}
		print ".globl ksyms_names"
		print "ksyms_names:"
		for (i = 0; i < n; i++)
			printf ".asciz \"%s\"\n", name[i]
	}'
