"""Thread benchmark: futex wake-up latency (ping-pong of two threads), thread create+join
time, and context-switch cost (sched_yield turns and a pipe ping-pong), in isle with 1
and 2 vCPUs against the same program natively on the host, with ratios isle/native.

The guest program is tests/guest/thrbench.c (static glibc), which times itself with
CLOCK_MONOTONIC and pins both threads of each ping-pong to one CPU, so the figures leave
out QEMU's start and the boot and measure switches on one CPU everywhere. Every figure is
min/median/max over RUNS runs (these machines are shared and noisy); ratios are medians
over medians.

Environment: ISLE_BENCH_RUNS (default 3), ISLE_BENCH_THREAD_ITERS (default 20000).
Run through `make bench` (bench/run.py) or alone: /usr/bin/python3 bench/threads.py
"""

import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "build"
ISLE = BUILD / "isle"
OUT = BUILD / "bench"
RUNS = int(os.environ.get("ISLE_BENCH_RUNS", "3"))
ITERS = int(os.environ.get("ISLE_BENCH_THREAD_ITERS", "20000"))
VM_TIMEOUT = 600  # one guest run under TCG on a loaded host
HOST_TIMEOUT = 300
GUEST_MEM = "128M"
SMPS = (1, 2)

LINE = re.compile(r"thrbench: (\w+) ([0-9.]+) ns/(\w+) (pinned|unpinned)")
FIGURES = (("futex", "futex ping-pong ns/roundtrip"), ("create", "create+join ns/thread"),
           ("yield", "sched_yield ns/switch"), ("pipe", "pipe ping-pong ns/roundtrip"))
W = 24  # table column width


class BenchError(Exception):
    pass


def run(cmd, timeout):
    try:
        r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"timed out after {timeout} s: {' '.join(map(str, cmd))}")
    if r.returncode != 0:
        raise BenchError(f"exit {r.returncode}: {' '.join(map(str, cmd))}\n"
                         f"{r.stdout}{r.stderr}")
    return r


def compile_guest():
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / "thrbench"
    run(["gcc", "-static", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out,
         REPO / "tests" / "guest" / "thrbench.c"], HOST_TIMEOUT)
    return out


def parse(stdout):
    """{'futex': ns, ...} and the set of pinned/unpinned words from thrbench's output."""
    figures, pins = {}, set()
    for name, value, _unit, pin in LINE.findall(stdout):
        figures[name] = float(value)
        pins.add(pin)
    if set(figures) != {k for k, _ in FIGURES} or "PASS thrbench" not in stdout:
        raise BenchError(f"thrbench output not understood:\n{stdout}")
    return figures, pins


def stats(values):
    return min(values), statistics.median(values), max(values)


def fmt(triple):
    lo, med, hi = triple
    return f"{med:9.0f} ({lo:.0f}-{hi:.0f})"


def accel_notice(prog):
    r = subprocess.run([str(ISLE), "run", "--dry-run", str(prog)], capture_output=True,
                       text=True, timeout=60)
    m = re.search(r"isle: using (\w+)", r.stderr)
    if m:
        return m.group(1)
    return "kvm" if re.search(r"accel[= ]kvm", r.stdout) else "tcg"


def main():
    if not os.access(ISLE, os.X_OK):
        print(f"threads: {ISLE} missing: run make", file=sys.stderr)
        return 1
    try:
        return measure()
    except BenchError as e:
        print(f"threads: FAILED: {e}", file=sys.stderr)
        return 1


def measure():
    prog = compile_guest()
    columns = {"native": [prog, ITERS]}
    for n in SMPS:
        columns[f"isle {n} vCPU"] = [ISLE, "run", "-m", GUEST_MEM, "--smp", n, prog, ITERS]
    results = {c: {k: [] for k, _ in FIGURES} for c in columns}
    pins = {c: set() for c in columns}
    for _ in range(RUNS):
        for col, cmd in columns.items():
            r = run(cmd, HOST_TIMEOUT if col == "native" else VM_TIMEOUT)
            figures, p = parse(r.stdout)
            pins[col] |= p
            for k, v in figures.items():
                results[col][k].append(v)
    print(f"threads: {ITERS} iterations (create: {ITERS // 10}), {RUNS} runs, median "
          f"(min-max); isle under {accel_notice(prog)}, -m {GUEST_MEM}")
    cols = list(columns)
    print(f"{'':<30}" + "".join(f"{c:>{W}}" for c in cols)
          + "".join(f"{c + '/nat':>{W - 8}}" for c in cols[1:]))
    for key, label in FIGURES:
        s = {c: stats(results[c][key]) for c in cols}
        ratios = "".join(f"{s[c][1] / max(s['native'][1], 1e-9):>{W - 8}.1f}"
                         for c in cols[1:])
        print(f"{label:<30}" + "".join(f"{fmt(s[c]):>{W}}" for c in cols) + ratios)
    unpinned = [c for c in cols if "unpinned" in pins[c]]
    if unpinned:
        print(f"(threads not pinned to one CPU in: {', '.join(unpinned)}: "
              "sched_setaffinity refused)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
