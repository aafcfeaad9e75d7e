"""Density (outside `make bench`): how many idle Go-server VMs (examples/go-static-server,
each a plain `isle run --net isolated -p PORT:8080` in the background) this host holds.
Starts them one at a time until --count are up, the next one would pass --mem-budget
(host RSS of the QEMU processes so far plus the last one's again) or --time-limit seconds
have passed; each must answer GET / with 200 before the next starts. Reports the count,
the per-instance host memory (QEMU's VmRSS, plus the `isle run` parent's), the total and
per-instance start time and why it stopped, checks every instance still answers, then
stops them all, by PID (the process groups it started), on every path out (errors,
Ctrl-C, SIGTERM).

Usage: /usr/bin/python3 bench/density.py [--count N] [--mem-budget MIB] [--time-limit S]
       [--guest-mem SIZE]"""

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (GO_EXAMPLE, ISLE, BenchError, Started, fmt3, free_port,  # noqa: E402
                      go_server, http_status, run, table, wait_http)
from targets import vm_pid  # noqa: E402


def rss_mib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def positive(kind):
    def parse(text):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}")
        if v <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0: {text!r}")
        return v
    return parse


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="density.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=positive(int), default=8,
                    help="most instances to start (default 8)")
    ap.add_argument("--mem-budget", type=positive(int), default=2048, metavar="MIB",
                    help="host memory (RSS, MiB) the instances may use (default 2048)")
    ap.add_argument("--time-limit", type=positive(float), default=600, metavar="S",
                    help="seconds for starting them all (default 600)")
    ap.add_argument("--guest-mem", default="32M", metavar="SIZE",
                    help="each guest's -m (default 32M)")
    return ap.parse_args(argv)


class Stop(Exception):
    pass


def on_signal(signum, frame):
    raise Stop(f"signal {signum}")


def main(argv):
    args = parse_args(argv)
    if not ISLE.exists():
        print(f"density: {ISLE} missing: run make", file=sys.stderr)
        return 1
    server = go_server()
    config = GO_EXAMPLE / "config.json"
    # Build isle's cached image once, so every start is a boot.
    run([ISLE, "run", "--dry-run", "--accel", "tcg", "-c", config, server], 300)
    vms = []  # (Started, port, qemu pid, seconds to first 200)
    old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    t0 = time.monotonic()
    reason = f"--count {args.count} reached"
    try:
        while len(vms) < args.count:
            used = sum(rss_mib(q) + rss_mib(v.pid) for v, _, q, _ in vms)
            last = rss_mib(vms[-1][2]) + rss_mib(vms[-1][0].pid) if vms else 0
            if vms and used + last > args.mem_budget:
                reason = (f"--mem-budget {args.mem_budget} MiB: {used:.0f} MiB used, "
                          f"the next would need about {last:.0f} more")
                break
            left = args.time_limit - (time.monotonic() - t0)
            if left <= 0:
                reason = f"--time-limit {args.time_limit:.0f} s reached"
                break
            port = free_port()
            v = Started([ISLE, "run", "--accel", "tcg", "-m", args.guest_mem, "--net",
                         "isolated", "-p", f"{port}:8080", "-c", config, server],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            s0 = time.monotonic()
            up = wait_http(port, v.proc, left)
            if up is None:
                err = b""
                if v.proc.poll() is not None:
                    err = v.proc.stderr.read()[-500:]
                v.__exit__()
                reason = (f"instance {len(vms) + 1} gave no HTTP 200 "
                          f"({'exited: ' + err.decode(errors='replace') if err else 'time limit'})")
                break
            vms.append((v, port, vm_pid(v, "isle"), time.monotonic() - s0))
            print(f"density: instance {len(vms)} up on 127.0.0.1:{port} in "
                  f"{vms[-1][3]:.1f} s", flush=True)
        total = time.monotonic() - t0
        answering = sum(1 for _, port, _, _ in vms if http_status(port) == 200)
        qemu = [rss_mib(q) for _, _, q, _ in vms]
        isle = [rss_mib(v.pid) for v, _, _, _ in vms]
        rows = [["instances started (answering HTTP 200 at the end)",
                 f"{len(vms)} ({answering})"],
                ["stopped because", reason],
                ["host RSS per instance, QEMU (MiB)", fmt3(qemu, "{:.1f}")],
                ["host RSS per instance, `isle run` parent (MiB)", fmt3(isle, "{:.1f}")],
                ["host RSS, all instances (MiB)", f"{sum(qemu) + sum(isle):.0f}"],
                ["total start time (s)", f"{total:.1f}"],
                ["start to first HTTP 200, per instance (s)",
                 fmt3([u for _, _, _, u in vms], "{:.1f}")]]
        table("Density (idle Go servers)", ["figure", "value"], rows,
              [f"`isle run --accel tcg -m {args.guest_mem} --net isolated -p PORT:8080 -c "
               "config.json go-static-server` per instance, started one after the other; "
               "median (min-max) where several."])
        return 0 if vms and answering == len(vms) else 1
    except (Stop, BenchError) as e:
        print(f"density: stopped: {e}", file=sys.stderr)
        return 1
    finally:
        for v, _, _, _ in vms:
            v.__exit__()
        for s, h in old.items():
            signal.signal(s, h)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
