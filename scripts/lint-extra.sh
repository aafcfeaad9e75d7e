#!/bin/sh
# lint-extra.sh: house rules clang-format cannot check (DESIGN.md, Style): every C file
# opens with a purpose comment, every header has an include guard, no file over 700
# lines, no struct typedefs, shell scripts pass shellcheck when it is installed.
set -eu
fail=0
for f in $(find kernel cli include tests/unit tests/guest -name '*.[ch]' | sort); do
	head -c 2 "$f" | grep -q '/\*' || { echo "lint: $f: must start with a /* purpose */ comment"; fail=1; }
	case "$f" in
	*.h) grep -q '^#ifndef ' "$f" || { echo "lint: $f: no include guard"; fail=1; } ;;
	esac
	n=$(wc -l < "$f")
	[ "$n" -le 700 ] || { echo "lint: $f: $n lines (split it: 700 max)"; fail=1; }
	if grep -nE '^typedef struct|typedef [a-z_ ]+\*' "$f"; then
		echo "lint: $f: no typedefs of structs or pointers"; fail=1
	fi
done
# docs/syscalls.md must list every syscall that has a handler.
for nr in $(grep -oE '\[SYS_[a-z0-9_]+\] = sys_' kernel/syscall/table.c | sed -E 's/\[SYS_([a-z0-9_]+)\].*/\1/'); do
	grep -q "^| $nr |" docs/syscalls.md || { echo "lint: docs/syscalls.md has no row for $nr"; fail=1; }
done
if command -v shellcheck >/dev/null 2>&1; then
	shellcheck -S warning scripts/*.sh .ci/run || fail=1
fi
exit $fail
