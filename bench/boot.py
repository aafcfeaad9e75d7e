"""Boot benchmark (figure 1 of `make bench`): from launching the command to the program's
first output (examples/hello/hello.c, static) and to the first HTTP 200 of the Go server
(examples/go-static-server), natively, in isle (`isle run`, image cached beforehand) and in
the Linux guest (Debian's kernel, the program as /init's child in an initramfs, same QEMU
machine, memory and vCPU); plus the guest's own boot time: isle's TSC stamps (kernel entry
to program entry, `--boot-time`) and, for Linux, CLOCK_BOOTTIME when /init starts (kernel
timekeeping start to init). Launch times include QEMU's own start. min/median/max over
RUNS runs.

Run through `make bench` (bench/run.py) or alone: /usr/bin/python3 bench/boot.py"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import linuxguest  # noqa: E402
from benchlib import (GO_EXAMPLE, HOST_TIMEOUT, ISLE, REPO, RUNS, BenchError,  # noqa: E402
                      compile_c, fmt3, go_server, ratio, run, table, wait_http)
from benchlib import bench_main  # noqa: E402
from targets import (BOOT_LINE, MEM, COLUMNS, TARGETS, go_launch, launch,  # noqa: E402
                     linux_available, output_of, wait_line)

LIMIT = 120  # seconds for one boot under TCG on a loaded host


def boot_stamp(proc):
    """The guest boot time in ms found in the ended proc's output, else None."""
    m = BOOT_LINE.search(output_of(proc))
    return int(m.group(1)) / 1000 if m else None


def hello_once(target, hello):
    with launch(target, hello) as p:
        t, _ = wait_line(p.proc, r"hello from a static binary", LIMIT)
        p.proc.wait(timeout=LIMIT)
        return t * 1000, boot_stamp(p.proc)


def go_once(target):
    with go_launch(target) as p:
        t = wait_http(p.ports[8080], p.proc, LIMIT, p.netns_pid)
        if t is None:
            raise BenchError(f"Go server on {target}: no HTTP 200 within {LIMIT} s")
        p.stop()
        return t * 1000, boot_stamp(p.proc)


def main():
    return bench_main("boot", measure)


def measure():
    hello = compile_c(REPO / "examples" / "hello" / "hello.c", "hello")
    server = go_server()
    no_linux = linux_available()
    targets = [t for t in TARGETS if not (t == "linux" and no_linux)]
    # Untimed: build isle's cached images and the Linux initramfs.
    run([ISLE, "run", "--dry-run", "--accel", "tcg", hello], HOST_TIMEOUT)
    run([ISLE, "run", "--dry-run", "--accel", "tcg", "-c", GO_EXAMPLE / "config.json",
         server], HOST_TIMEOUT)
    if not no_linux:
        linuxguest.initramfs("hello", str(hello))
        linuxguest.initramfs("go-static-server", str(server), GO_EXAMPLE / "static")
    res = {(w, t): ([], []) for w in ("hello", "go") for t in targets}
    for _ in range(RUNS):
        for t in targets:
            for w, fn in (("hello", lambda: hello_once(t, hello)), ("go", lambda: go_once(t))):
                ms, stamp = fn()
                res[w, t][0].append(ms)
                if stamp is not None:
                    res[w, t][1].append(stamp)
    rows = []
    for w, label in (("hello", "hello: launch to first output"),
                     ("go", "Go server: launch to first HTTP 200")):
        rows.append([label] + [fmt3(res[w, t][0]) if (w, t) in res else no_linux
                               for t in TARGETS] +
                    [ratio(res[w, "isle"][0], res[w, "native"][0]),
                     ratio(res[w, "isle"][0], res.get((w, "linux"), ("",))[0])])
        rows.append([f"{w}: guest boot (kernel to program)"] +
                    [fmt3(res[w, t][1], "{:.1f}") if t != "native" and (w, t) in res
                     else ("-" if t == "native" else no_linux) for t in TARGETS] +
                    ["-", ratio(res[w, "isle"][1], res.get((w, "linux"), ("", ""))[1])])
    notes = [f"ms, median (min-max) of {RUNS} runs; QEMU TCG, -m {MEM}, 1 vCPU, microvm. "
             "Guest boot: isle from its TSC stamps (kernel entry to program entry); Linux "
             "from CLOCK_BOOTTIME at /init's start (kernel timekeeping start to /init)."]
    table("Boot", ["figure (ms)", *COLUMNS], rows, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
