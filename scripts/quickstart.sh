#!/bin/bash
# quickstart.sh: from a fresh clone to a program running in an isle VM: installs the Debian
# packages (scripts/deps.sh), builds the kernel and the CLI (make), builds
# examples/hello/hello.c as a static program and runs it with `isle run`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
make -j"$(nproc)"

mkdir -p build/examples
gcc -static -std=gnu11 -O2 -Wall -Wextra -Werror -o build/examples/hello examples/hello/hello.c

echo "quickstart: build/isle run build/examples/hello a b"
out=$(timeout 300 build/isle run build/examples/hello a b)
printf '%s\n' "$out"
if [ "$out" != "hello from a static binary: argc=3" ]; then
	echo "quickstart: unexpected output from isle run" >&2
	exit 1
fi
echo "quickstart: ok"
