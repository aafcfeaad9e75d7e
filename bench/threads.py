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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (HOST_TIMEOUT, ISLE, RUNS, VM_TIMEOUT, BenchError,  # noqa: E402
                      accel_notice, compile_guest, run, stats, table)
from benchlib import bench_main  # noqa: E402

ITERS = int(os.environ.get("ISLE_BENCH_THREAD_ITERS", "20000"))
GUEST_MEM = "128M"
SMPS = (1, 2)

LINE = re.compile(r"thrbench: (\w+) ([0-9.]+) ns/(\w+) (pinned|unpinned)")
FIGURES = (("futex", "futex ping-pong ns/roundtrip"), ("create", "create+join ns/thread"),
           ("yield", "sched_yield ns/switch"), ("pipe", "pipe ping-pong ns/roundtrip"))


def parse(stdout):
    """{'futex': ns, ...} and the set of pinned/unpinned words from thrbench's output."""
    figures, pins = {}, set()
    for name, value, _unit, pin in LINE.findall(stdout):
        figures[name] = float(value)
        pins.add(pin)
    if set(figures) != {k for k, _ in FIGURES} or "PASS thrbench" not in stdout:
        raise BenchError(f"thrbench output not understood:\n{stdout}")
    return figures, pins


def fmt(triple):
    lo, med, hi = triple
    return f"{med:.0f} ({lo:.0f}-{hi:.0f})"


def main():
    return bench_main("threads", measure)


def measure():
    prog = compile_guest("thrbench")
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
    cols = list(columns)
    rows = []
    for key, label in FIGURES:
        s = {c: stats(results[c][key]) for c in cols}
        rows.append([label] + [fmt(s[c]) for c in cols] +
                    [f"{s[c][1] / max(s['native'][1], 1e-9):.1f}" for c in cols[1:]])
    notes = [f"{ITERS} iterations (create: {ITERS // 10}), {RUNS} runs, median (min-max); "
             f"isle under {accel_notice(prog)}, -m {GUEST_MEM}"]
    unpinned = [c for c in cols if "unpinned" in pins[c]]
    if unpinned:
        notes.append(f"(threads not pinned to one CPU in: {', '.join(unpinned)}: "
                     "sched_setaffinity refused)")
    table("Threads", ["figure", *cols, *(f"{c}/native" for c in cols[1:])], rows, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
