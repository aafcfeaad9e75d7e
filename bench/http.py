"""HTTP benchmark (figure 5 of `make bench`): requests/s and latency (p50, p99) of the Go
server (examples/go-static-server, GET / = static/index.html) under `wrk -t1 -c8 -d5s
--latency`: natively (in its own network namespace, wrk run there through nsenter), in isle
(`isle run --net isolated -p`, QEMU user networking with restrict=on, 127.0.0.1 forward)
and in the Linux guest (same QEMU networking). One boot per target, one untimed warm-up
run, then RUNS wrk runs; min/median/max over those.

Environment: ISLE_BENCH_WRK_SECONDS (default 5).
Run through `make bench` (bench/run.py) or alone: /usr/bin/python3 bench/http.py"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (RUNS, BenchError, fmt3, go_server, ratio, run, table,  # noqa: E402
                      wait_http)
from benchlib import bench_main  # noqa: E402
from targets import MEM, COLUMNS, TARGETS, go_launch, linux_available  # noqa: E402

SECONDS = int(os.environ.get("ISLE_BENCH_WRK_SECONDS", "5"))
LIMIT = 120
UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(port, netns_pid, seconds):
    """(requests/s, p50 ms, p99 ms) of one wrk run against GET / on 127.0.0.1:port."""
    cmd = ["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}/"]
    if netns_pid:
        cmd = ["nsenter", "-t", netns_pid, "-n", *cmd]
    out = run(cmd, seconds + 60).stdout
    rps = re.search(r"Requests/sec:\s*([0-9.]+)", out)
    lat = dict(re.findall(r"^\s*(50|99)%\s+([0-9.]+(?:us|ms|s))\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", out)
    if not rps or set(lat) != {"50", "99"}:
        raise BenchError(f"wrk output not understood:\n{out}")
    if errors:
        raise BenchError(f"wrk saw errors: {errors.group(0)}\n{out}")

    def ms(v):
        m = re.match(r"([0-9.]+)(us|ms|s)$", v)
        return float(m.group(1)) * UNIT[m.group(2)]
    return float(rps.group(1)), ms(lat["50"]), ms(lat["99"])


def measure_target(target):
    with go_launch(target) as p:
        port = p.ports[8080]
        if wait_http(port, p.proc, LIMIT, p.netns_pid) is None:
            raise BenchError(f"Go server on {target}: no HTTP 200 within {LIMIT} s")
        wrk(port, p.netns_pid, 1)  # warm-up
        return [wrk(port, p.netns_pid, SECONDS) for _ in range(RUNS)]


def main():
    return bench_main("http", measure)


def measure():
    go_server()
    no_linux = linux_available()
    res = {t: (no_linux if t == "linux" and no_linux else measure_target(t)) for t in TARGETS}

    def col(t, i, spec):
        return res[t] if isinstance(res[t], str) else fmt3([r[i] for r in res[t]], spec)
    def ratios(i):
        def fig(t):
            return res[t] if isinstance(res[t], str) else [r[i] for r in res[t]]
        return [ratio(fig("isle"), fig("native")), ratio(fig("isle"), fig("linux"))]
    rows = [["requests/s", *[col(t, 0, "{:.0f}") for t in TARGETS], *ratios(0)],
            ["latency p50 (ms)", *[col(t, 1, "{:.2f}") for t in TARGETS], *ratios(1)],
            ["latency p99 (ms)", *[col(t, 2, "{:.2f}") for t in TARGETS], *ratios(2)]]
    table("HTTP (Go server, wrk)", ["figure", *COLUMNS], rows,
          [f"`wrk -t1 -c8 -d{SECONDS}s --latency`, GET / (static/index.html): median "
           f"(min-max) of {RUNS} runs on one boot; QEMU TCG, -m {MEM}, 1 vCPU, user "
           "networking (restrict=on) with a 127.0.0.1 forward; native over lo in a network "
           "namespace. wrk shares the host's 2 cores with QEMU."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
