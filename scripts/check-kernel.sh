#!/bin/sh
# check-kernel.sh FINAL PASS1: the linked kernel must be loadable and self-relocatable:
# a PVH note, only R_X86_64_RELATIVE relocations, and the second link (with the symbol
# table) must not have moved any symbol of the first.
set -eu
final=$1 pass1=$2
readelf -n "$final" | grep -q 'Xen' || { echo "check-kernel: no Xen PVH note in $final" >&2; exit 1; }
bad=$(readelf -rW "$final" | awk '/^ *[0-9a-f]+ +[0-9a-f]+ +R_X86_64_/ && $3 != "R_X86_64_RELATIVE"' | head -3)
[ -z "$bad" ] || { echo "check-kernel: unexpected relocations:" >&2; echo "$bad" >&2; exit 1; }
a=$(nm -n "$pass1" | grep -v -e ksyms_ -e __kernel_end | md5sum)
b=$(nm -n "$final" | grep -v -e ksyms_ -e __kernel_end | md5sum)
[ "$a" = "$b" ] || { echo "check-kernel: symbols moved between link passes" >&2; exit 1; }
size=$(stat -c %s "$final")
load=$(readelf -lW "$final" | awk '$1 == "LOAD" { print $5 }' | while read -r h; do printf "%d\n" "$h"; done | awk '{ s += $1 } END { print s }')
echo "kernel: $final: $size bytes on disk, $load bytes loaded"
