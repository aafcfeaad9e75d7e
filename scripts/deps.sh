#!/bin/bash
# deps.sh: installs every Debian package isle needs to build, test and lint, with apt-get.
# Runs as root, or through sudo otherwise. Packages already installed are left alone;
# `apt-get update` runs once, and only when something is missing.
set -euo pipefail

PACKAGES=(
	gcc make binutils libc6-dev         # kernel, CLI, guest programs (glibc static)
	musl-tools                          # guest programs built against musl
	qemu-system-x86                     # the VMs
	python3 python3-pytest              # e2e test orchestration
	libcmocka-dev                       # unit tests
	clang libclang-rt-14-dev            # make fuzz: libFuzzer (libclang_rt.fuzzer)
	strace                              # e2e: isle --trace is compared with strace
	clang-format cppcheck shellcheck    # make lint
	e2fsprogs                           # disk images: mke2fs -d, debugfs, e2fsck
	libjansson-dev                      # isle build: config.json parsing
	tzdata ca-certificates              # isle build: /etc/localtime, the CA bundle
	golang-go                           # Go guest programs and Go std test binaries (e2e)
	bind9-dnsutils knot-dnsutils        # examples/dns-server tests: dig, kdig
	dnsperf wrk                         # make bench: DNS queries/s, HTTP requests/s
	curl                                # quickstart.sh fetches the Go server's page
	iproute2                            # make bench, e2e: ip netns, tap devices (unshare: util-linux)
	gdb                                 # e2e: isle run --gdb (tests/e2e/test_gdb.py)
)

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1; then
	SUDO=(sudo)
else
	echo "deps.sh: not root and no sudo: install as root: ${PACKAGES[*]}" >&2
	exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$pkg")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "deps.sh: all ${#PACKAGES[@]} packages are installed"
	exit 0
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	"${missing[@]}"
