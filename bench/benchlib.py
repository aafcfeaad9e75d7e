"""benchlib.py: what every benchmark in bench/ shares: the paths, run counts and time
limits, running a command (BenchError on failure or timeout), building a guest program
from tests/guest, min/median/max, and the accelerator `isle run` picks."""

import os
import re
import statistics
import subprocess
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
