"""File-system benchmark: sequential write (with fsync) and read of N MiB on the ext2 root
of an isle image, against the same program on a host file and against dd; plus boot time
of hello from the boot module (`isle run --bundle PROGRAM`, tmpfs root), from the image
`isle run PROGRAM` builds and caches, and from an image made by `isle build`; and the
image size for hello.

The guest program is tests/guest/ddbench.c, which times itself with CLOCK_MONOTONIC, so
the figures leave out QEMU's start and the boot. Every figure is min/median/max over RUNS
runs (these machines are shared and noisy); ratios are medians over medians.

Environment: ISLE_BENCH_RUNS (default 3), ISLE_BENCH_MIB (default 64).
Run through `make bench` (bench/run.py) or alone: /usr/bin/python3 bench/fs_throughput.py
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (HOST_TIMEOUT, ISLE, OUT, RUNS, VM_TIMEOUT,  # noqa: E402
                      BenchError, accel_notice, compile_guest, run, stats, table)
from benchlib import bench_main  # noqa: E402

MIB = int(os.environ.get("ISLE_BENCH_MIB", "64"))
GUEST_MEM = "256M"  # room for the whole file in the guest's page cache

DD_LINE = re.compile(r"ddbench: (write|read) (\d+) MiB in ([0-9.]+) s")
BOOT_LINE = re.compile(r"isle: boot time: (\d+) us")
DD_STATS = re.compile(r"(\d+) bytes .* copied, ([0-9.e+-]+) s")


def build_image(prog, config, img):
    cfg = img.with_suffix(".json")
    cfg.write_text(json.dumps(config))
    run([ISLE, "build", prog, "-c", cfg, "-o", img], HOST_TIMEOUT)
    return img


def ddbench_rates(stdout):
    """{'write': MiB/s, 'read': MiB/s} from ddbench's output."""
    rates = {}
    for what, mib, secs in DD_LINE.findall(stdout):
        rates[what] = int(mib) / float(secs) if float(secs) > 0 else float("inf")
    if set(rates) != {"write", "read"} or "PASS ddbench" not in stdout:
        raise BenchError(f"ddbench output not understood:\n{stdout}")
    return rates


def dd_rates(path):
    """dd's own figures (bytes / seconds it reports) for a write with conv=fsync and a read."""
    w = run(["dd", "if=/dev/zero", f"of={path}", "bs=1M", f"count={MIB}", "conv=fsync"],
            HOST_TIMEOUT)
    r = run(["dd", f"if={path}", "of=/dev/null", "bs=1M"], HOST_TIMEOUT)
    rates = {}
    for what, res in (("write", w), ("read", r)):
        m = DD_STATS.search(res.stderr)
        if not m:
            raise BenchError(f"dd output not understood:\n{res.stderr}")
        rates[what] = int(m.group(1)) / (1 << 20) / max(float(m.group(2)), 1e-9)
    os.unlink(path)
    return rates


def bundle_option():
    """`--bundle` where isle has it (a PROGRAM otherwise boots from a cached image); older
    isle binaries booted a PROGRAM from the boot bundle without it."""
    r = subprocess.run([str(ISLE), "--help"], capture_output=True, text=True, timeout=60)
    return ["--bundle"] if "--bundle" in r.stdout + r.stderr else []


def boot_time(options, target):
    """Guest boot time (kernel entry to program entry) in us, and launch-to-exit wall s."""
    t0 = time.monotonic()
    r = run([ISLE, "run", "--boot-time", *options, target], VM_TIMEOUT)
    wall = time.monotonic() - t0
    m = BOOT_LINE.search(r.stderr)
    if not m:
        raise BenchError(f"no boot time line in:\n{r.stderr}")
    return int(m.group(1)), wall


def fmt(triple, unit=""):
    lo, med, hi = triple
    return f"{med:.1f}{unit} ({lo:.1f}-{hi:.1f})"


def main():
    return bench_main("fs_throughput", measure)


def measure():
    ddbench = compile_guest("ddbench")
    hello = compile_guest("hello")
    work = Path(tempfile.mkdtemp(prefix="isle-bench-"))
    try:
        img = build_image(ddbench, {"Args": ["/bench.dat", str(MIB)],
                                    "BaseVolumeSz": f"{2 * MIB + 32}m"}, work / "dd.img")
        hello_img = build_image(hello, {}, work / "hello.img")
        isle, native, dd = {"write": [], "read": []}, {"write": [], "read": []}, \
            {"write": [], "read": []}
        bundle = bundle_option()
        targets = {"module": (bundle, hello), "cached": ([], hello), "disk": ([], hello_img)}
        boots = {k: [] for k in targets}
        walls = {k: [] for k in targets}
        for options, target in targets.values():  # warm up: the cached image is made here
            boot_time(options, target)
        for i in range(RUNS):
            r = run([ISLE, "run", "-m", GUEST_MEM, img], VM_TIMEOUT)
            for k, v in ddbench_rates(r.stdout).items():
                isle[k].append(v)
            r = run([ddbench, work / "native.dat", MIB], HOST_TIMEOUT)
            for k, v in ddbench_rates(r.stdout).items():
                native[k].append(v)
            for k, v in dd_rates(work / "dd.dat").items():
                dd[k].append(v)
            for kind, (options, target) in targets.items():
                us, wall = boot_time(options, target)
                boots[kind].append(us / 1000)
                walls[kind].append(wall * 1000)
        fsck = subprocess.run(["e2fsck", "-fn", str(img)], capture_output=True, text=True,
                              timeout=HOST_TIMEOUT)
        st = hello_img.stat()
        size_mib, alloc_mib = st.st_size / (1 << 20), st.st_blocks * 512 / (1 << 20)
        hello_kib = hello.stat().st_size / 1024
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = []
    for k in ("write", "read"):
        i, n, d = stats(isle[k]), stats(native[k]), stats(dd[k])
        label = f"{k} MiB/s" + (" (incl. fsync)" if k == "write" else "")
        rows.append([label, fmt(i), fmt(n), fmt(d), f"{i[1] / n[1]:.3f}"])
    table(f"File system ({MIB} MiB sequential)",
          ["sequential I/O", "isle", "native (ddbench)", "dd on host", "isle/native"], rows,
          [f"{RUNS} runs, median (min-max); isle under {accel_notice(OUT / 'hello')}, "
           f"-m {GUEST_MEM}; read follows write, nothing dropped. dd image after {RUNS} runs: "
           f"e2fsck -fn exit {fsck.returncode}."])
    rows = []
    for label, figures in (("boot time ms (--boot-time)", boots),
                           ("launch to exit ms (wall)", walls)):
        m, c, d = (stats(figures[k]) for k in ("module", "cached", "disk"))
        rows.append([label, fmt(m), fmt(c), fmt(d), f"{d[1] / m[1]:.3f}"])
    notes = [f"hello image: {size_mib:.1f} MiB file, {alloc_mib:.1f} MiB allocated on the host "
             f"(program {hello_kib:.0f} KiB); ratio image/program "
             f"{size_mib * 1024 / hello_kib:.1f}"]
    if not bundle:
        notes.append("(this isle has no --bundle: 'boot module' is plain `isle run PROGRAM`)")
    table("hello: boot module, cached image, isle build image",
          ["hello", "boot module", "isle run PROGRAM", "isle build image", "image/module"],
          rows, notes)
    return 0 if fsck.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
