"""Go's own standard-library tests (`go test -c`, CGO_ENABLED=0, static) run in isle with 1
and 2 vCPUs, as they run natively on this host (golang-go from Debian, Go 1.19).

Each binary runs with `-test.short -test.v=false` in the working directory
/goroot/src/PKG of an image that holds the package's testdata/ there and
/goroot/lib/time/zoneinfo.zip (ZONEINFO points at it; Go's time tests also open it as
../../lib/time/zoneinfo.zip). Debian's Go ships no zoneinfo.zip: tests/e2e/golang.py
makes one from tzdata's zone files. Every suite first runs natively in the same layout
with the same flags and environment, so a failure in isle is isle's.

Host run times (native, -test.short, 2 cores, Go 1.19.8), as a scale for TCG:
bytes 0.16 s, container/* 0.01 s each, context 0.02 s, encoding/json 0.26 s,
math/big 0.59 s, sort 0.04 s, strconv 0.24 s, strings 0.06 s, sync 0.29 s,
sync/atomic 0.12 s, time 1.9 s (mostly sleeping).
In isle under TCG (whole test: native run + image + boot + suite; 1 vCPU / 2 vCPUs):
math/big 5.9/6.2 s, time 7.9 s/(hung, see the report), sync/atomic 2.6/10.7 s,
encoding/json 2.6/2.2 s, strconv 2.6/2.0 s, bytes 1.5/1.4 s, sync 1.2/1.8 s, every other
package under 1 s: about a minute for all 26 runs, so every suite runs whole (no -test.run
narrowing for speed). net: 5.0 s natively (in its namespace); the whole
test_go_std_net 112 s at 1 vCPU, 109 s at 2 (2026-11-23).

net runs apart (test_go_std_net): natively inside a network namespace of its own
(`unshare -rn`, only loopback up: no outside traffic; root there, so the raw-socket tests
run), in isle with `--net none` (loopback is all its short tests need: every test that
wants an outside network skips itself in -test.short) and the host's /etc/services (Go's
TestReadLine reads it); its GOROOT stand-in also holds src/testdata (sendfile tests).

Go 1.19 has no -test.skip: the tests in EXCLUDED are left out by a -test.run pattern
listing every other test by name (golang.run_pattern), each with its reason below: those
that fail natively here too, and those that need a second process (fork/exec), which
isle does not have yet.
"""

import json

import pytest

from conftest import run_isle
from golang import go_root_tree, go_std_test, go_test_names, run_native_in, run_pattern

PACKAGES = ["sync", "sync/atomic", "time", "context", "container/list", "container/heap",
            "container/ring", "encoding/json", "strconv", "sort", "bytes", "strings",
            "math/big"]

EXCLUDED = {
    "sync": [
        # Runs the test binary again as a child process (os/exec: fork+exec) to see it
        # crash: isle runs one program and answers a fork with ENOSYS (processes come
        # later). Passes natively; excluded in both runs so the two run the same tests.
        "TestMutexMisuse",
    ],
    "encoding/json": [
        # Starts an HTTP server on [::1] (net/http/httptest): needs sockets, which come
        # with networking, not with this issue. Passes natively. Drop this line when
        # isle has loopback TCP.
        "TestHTTPDecoding",
    ],
    "time": [
        # Compares the zones of the system's tzdata (our zoneinfo.zip, made from Debian's
        # tzdata package) with those embedded in Go 1.19's time/tzdata; Debian's tzdata is
        # newer, so Asia/Jerusalem and America/Los_Angeles differ: fails natively too.
        "TestEmbeddedTZData",
    ],
}

NET_EXCLUDED = [
    # Raw IP sockets (ip4:icmp, ip:tcp): isle answers socket(AF_INET, SOCK_RAW) with EPERM
    # (no raw sockets: docs/networking.md). Pass natively (root in the namespace).
    "TestIPConnLocalName",
    "TestIPConnRemoteName",
    "TestIPConnSpecificMethods",
    # Runs the test binary again as a child (os/exec) for its splice peers: isle answers a
    # fork with ENOSYS (one program per VM). Passes natively.
    "TestSplice",
]

SMP = [1, 2]
MEM = "512M"
STD_TIMEOUT = 300  # one suite under TCG on a loaded 2-core host (the slowest: ~11 s)
GOROOT_IN_IMAGE = "/goroot"


def suite_args(pkg, binary, cwd, env):
    # -test.timeout below the subprocess timeout: a hung suite panics with every
    # goroutine's stack and the name of the running test instead of dying silently.
    args = ["-test.short", "-test.v=false", f"-test.timeout={STD_TIMEOUT - 60}s"]
    pattern = run_pattern(go_test_names(binary, cwd, env), EXCLUDED.get(pkg, []))
    if pattern:
        args += ["-test.run", pattern]
    return args


def check_suite(status, out, err, where):
    text = out.decode(errors="replace")
    assert status == 0, f"{where}: status {status}\nstdout:\n{text}\nstderr:\n{err}"
    assert text.splitlines()[-1:] == ["PASS"], f"{where}:\n{text}\nstderr:\n{err}"


@pytest.mark.parametrize("smp", SMP)
@pytest.mark.parametrize("pkg", PACKAGES)
def test_go_std(pkg, smp, accel, tmp_path):
    binary = go_std_test(pkg)
    root = go_root_tree(pkg)
    native_env = {"GOROOT": str(root), "ZONEINFO": str(root / "lib/time/zoneinfo.zip"),
                  "HOME": "/", "PATH": "/usr/bin:/bin"}
    args = suite_args(pkg, binary, root / "src" / pkg, native_env)
    status, out, err = run_native_in(root / "src" / pkg, binary, args, env=native_env,
                                     timeout=STD_TIMEOUT)
    check_suite(status, out, err, f"{pkg} natively")

    config = tmp_path / "config.json"
    config.write_text(json.dumps({
        "MapDirs": {f"{root}/*": GOROOT_IN_IMAGE},
        "Cwd": f"{GOROOT_IN_IMAGE}/src/{pkg}",
        "Env": {"GOROOT": GOROOT_IN_IMAGE,
                "ZONEINFO": f"{GOROOT_IN_IMAGE}/lib/time/zoneinfo.zip",
                "HOME": "/", "PATH": "/usr/bin:/bin"},
    }))
    extra = ["-c", str(config)] + ([] if smp == 1 else ["--smp", str(smp)])
    status, out, err = run_isle(binary, args, accel=accel, mem=MEM, extra=extra,
                                timeout=STD_TIMEOUT)
    check_suite(status, out, err, f"{pkg} in isle, {smp} vCPU(s)")


@pytest.mark.parametrize("smp", SMP)
def test_go_std_net(smp, accel, tmp_path):
    pkg = "net"
    binary = go_std_test(pkg)
    root = go_root_tree(pkg)
    cwd = root / "src" / pkg
    native_env = {"GOROOT": str(root), "HOME": "/", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    args = ["-test.short", "-test.v=false", f"-test.timeout={STD_TIMEOUT - 60}s",
            "-test.run", run_pattern(go_test_names(binary, cwd, native_env), NET_EXCLUDED)]
    # A user and network namespace of its own: loopback only, and root for raw sockets.
    status, out, err = run_native_in(
        cwd, "unshare", ["-rn", "sh", "-c", 'ip link set lo up && exec "$0" "$@"',
                         binary] + args, env=native_env, timeout=STD_TIMEOUT)
    check_suite(status, out, err, "net natively (unshare -rn)")

    config = tmp_path / "config.json"
    config.write_text(json.dumps({
        "MapDirs": {f"{root}/*": GOROOT_IN_IMAGE},
        "Files": ["/etc/services"],
        "Cwd": f"{GOROOT_IN_IMAGE}/src/{pkg}",
        "Env": {"GOROOT": GOROOT_IN_IMAGE, "HOME": "/", "PATH": "/usr/bin:/bin"},
    }))
    extra = ["-c", str(config), "--net", "none"] + ([] if smp == 1 else ["--smp", str(smp)])
    status, out, err = run_isle(binary, args, accel=accel, mem=MEM, extra=extra,
                                timeout=STD_TIMEOUT)
    check_suite(status, out, err, f"net in isle, {smp} vCPU(s)")
