"""Smallest working memory (figure 3 of `make bench`): bisection over whole MiB of -m for
hello (works = exits 0 after printing its line) and for the Go server (works = answers
GET / with 200), in isle and in the Linux guest (same QEMU machine). The upper end (HI MiB)
is checked first; each probe is one boot, at most MAX_BOOTS per figure. Natively the
program's peak RSS (VmHWM) is shown for scale. Measured once (bisection is already a
series of boots).

Run through `make bench` (bench/run.py) or alone: /usr/bin/python3 bench/memmin.py"""

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import REPO, compile_c, go_server, table, wait_http  # noqa: E402
from benchlib import bench_main  # noqa: E402
from targets import go_launch, launch, linux_available, output_of  # noqa: E402

HI = 256
MAX_BOOTS = 10
LIMIT = 60  # seconds for one probe boot


def hello_works(target, hello, mib):
    with launch(target, hello, mem=f"{mib}M") as p:
        try:
            p.proc.wait(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            return False
        out = output_of(p.proc)
        ok = "hello from a static binary" in out
        return ok and (p.proc.returncode == 0 if target == "isle" else "linux-init: exit 0" in out)


def go_works(target, mib):
    with go_launch(target, mem=f"{mib}M") as p:
        return wait_http(p.ports[8080], p.proc, LIMIT, p.netns_pid) is not None


def bisect(works):
    """(smallest working MiB, boots) with works(HI) checked first; None if HI fails."""
    boots = 1
    if not works(HI):
        return None, boots
    lo, hi = 3, HI  # lo: assumed not to work (isle's minimum is 4M)
    while hi - lo > 1 and boots < MAX_BOOTS:
        mid = (lo + hi) // 2
        boots += 1
        if works(mid):
            hi = mid
        else:
            lo = mid
    return (hi if hi - lo == 1 else f"<= {hi}"), boots


def native_hwm(cmd_launch, ready):
    """The native process's peak RSS in MiB once ready(p) says it is up."""
    with cmd_launch() as p:
        ready(p)
        for line in open(f"/proc/{p.pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def main():
    return bench_main("memmin", measure)


def measure():
    hello = compile_c(REPO / "examples" / "hello" / "hello.c", "hello")
    go_server()
    no_linux = linux_available()
    rows = []
    t0 = time.monotonic()
    for label, fn in (("hello", lambda t, m: hello_works(t, hello, m)),
                      ("Go server", go_works)):
        row = [label]
        if label == "Go server":
            hwm = native_hwm(lambda: go_launch("native"),
                             lambda p: wait_http(8080, p.proc, LIMIT, p.pid))
            row.append(f"{hwm:.1f} (peak RSS)" if hwm else "-")
        else:
            row.append("-")
        for target in ("isle", "linux"):
            if target == "linux" and no_linux:
                row.append(no_linux)
                continue
            mib, boots = bisect(lambda m: fn(target, m))
            row.append(f"{mib} ({boots} boots)" if mib else f"fails at {HI} MiB")
        rows.append(row)
    table("Smallest working memory", ["program (MiB)", "native", "isle -m", "Linux guest -m"],
          rows, [f"Bisection over whole MiB from {HI} MiB, at most {MAX_BOOTS} boots each "
                 f"({time.monotonic() - t0:.0f} s in all); QEMU TCG, 1 vCPU, microvm. "
                 "4 MiB is the least `isle run -m` accepts."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
