"""`make bench`: run every benchmark in BENCHES, one after the other, each printing its own
table. A benchmark is a module bench/NAME.py with a main() that prints its figures and
returns 0, or 1 when it could not measure. Add new ones to BENCHES.
Run as /usr/bin/python3 bench/run.py [NAME...] (default: all)."""

import importlib.util
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BENCHES = ["fs_throughput", "threads"]


def load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv):
    names = argv or BENCHES
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"bench: unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHES)}",
              file=sys.stderr)
        return 2
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        t0 = time.monotonic()
        status = load(name).main()
        print(f"== {name}: {'ok' if status == 0 else 'FAILED'} "
              f"({time.monotonic() - t0:.0f} s)\n", flush=True)
        if status != 0:
            failed.append(name)
    if failed:
        print(f"bench: failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
