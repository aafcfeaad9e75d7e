"""benchlib.py: what every benchmark in bench/ shares: the paths, run counts and time
limits, running a command (BenchError on failure or timeout), building a guest program
from tests/guest (or any C file), min/median/max, and the accelerator `isle run` picks;
for the comparison benchmarks also the Go server build, free ports, processes stopped by
PID (Started), native servers in a network namespace of their own (NETNS_PREFIX,
netns_socket), HTTP probes, and Markdown tables (table, fmt3)."""

import ctypes
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "build"
ISLE = BUILD / "isle"
OUT = BUILD / "bench"
RUNS = int(os.environ.get("ISLE_BENCH_RUNS", "3"))
VM_TIMEOUT = 600  # one guest run under TCG on a loaded host
HOST_TIMEOUT = 300


class BenchError(Exception):
    pass


def bench_main(name, measure, errors=(BenchError,)):
    """A benchmark's main(): measure(), or 1 with "NAME: FAILED: why" when isle is not
    built or a measurement fails."""
    if not os.access(ISLE, os.X_OK):
        print(f"{name}: {ISLE} missing: run make", file=sys.stderr)
        return 1
    try:
        return measure()
    except errors as e:
        print(f"{name}: FAILED: {e}", file=sys.stderr)
        return 1


def run(cmd, timeout, **kw):
    """Run cmd; returns the CompletedProcess, raising BenchError on failure or timeout."""
    try:
        r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                           timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        raise BenchError(f"timed out after {timeout} s: {' '.join(map(str, cmd))}")
    if r.returncode != 0:
        raise BenchError(f"exit {r.returncode}: {' '.join(map(str, cmd))}\n"
                         f"{r.stdout}{r.stderr}")
    return r


def compile_guest(name):
    """tests/guest/NAME.c built static into build/bench/NAME."""
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / name
    run(["gcc", "-static", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out,
         REPO / "tests" / "guest" / f"{name}.c"], HOST_TIMEOUT)
    return out


def stats(values):
    return min(values), statistics.median(values), max(values)


def accel_notice(prog):
    """What `isle run` says about its accelerator (the TCG notice), for a table header."""
    r = subprocess.run([str(ISLE), "run", "--dry-run", str(prog)], capture_output=True,
                       text=True, timeout=60)
    m = re.search(r"isle: using (\w+)", r.stderr)
    if m:
        return m.group(1)
    return "kvm" if re.search(r"accel[= ]kvm", r.stdout) else "tcg"


# ---- shared by the comparison benchmarks (boot, sizes, memory, idle, http, dns, syscalls,
# tcp): processes started and stopped by PID, ports, a native network namespace, tables.

GO_EXAMPLE = REPO / "examples" / "go-static-server"
POLL = 0.02  # seconds between readiness probes


def go_server():
    """examples/go-static-server built static (CGO_ENABLED=0, -trimpath) with Debian's Go,
    its caches under build/ as the e2e tests keep them; rebuilt when main.go is newer."""
    env = dict(os.environ, CGO_ENABLED="0", GOCACHE=str(BUILD / "go-cache"),
               GOPATH=str(BUILD / "go-path"), GOFLAGS="", GO111MODULE="")
    version = run(["go", "env", "GOVERSION"], HOST_TIMEOUT, env=env).stdout.strip()
    out = BUILD / "go" / version / "bin" / "go-static-server"
    src = GO_EXAMPLE / "main.go"
    if not out.exists() or out.stat().st_mtime < src.stat().st_mtime:
        out.parent.mkdir(parents=True, exist_ok=True)
        run(["go", "build", "-trimpath", "-o", out, "."], 600, env=env, cwd=GO_EXAMPLE)
    return out


def compile_c(src, name=None):
    """A C file (path) built static with the guest flags into build/bench/NAME."""
    OUT.mkdir(parents=True, exist_ok=True)
    src = Path(src)
    out = OUT / (name or src.stem)
    run(["gcc", "-static", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out,
         src], HOST_TIMEOUT)
    return out


def free_port(kind=None):
    """A TCP port free on 127.0.0.1 now (the kernel's choice)."""
    s = socket.socket(socket.AF_INET, kind or socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Started:
    """A process started in its own session, stopped (SIGTERM, then SIGKILL to its process
    group, which it leads) when the with-block ends, on every path out."""

    def __init__(self, cmd, **kw):
        self.proc = subprocess.Popen([str(c) for c in cmd], start_new_session=True, **kw)
        self.pid = self.proc.pid

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)
            except ProcessLookupError:
                pass


# Prefix of a command run in a new network namespace with only lo (up), so a native server
# can take its fixed port (the Go server's 8080) without touching the host's; reach it with
# netns_socket(pid) or `nsenter -t PID -n` (unshare and sh exec, so PID is the program's).
NETNS_PREFIX = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]


_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def netns_socket(pid, kind=socket.SOCK_STREAM):
    """A socket created in the network namespace of process pid (None: this one's)."""
    if pid is None:
        return socket.socket(socket.AF_INET, kind)
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    other = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
    try:
        if _libc.setns(other, CLONE_NEWNET) != 0:
            raise BenchError(f"setns: {os.strerror(ctypes.get_errno())}")
        try:
            return socket.socket(socket.AF_INET, kind)
        finally:
            if _libc.setns(own, CLONE_NEWNET) != 0:
                raise BenchError(f"setns back: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(own)
        os.close(other)


def http_status(port, netns_pid=None, timeout=5.0):
    """The status code of GET / on 127.0.0.1:port (None when nothing answers)."""
    s = netns_socket(netns_pid)
    s.settimeout(timeout)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        head = s.recv(64)
        m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
        return int(m.group(1)) if m else None
    except OSError:
        return None
    finally:
        s.close()


def wait_http(port, proc, limit, netns_pid=None):
    """Seconds until GET / answers 200 (polled every POLL s), or None if proc exits or
    limit seconds pass first."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if proc.poll() is not None:
            return None
        if http_status(port, netns_pid, timeout=2.0) == 200:
            return time.monotonic() - t0
        time.sleep(POLL)
    return None


def fmt3(values, spec="{:.0f}"):
    """'median (min-max)' of values, or the reason string when values is one."""
    if isinstance(values, str):
        return values
    if not values:
        return "-"
    lo, med, hi = stats(values)
    if len(values) == 1:
        return spec.format(med)
    return f"{spec.format(med)} ({spec.format(lo)}-{spec.format(hi)})"


def table(title, header, rows, notes=()):
    """Print a Markdown table (### title, header row, rows of strings) and notes below it."""
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    lines += [""] + [f"{n}" for n in notes] + ([""] if notes else [])
    print("\n".join(lines), flush=True)


def ratio(num, den):
    """'N.NNx': median of num over median of den (lists of figures), or '-' when either is
    missing (a reason string or empty)."""
    if isinstance(num, str) or isinstance(den, str) or not num or not den:
        return "-"
    d = statistics.median(den)
    return f"{statistics.median(num) / d:.2f}x" if d else "-"
