"""`make bench`: run every benchmark in BENCHES, one after the other, each printing its own
table; everything they print is also written, as Markdown, to
bench/results/RESULTS-<UTC date and time>.md and bench/results/latest.md. A benchmark is a
module bench/NAME.py with a main() that prints its figures (Markdown tables through
benchlib.table, or plain text, which goes into a code block) and returns 0, or 1 when it
could not measure. Add new ones to BENCHES.
Run as /usr/bin/python3 bench/run.py [NAME...] (default: all)."""

import datetime
import importlib.util
import io
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
# ISLE_BENCH_RESULTS: another directory for the results files (the tests use a temporary one).
RESULTS = Path(os.environ.get("ISLE_BENCH_RESULTS", BENCH_DIR / "results"))
BENCHES = ["boot", "sizes", "memmin", "idle", "http", "dns", "syscalls", "tcp",
           "fs_throughput", "threads"]


def load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Tee(io.TextIOBase):
    """Writes to the real stdout and keeps a copy."""

    def __init__(self, out):
        self.out, self.copy = out, io.StringIO()

    def write(self, s):
        self.out.write(s)
        self.copy.write(s)
        return len(s)

    def flush(self):
        self.out.flush()


def header():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30,
                                  cwd=BENCH_DIR).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "?"
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "?")
    return (f"# isle benchmarks, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC\n\n"
            f"Commit {out(['git', 'rev-parse', '--short', 'HEAD'])}; host {cpu}, "
            f"{os.cpu_count()} cores, Linux {platform.release()}; "
            f"{out(['qemu-system-x86_64', '--version'])}; "
            f"ISLE_BENCH_RUNS={os.environ.get('ISLE_BENCH_RUNS', '3')}. Guests run under "
            "TCG (software emulation): ratios to native are far larger than under KVM.\n")


def main(argv):
    names = argv or BENCHES
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"bench: unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHES)}",
              file=sys.stderr)
        return 2
    failed = []
    sections = [header()]
    t_all = time.monotonic()
    for name in names:
        print(f"== {name}", flush=True)
        t0 = time.monotonic()
        tee = Tee(sys.stdout)
        real, sys.stdout = sys.stdout, tee
        try:
            status = load(name).main()
        except Exception as e:  # one broken benchmark must not lose the others' tables
            print(f"{name}: crashed: {e!r}", file=sys.stderr)
            status = 1
        finally:
            sys.stdout = real
        took = time.monotonic() - t0
        print(f"== {name}: {'ok' if status == 0 else 'FAILED'} ({took:.0f} s)\n", flush=True)
        text = tee.copy.getvalue().strip()
        if not text.startswith("###"):
            text = f"### {name}\n\n```\n{text}\n```"
        sections.append(text + ("" if status == 0 else f"\n\n{name}: FAILED (see stderr)")
                        + f"\n\n({name}: {took:.0f} s)\n")
        if status != 0:
            failed.append(name)
    sections.append(f"Total: {time.monotonic() - t_all:.0f} s.\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"RESULTS-{datetime.datetime.utcnow():%Y-%m-%d-%H%M}.md"
    out.write_text("\n".join(sections))
    (RESULTS / "latest.md").write_text("\n".join(sections))
    print(f"bench: results in {out} and {RESULTS / 'latest.md'}")
    if failed:
        print(f"bench: failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
