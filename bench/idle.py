"""Idle instance (figure 4 of `make bench`): host memory (VmRSS) and host CPU of an idle Go
server: in isle (the QEMU process `isle run` starts; isle's own small RSS shown apart), in
the Linux guest (its QEMU) and natively (the server process). Each is booted once, answers
GET / with 200, settles SETTLE s, then RUNS windows of WINDOW s each are measured: CPU %
is (utime + stime) over the window's wall time, from /proc/PID/stat; RSS is read at the end
of each window.

Run through `make bench` (bench/run.py) or alone: /usr/bin/python3 bench/idle.py"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (RUNS, BenchError, fmt3, go_server, ratio, table,  # noqa: E402
                      wait_http)
from benchlib import bench_main  # noqa: E402
from targets import MEM, COLUMNS, TARGETS, go_launch, linux_available, vm_pid  # noqa: E402

SETTLE = 2.0
WINDOW = 4.0
LIMIT = 120
HZ = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"no VmRSS for {pid}")


def idle(target):
    """([RSS MiB per window], [CPU % per window], isle's own RSS MiB or None)."""
    with go_launch(target) as p:
        if wait_http(p.ports[8080], p.proc, LIMIT, p.netns_pid) is None:
            raise BenchError(f"Go server on {target}: no HTTP 200 within {LIMIT} s")
        pid = vm_pid(p, target)
        time.sleep(SETTLE)
        rss, cpu = [], []
        for _ in range(RUNS):
            c0, t0 = cpu_ticks(pid), time.monotonic()
            time.sleep(WINDOW)
            c1, t1 = cpu_ticks(pid), time.monotonic()
            cpu.append(100.0 * (c1 - c0) / HZ / (t1 - t0))
            rss.append(rss_mib(pid))
        own = rss_mib(p.pid) if target == "isle" else None
        return rss, cpu, own


def main():
    return bench_main("idle", measure)


def measure():
    go_server()
    no_linux = linux_available()
    res = {}
    for t in TARGETS:
        res[t] = (no_linux,) * 3 if t == "linux" and no_linux else idle(t)
    rows = [[label] + [fmt3(res[t][i], "{:.1f}") for t in TARGETS] +
            [ratio(res["isle"][i], res["native"][i]), ratio(res["isle"][i], res["linux"][i])]
            for i, label in enumerate(("host RSS (MiB)", "host CPU (%)"))]
    notes = [f"Idle Go server after its first HTTP 200 and {SETTLE:.0f} s: median (min-max) of "
             f"{RUNS} windows of {WINDOW:.0f} s; QEMU TCG, -m {MEM}, 1 vCPU. isle and Linux: "
             "the QEMU process."]
    if res["isle"][2] is not None:
        notes.append(f"The `isle run` process itself (QEMU's parent) adds "
                     f"{res['isle'][2]:.1f} MiB RSS.")
    table("Idle instance", ["figure", *COLUMNS], rows, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
