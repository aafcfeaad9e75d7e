"""`make bench`'s machinery, cheaply: bench/run.py runs the sizes and syscalls benchmarks
(1 run, few iterations) with its results written to a temporary directory; both Markdown
tables must be in the results file with the columns of every comparison table, the isle
kernel's size must be build/kernel.elf's, and every syscall figure of native and isle must
be a number (the Linux guest's too, unless its column says why it was not measured).
bench/density.py must refuse a bad --count with a precise message."""

import os
import re
import subprocess
import sys

from conftest import BUILD, REPO, require_isle

RUN_TIMEOUT = 900  # the Go server build, the Linux kernel fetch and 3 boots under TCG


def test_bench_sizes_and_syscalls(tmp_path):
    require_isle()
    env = dict(os.environ, ISLE_BENCH_RUNS="1", ISLE_BENCH_SYSCALL_ITERS="20000",
               ISLE_BENCH_RESULTS=str(tmp_path))
    r = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "sizes", "syscalls"],
                       capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    files = sorted(p.name for p in tmp_path.iterdir())
    assert "latest.md" in files and any(re.match(r"RESULTS-[0-9-]+\.md$", f) for f in files)
    text = (tmp_path / "latest.md").read_text()
    assert "### Sizes" in text and "### Syscall latency" in text
    kib = f"{(BUILD / 'kernel.elf').stat().st_size / 1024:,.0f} KiB"
    assert re.search(rf"^\| kernel on disk \| - \| {re.escape(kib)} \|", text, re.M), text
    header = "| call (ns) | native | isle | Linux guest | isle/native | isle/Linux |"
    assert header in text
    for call in ("getppid()", "read(/dev/zero, 1 byte)", "clock_gettime(MONOTONIC)"):
        m = re.search(rf"^\| {re.escape(call)} \| ([^|]+) \| ([^|]+) \| ([^|]+) \|", text, re.M)
        assert m, (call, text)
        native, isle, linux = (c.strip() for c in m.groups())
        assert re.fullmatch(r"\d+", native) and re.fullmatch(r"\d+", isle), m.group(0)
        assert re.fullmatch(r"\d+", linux) or linux.startswith("not measured: "), m.group(0)


def test_density_bad_count():
    r = subprocess.run([sys.executable, str(REPO / "bench" / "density.py"), "--count", "0"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "argument --count: must be above 0: '0'" in r.stderr
