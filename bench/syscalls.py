"""Syscall latency (figure 7 of `make bench`): bench/guest/sysbench.c times getppid (a
real system call each time), a 1-byte read of /dev/zero and clock_gettime(CLOCK_MONOTONIC)
in a loop of ITERS with CLOCK_MONOTONIC, natively, in isle and in the Linux guest (same
QEMU). The program times itself, so boot and QEMU's start are left out. min/median/max of
RUNS runs (one boot each).

Environment: ISLE_BENCH_SYSCALL_ITERS (default 200000).
Run through `make bench` (bench/run.py) or alone: /usr/bin/python3 bench/syscalls.py"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import REPO, RUNS, BenchError, compile_c, fmt3, ratio, table  # noqa: E402
from benchlib import bench_main  # noqa: E402
from targets import MEM, COLUMNS, TARGETS, launch, linux_available, output_of  # noqa: E402

ITERS = int(os.environ.get("ISLE_BENCH_SYSCALL_ITERS", "200000"))
LIMIT = 300
CALLS = (("getppid", "getppid()"), ("read1", "read(/dev/zero, 1 byte)"),
         ("clock_gettime", "clock_gettime(MONOTONIC)"))
LINE = re.compile(r"sysbench: (\w+) ([0-9.]+) ns/call")


def once(target, prog):
    with launch(target, prog, args=(ITERS,)) as p:
        try:
            p.proc.wait(timeout=LIMIT)
        except Exception:
            raise BenchError(f"sysbench on {target}: no exit within {LIMIT} s")
        out = output_of(p.proc)
    figures = {k: float(v) for k, v in LINE.findall(out)}
    if "PASS sysbench" not in out or set(figures) != {k for k, _ in CALLS}:
        raise BenchError(f"sysbench on {target} failed:\n{out[-2000:]}")
    return figures


def main():
    return bench_main("syscalls", measure)


def measure():
    prog = compile_c(REPO / "bench" / "guest" / "sysbench.c")
    no_linux = linux_available()
    res = {t: {k: [] for k, _ in CALLS} for t in TARGETS}
    for _ in range(RUNS):
        for t in TARGETS:
            if t == "linux" and no_linux:
                continue
            for k, v in once(t, prog).items():
                res[t][k].append(v)
    rows = [[label] + [no_linux if t == "linux" and no_linux else fmt3(res[t][k], "{:.0f}")
                       for t in TARGETS] +
            [ratio(res["isle"][k], res["native"][k]),
             ratio(res["isle"][k], no_linux or res["linux"][k])] for k, label in CALLS]
    table("Syscall latency", ["call (ns)", *COLUMNS], rows,
          [f"ns per call over {ITERS} calls, median (min-max) of {RUNS} runs; QEMU TCG, "
           f"-m {MEM}, 1 vCPU. TCG emulates every guest instruction, so a guest's figures "
           "mostly measure QEMU's translation of the kernel's entry/exit paths."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
