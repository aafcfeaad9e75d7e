#!/bin/bash
# quickstart.sh: from a fresh clone to a program running in an isle VM: installs the Debian
# packages (scripts/deps.sh), builds the kernel and the CLI (make), builds
# examples/hello/hello.c as a static program and runs it with `isle run`; then builds the
# walkthrough's Go file server (examples/go-static-server), boots it, fetches its page
# with curl through a host forward, shows it, and stops the VM.
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

# The main job: the walkthrough's Go file server, built static, booted, one page fetched
# over a host forward (127.0.0.1 only, --net isolated), then a graceful stop.
echo "quickstart: building examples/go-static-server (CGO_ENABLED=0 go build)"
export GOCACHE="$PWD/build/go-cache" GOPATH="$PWD/build/go-path" GOFLAGS="" GO111MODULE="" CGO_ENABLED=0
(cd examples/go-static-server && go build -trimpath -o ../../build/examples/server .)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "quickstart: build/isle run --net isolated -p $port:8080 -c examples/go-static-server/config.json build/examples/server"
build/isle run --net isolated -p "$port:8080" -c examples/go-static-server/config.json \
	build/examples/server > build/examples/server.log 2>&1 &
vm=$!
page=""
for _ in $(seq 1 120); do
	if page=$(curl -fsS --max-time 5 "http://127.0.0.1:$port/" 2>/dev/null); then
		break
	fi
	if ! kill -0 "$vm" 2>/dev/null; then
		break
	fi
	sleep 1
done
kill -TERM "$vm" 2>/dev/null || true # the power button: the server gets SIGTERM
wait "$vm" || true
if [ -z "$page" ] || ! grep -q "Understanding Unikernels" <<<"$page"; then
	echo "quickstart: no page from the Go server; its log:" >&2
	cat build/examples/server.log >&2
	exit 1
fi
echo "quickstart: curl http://127.0.0.1:$port/ returned:"
printf '%s\n' "$page"
echo "quickstart: ok"
